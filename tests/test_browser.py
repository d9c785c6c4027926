"""The HTML report in a real browser: Debian's Chromium driven by Playwright.

The main report is the real one of ``scans/117066/`` (the whole pipeline, Tesseract included, run
once per session). Screenshots go to ``tests/artifacts/``. Chromium comes from Debian
(``make test`` installs it); these tests are skipped only when ``/usr/bin/chromium`` is absent.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from pipeline.report import FlagCounts, IndexRow, write_index, write_report

CHROMIUM = Path("/usr/bin/chromium")
ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "tests" / "artifacts"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed "
                       "(apt-get install -y chromium, or make test)"),
]


@pytest.fixture(scope="session")
def real_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The report of the seed document's scans, made by the command a user runs."""
    out = tmp_path_factory.mktemp("report-117066")
    pages = sorted((ROOT / "scans" / "117066").glob("page-*.png"))
    subprocess.run(
        [sys.executable, "-m", "pipeline", "verify", "--transcript", str(ROOT / "transcripts" / "117066.md"),
         *map(str, pages), "--out", str(out)],
        check=True, cwd=ROOT, capture_output=True, timeout=600,
    )
    return out


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(
            executable_path=str(CHROMIUM), headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--no-first-run"],
        )
        yield chromium
        chromium.close()


class Watched:
    """A page with its requests, script errors and dialogs recorded."""

    def __init__(self, page) -> None:
        self.page = page
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        #: What a prompt is answered with; None dismisses every dialog.
        self.answer: str | None = None
        page.on("request", lambda r: self.requests.append(r.url))
        page.on("pageerror", lambda e: self.errors.append(str(e)))

        def on_dialog(d) -> None:
            self.dialogs.append(d.message)
            d.accept(self.answer) if self.answer is not None and d.type == "prompt" else d.dismiss()

        page.on("dialog", on_dialog)


@pytest.fixture
def context(browser):
    ctx = browser.new_context(viewport={"width": 1400, "height": 900}, accept_downloads=True)
    yield ctx
    ctx.close()


def open_report(context, html: Path) -> Watched:
    w = Watched(context.new_page())
    w.page.goto(html.as_uri())
    w.page.wait_for_selector("html[data-ready=true]")
    return w


def shot(w: Watched, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    w.page.screenshot(path=str(ARTIFACTS / f"{name}.png"))


def inside(inner: dict, outer: dict) -> bool:
    """Whether a bounding box (Playwright's x/y/width/height) lies within another, 1 px slack."""
    return (inner["x"] >= outer["x"] - 1 and inner["y"] >= outer["y"] - 1
            and inner["x"] + inner["width"] <= outer["x"] + outer["width"] + 1
            and inner["y"] + inner["height"] <= outer["y"] + outer["height"] + 1)


def report_data(folder: Path) -> dict:
    return json.loads((folder / "report.json").read_text(encoding="utf-8"))


@pytest.mark.slow
def test_clicking_the_highest_flag_shows_its_box_and_line(context, real_report: Path) -> None:
    data = report_data(real_report)
    flags = data["flags"]
    # The highest flag, and the highest one with a box of its own (text-only checks have none:
    # the page then shows the box of the flag's line).
    first_boxed = next(f for f in flags if f["bbox"] and f["line"] is not None)
    w = open_report(context, real_report / "report.html")
    viewer = w.page.locator("#viewer").bounding_box()
    chosen = [flags[0]] if first_boxed is flags[0] else [flags[0], first_boxed]
    for n, flag in enumerate(chosen):
        w.page.click(f"#flag-{flag['id']}")
        if flag["bbox"]:
            box = w.page.locator(f"#box-{flag['id']}")
            assert "selected" in box.get_attribute("class")
        else:
            box = w.page.locator("#overlay rect.line-mark")
        assert inside(box.bounding_box(), viewer)
        page = flag["page"] or data["lines"][flag["line"]]["page"]
        assert w.page.locator("#page-select").input_value() == str(page)
        line = w.page.locator(f"#line-{flag['line']}")
        assert "current" in line.get_attribute("class")
        assert line.is_visible() and inside(line.bounding_box(), w.page.locator("#panel-text").bounding_box())
        shot(w, f"report-117066-flag-{n + 1}")
    assert w.errors == []
    assert all(url.startswith("file://") for url in w.requests)  # nothing leaves the machine


@pytest.mark.slow
def test_filter_by_kind(context, real_report: Path) -> None:
    flags = report_data(real_report)["flags"]
    kinds = sorted({f["kind"] for f in flags})
    kind = min(kinds, key=lambda k: sum(f["kind"] == k for f in flags))
    w = open_report(context, real_report / "report.html")
    # Info flags (notes on OCR noise) start hidden; the reviewer sees the rest first.
    assert w.page.locator("#cards .card:visible").count() == sum(f["severity"] != "info" for f in flags)
    w.page.check("input[name=severity][value=info]")
    w.page.select_option("#filter-kind", kind)
    visible = w.page.locator("#cards .card:visible")
    assert visible.count() == sum(f["kind"] == kind for f in flags)
    assert set(visible.evaluate_all("cards => cards.map(c => c.dataset.kind)")) == {kind}
    boxes = w.page.locator("#overlay rect.flag")
    assert boxes.count() <= visible.count()
    shot(w, "report-117066-filtered")
    w.page.select_option("#filter-kind", "")
    assert w.page.locator("#cards .card:visible").count() == len(flags)


@pytest.mark.slow
def test_j_and_k_move_between_flags(context, real_report: Path) -> None:
    ids = [f["id"] for f in report_data(real_report)["flags"]]
    assert len(ids) >= 2, "the seed document has several transcription errors"
    w = open_report(context, real_report / "report.html")
    selected = "#cards .card[aria-selected=true]"
    w.page.keyboard.press("j")
    assert w.page.get_attribute(selected, "data-id") == ids[0]
    w.page.keyboard.press("j")
    assert w.page.get_attribute(selected, "data-id") == ids[1]
    w.page.keyboard.press("k")
    assert w.page.get_attribute(selected, "data-id") == ids[0]
    assert w.page.locator(selected).count() == 1


@pytest.mark.slow
def test_review_survives_a_reload_and_exports(context, real_report: Path) -> None:
    flags = report_data(real_report)["flags"]
    w = open_report(context, real_report / "report.html")
    first, second, third = (w.page.locator(f"#flag-{f['id']}") for f in flags[:3])
    first.locator("button.accept").click()
    second.click()
    w.page.keyboard.press("r")
    # The reviewer types the page's text where the OCR's reading is not exactly it.
    w.answer = "typed <text>"
    third.locator("button.correct").click()
    assert "corrected to “typed <text>”" in third.locator(".decision").text_content()
    w.page.reload()
    w.page.wait_for_selector("html[data-ready=true]")
    assert "is-accepted" in first.get_attribute("class")
    assert "is-rejected" in second.get_attribute("class")
    assert "is-accepted" in third.get_attribute("class")
    assert w.page.text_content("#review-progress") == f"3 / {len(flags)} reviewed"
    shot(w, "report-117066-reviewed")
    with w.page.expect_download() as download:
        w.page.click("#export-review")
    review = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))
    assert review["document"] == "117066"
    assert {(d["id"], d["decision"], d.get("correction")) for d in review["decisions"]} == {
        (flags[0]["id"], "accepted", None), (flags[1]["id"], "rejected", None),
        (flags[2]["id"], "accepted", "typed <text>")}


