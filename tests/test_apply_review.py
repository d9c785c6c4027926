"""``scanproof apply-review``: accepted flags applied to the transcription in its own format, and
the errata list; a round trip through the real pipeline, and the placement of corrections in
files whose text sits among markup."""

from __future__ import annotations

import csv
import hashlib
import json
from pathlib import Path

import pytest

from pipeline.review import place
from pipeline.synth import make_document
from pipeline.transcript import read_transcript
from tests.conftest import scanproof


def _review(report: dict, accept: list[str], reject: list[str] = ()) -> dict:
    decisions = ([{"id": i, "decision": "accepted"} for i in accept]
                 + [{"id": i, "decision": "rejected"} for i in reject])
    return {"schema": "scanproof/review/1", "document": report["document"], "decisions": decisions}


def _verify(transcript: Path, scans: Path, out: Path) -> dict:
    done = scanproof("verify", "--transcript", str(transcript), str(scans), "--out", str(out), "--no-cache")
    assert done.returncode == 0, done.stderr
    return json.loads((out / "report.json").read_text(encoding="utf-8"))


def _serious_corrections(report: dict) -> list[dict]:
    return [f for f in report["flags"] if f["severity"] in ("high", "medium") and f["transcript_span"]
            and f["scan_text"] is not None]


@pytest.mark.slow
def test_round_trip_corrects_planted_errors_and_verify_no_longer_raises_them(tmp_path):
    doc = make_document(tmp_path / "doc", seed=4242, level="archival", pages=1, plant=4)
    first = _verify(doc.transcript, doc.pages[0].image, tmp_path / "r1")
    chosen = _serious_corrections(first)
    assert chosen, "no medium/high flag with a reading of the scan to apply"
    review = tmp_path / "review.json"
    review.write_text(json.dumps(_review(first, [f["id"] for f in chosen])), encoding="utf-8")
    out = tmp_path / "fixed" / "transcript.md"
    before = doc.transcript.read_bytes()
    done = scanproof("apply-review", str(doc.transcript), str(tmp_path / "r1"), str(review), "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert doc.transcript.read_bytes() == before  # the input is untouched
    rows = list(csv.DictReader((tmp_path / "fixed" / "transcript.errata.csv").open(encoding="utf-8")))
    assert [r["flag"] for r in rows] == [f["id"] for f in chosen]
    applied = [r for r in rows if r["status"] == "applied"]
    assert len(applied) >= len(rows) - 1
    assert all(r["line"] and r["evidence"] for r in applied)
    fixed = out.read_text(encoding="utf-8")
    # Each planted error that was applied is back to what the page says.
    key = json.loads(doc.answer_key.read_text(encoding="utf-8"))["errors"]
    planted = [e for e in key if e["section"] == "original" and e["transcript_text"]]
    restored = [e for e in planted if e["line"] not in fixed
                and e["line"].replace(e["transcript_text"], e["scan_text"], 1) in fixed]
    assert len(restored) >= 2, (planted, applied)  # the changed year and the doubled word, seed 4242
    second = _verify(out, doc.pages[0].image, tmp_path / "r2")
    again = {(f["kind"], f["transcript_text"], f["scan_text"]) for f in second["flags"]
             if f["severity"] in ("high", "medium")}
    done_pairs = {(f["kind"], f["transcript_text"], f["scan_text"]) for f in chosen
                  if any(r["flag"] == f["id"] for r in applied)}
    assert not again & done_pairs


def _fake_report(path: Path, transcript: Path, flags: list[dict]) -> Path:
    """A report.json as ``verify`` writes it, for the flags given (spans into the original)."""
    t = read_transcript(transcript)
    report = {"schema": "scanproof/report/1", "document": t.document_id, "pages": [], "metrics": None,
              "transcript_sha256": hashlib.sha256(t.original.encode("utf-8")).hexdigest(), "flags": []}
    for n, (published, scan, nth) in enumerate(flags):
        start = -1
        for _ in range(nth + 1):
            start = t.original.index(published, start + 1)
        report["flags"].append({"id": f"divergence-{n}", "kind": "divergence", "severity": "high",
                                "message": f"the scan reads {scan!r}", "transcript_text": published,
                                "scan_text": scan, "translation_text": None, "page": 1, "bbox": None,
                                "evidence": ["OCR confidence 96"], "transcript_span": [start, start + len(published)]})
    path.mkdir(parents=True, exist_ok=True)
    (path / "report.json").write_text(json.dumps(report), encoding="utf-8")
    return path / "report.json"


def _apply(tmp_path: Path, transcript: Path, flags: list[tuple[str, str, int]], *extra: str):
    report = _fake_report(tmp_path / "report", transcript, flags)
    data = json.loads(report.read_text(encoding="utf-8"))
    review = tmp_path / "review.json"
    review.write_text(json.dumps(_review(data, [f["id"] for f in data["flags"]])), encoding="utf-8")
    out = tmp_path / "out" / ("fixed" + "".join(transcript.suffixes))
    done = scanproof("apply-review", str(transcript), str(report), str(review), "--out", str(out), *extra)
    return done, out


TEI = """<?xml version="1.0" encoding="UTF-8"?>
<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader><fileDesc><titleStmt><title>Letter</title></titleStmt>
<publicationStmt><p>test</p></publicationStmt><sourceDesc><p>typescript</p></sourceDesc></fileDesc></teiHeader>
<text><body><p>We met on 5 April 1963 at the<lb/>
embassy. <hi rend="underline">Both sides</hi> agreed &amp; signed.</p>
<p>The embassy paid 7,000 pesos.</p></body></text></TEI>
"""


def test_tei_corrections_land_in_the_text_between_the_markup(tmp_path):
    src = tmp_path / "letter.tei.xml"
    src.write_text(TEI, encoding="utf-8")
    # ``embassy`` is there twice: the second is meant; ``the embassy`` runs across an <lb/>.
    done, out = _apply(tmp_path, src, [("7,000", "7,050", 0), ("embassy", "Embassy", 1), ("agreed &", "agreed and", 0)])
    assert done.returncode == 0, done.stderr
    fixed = out.read_text(encoding="utf-8")
    assert "paid 7,050 pesos" in fixed and "The Embassy paid" in fixed
    assert "at the<lb/>\nembassy." in fixed  # the first stays
    assert "agreed and signed" in fixed
    assert fixed.replace("7,050", "7,000").replace("The Embassy", "The embassy").replace(
        "agreed and", "agreed &amp;") == TEI  # nothing else moved
    assert read_transcript(out).source_format == "tei"


def test_plain_text_keeps_its_encoding_line_ends_and_byte_order_mark(tmp_path):
    src = tmp_path / "brief.txt"
    src.write_bytes("Herr Müller kam am 5.4.68 an.\r\nEr blieb bis zum 9.4.63.\r\n".encode("cp1252"))
    done, out = _apply(tmp_path, src, [("5.4.68", "5.4.63", 0)], "--encoding", "cp1252")
    assert done.returncode == 0, done.stderr
    assert out.read_bytes() == "Herr Müller kam am 5.4.63 an.\r\nEr blieb bis zum 9.4.63.\r\n".encode("cp1252")
    bom = tmp_path / "bom"
    bom.mkdir()
    src = bom / "brief.txt"
    src.write_bytes(b"\xef\xbb\xbf" + "Ernst Müller, 5.4.68\n".encode())
    done, out = _apply(bom, src, [("5.4.68", "5.4.63", 0)])
    assert done.returncode == 0, done.stderr
    assert out.read_bytes() == b"\xef\xbb\xbf" + "Ernst Müller, 5.4.63\n".encode()


def test_a_place_that_context_cannot_tell_is_left_and_named_in_the_errata(tmp_path):
    # The header's title is not part of the text, but it has the sentence, words around it and all:
    # no context finds the place as many times in the file as in the text.
    sentence = "so the embassy paid 7,000 pesos for the two cars"
    tei = TEI.replace("<title>Letter</title>", f"<title>{sentence}</title>").replace(
        "<p>The embassy paid 7,000 pesos.</p>", f"<p>{sentence}</p>")
    src = tmp_path / "list.tei.xml"
    src.write_text(tei, encoding="utf-8")
    done, out = _apply(tmp_path, src, [("7,000", "7,050", 0)])
    assert done.returncode == 0, done.stderr
    assert out.read_text(encoding="utf-8") == tei
    (row,) = csv.DictReader((tmp_path / "out" / "fixed.errata.csv").open(encoding="utf-8"))
    assert row["status"].startswith("not applied") and row["published"] == "7,000" and not row["line"]
    assert "0 of 1 accepted corrections applied" in done.stdout


def test_place_uses_as_much_context_as_it_needs():
    original = "the cat sat\nthe cat ran"
    raw = "<p>the <hi>cat</hi> sat</p>\n<p>the cat ran</p>"
    second = original.rindex("cat")
    assert place(original, raw, (second, second + 3), xml=True) == (raw.rindex("cat"), raw.rindex("cat") + 3)
    first = original.index("cat")
    # Tags around a word do not hide it: the first ``cat`` of the original is the first of the file.
    assert place(original, raw, (first, first + 3), xml=True) == (raw.index("cat"), raw.index("cat") + 3)
    assert place(original, "the cat sat\nthe cat ran", (first, first + 3), xml=False) == (4, 7)
    # ``cat`` twice in the file but once in the original: the words around it decide.
    assert place("the cat sat", "the cat sat; cat", (4, 7), xml=False) == (4, 7)
    assert place("the cat", "the cat; the cat", (4, 7), xml=False) is None


def test_the_reviewers_own_correction_wins_and_a_deleted_word_takes_one_space(tmp_path):
    src = tmp_path / "note.txt"
    src.write_text("in the the year 1967 gola.\n", encoding="utf-8")
    report = _fake_report(tmp_path / "report", src, [("gola", "gola", 0), ("the", "", 1)])
    data = json.loads(report.read_text(encoding="utf-8"))
    review = _review(data, ["divergence-1"])
    review["decisions"].append({"id": "divergence-0", "decision": "accepted", "correction": "goda"})
    (tmp_path / "review.json").write_text(json.dumps(review), encoding="utf-8")
    out = tmp_path / "out" / "note.txt"
    done = scanproof("apply-review", str(src), str(report), str(tmp_path / "review.json"), "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert out.read_text(encoding="utf-8") == "in the year 1967 goda.\n"
    rows = {r["flag"]: r for r in csv.DictReader((tmp_path / "out" / "note.errata.csv").open(encoding="utf-8"))}
    assert rows["divergence-0"]["corrected"] == "goda" and "reviewer" in rows["divergence-0"]["evidence"]


def test_bad_inputs_are_refused_in_one_line_and_nothing_is_written(tmp_path):
    src = tmp_path / "a.txt"
    src.write_text("paid 7,000 pesos\n", encoding="utf-8")
    report = _fake_report(tmp_path / "report", src, [("7,000", "7,050", 0)])
    data = json.loads(report.read_text(encoding="utf-8"))
    review = tmp_path / "review.json"
    out = tmp_path / "out" / "fixed.txt"

    def run(*args: Path) -> tuple[int, str]:
        done = scanproof("apply-review", *map(str, args))
        assert "Traceback" not in done.stderr and done.stderr.count("\n") == 1, done.stderr
        return done.returncode, done.stderr

    review.write_text(json.dumps({**_review(data, ["divergence-0"]), "document": "another"}), encoding="utf-8")
    assert run(src, report, review, "--out", out)[0] == 2
    review.write_text(json.dumps(_review(data, ["divergence-9"])), encoding="utf-8")
    assert "does not hold" in run(src, report, review, "--out", out)[1]
    review.write_text("{not json", encoding="utf-8")
    assert run(src, report, review, "--out", out)[0] == 2
    review.write_text(json.dumps(_review(data, ["divergence-0"])), encoding="utf-8")
    assert run(src, report, review, "--out", src)[0] == 5
    changed = tmp_path / "changed.txt"
    changed.write_text("paid 7,000 pesos, and more\n", encoding="utf-8")
    code, message = run(changed, report, review, "--out", out)
    assert code == 2 and "has changed since" in message
    assert not (tmp_path / "out").exists()
    assert src.read_text(encoding="utf-8") == "paid 7,000 pesos\n"