@pytest.mark.slow
def test_batch_index_sorts(context, real_report: Path, tmp_path: Path) -> None:
    data = report_data(real_report)
    high = sum(f["severity"] == "high" for f in data["flags"])
    rows = [
        IndexRow("117066", real_report / "report.html", len(data["pages"]), data["metrics"]["cer"],
                 data["metrics"]["wer"], FlagCounts(high=high)),
        IndexRow("a-clean", None, 3, 0.001, 0.01, FlagCounts()),
        IndexRow("z-noisy", None, 1, 0.5, 0.9, FlagCounts(high=9, low=2)),
        IndexRow("broken", None, error="no scans found"),
    ]
    w = open_report(context, write_index(rows, tmp_path))
    documents = "#index tbody tr td:first-child"
    cer_head = "#index thead th:nth-child(3) button"
    w.page.click(cer_head)
    cers = [float(v) for v in w.page.locator("#index tbody tr td:nth-child(3)").evaluate_all(
        "tds => tds.map(td => td.dataset.value)")]
    assert cers == sorted(cers)
    w.page.click(cer_head)
    assert w.page.locator(documents).first.text_content() == "z-noisy"
    w.page.click("#index thead th:nth-child(1) button")
    w.page.click("#index thead th:nth-child(1) button")
    assert w.page.locator(documents).all_text_contents() == ["z-noisy", "broken", "a-clean", "117066"]
    href = w.page.get_attribute("#index a", "href")
    assert (tmp_path / href).resolve() == (real_report / "report.html").resolve()
    shot(w, "index")


def test_hostile_transcript_stays_text_in_the_browser(context, tmp_path: Path) -> None:
    from tests.test_report import HOSTILE, sample_document

    files = write_report(sample_document(tmp_path / "scans"), tmp_path / "report")
    w = open_report(context, files.html)
    assert w.dialogs == []  # no alert() ran
    assert w.errors == []
    assert HOSTILE in w.page.text_content("header .title")
    assert w.page.locator("img[onerror]").count() == 0
    w.page.check("input[name=severity][value=info]")
    w.page.click("#cards .card >> nth=3")
    assert HOSTILE in w.page.text_content("#cards .card >> nth=3")
    assert all(url.startswith("file://") for url in w.requests)
    shot(w, "report-hostile")


def test_print_layout_shows_every_panel(context, tmp_path: Path) -> None:
    from tests.test_report import sample_document

    files = write_report(sample_document(tmp_path / "scans"), tmp_path / "report")
    w = open_report(context, files.html)
    w.page.emulate_media(media="print")
    for panel in ("#panel-text", "#panel-translation", "#panel-metrics", "#cards"):
        assert w.page.locator(panel).is_visible()
    assert not w.page.locator("#viewer").is_visible()
    pdf = w.page.pdf(format="A4")
    assert pdf.startswith(b"%PDF") and len(pdf) > 10_000
    (ARTIFACTS / "report-print.pdf").write_bytes(pdf)
