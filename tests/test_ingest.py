"""Finding and decoding page images: order, frames, colour modes, orientation, resolution, refusals."""

from __future__ import annotations

import os
import tempfile
import threading
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from pipeline.config import IngestConfig
from pipeline.errors import InputFileError
from pipeline.ingest import discover_pages, estimate_dpi, load_page
from pipeline.ingest.paper import off_sheet, resize_mask
from pipeline.model import PageSource
from pipeline.runtime import prepare_page_reading
from tests.bad_inputs.make_corpus import encode, png_header, text_page

CONFIG = IngestConfig()


@pytest.fixture(autouse=True, scope="module")
def _page_reading_process() -> None:
    """Decoding runs in a process set up for reading pages, as every worker is (``pipeline.runtime``)."""
    prepare_page_reading()


def _marked(mode: str = "L") -> Image.Image:
    """A 300×200 white image with a black square near the top-left corner (rows 20–59, cols 30–69)."""
    a = np.full((200, 300), 255, np.uint8)
    a[20:60, 30:70] = 0
    return Image.fromarray(a).convert(mode)


def _load(path, frame=0, config=CONFIG):
    return load_page(PageSource(path, frame), 1, config)


def test_folder_natural_order_skips_non_images(tmp_path):
    png = encode(_marked(), "PNG")
    for name in ("page-10.png", "page-2.png", "Page-1.JPG", ".page-0.png"):
        (tmp_path / name).write_bytes(png if name.endswith("png") else encode(_marked(), "JPEG"))
    (tmp_path / "Thumbs.db").write_bytes(b"\x00" * 100)
    (tmp_path / "notes.txt").write_text("notes")
    (tmp_path / "sub.png").mkdir()
    names = [s.path.name for s in discover_pages([tmp_path])]
    assert names == ["Page-1.JPG", "page-2.png", "page-10.png"]


def test_multipage_tiff_and_pdf_give_one_source_per_page(tmp_path):
    frames = [_marked().rotate(90 * i, expand=True) for i in range(3)]
    tiff = tmp_path / "scan.tif"
    frames[0].save(tiff, save_all=True, append_images=frames[1:], dpi=(300, 300))
    pdf = tmp_path / "scan.pdf"
    frames[0].convert("RGB").save(pdf, save_all=True, append_images=[f.convert("RGB") for f in frames[1:2]],
                                  resolution=150.0)
    sources = discover_pages([tiff, pdf])
    assert [(s.path.name, s.frame) for s in sources] == [
        ("scan.tif", 0), ("scan.tif", 1), ("scan.tif", 2), ("scan.pdf", 0), ("scan.pdf", 1)]
    third = _load(tiff, 2)
    # The third frame is the square turned 180°: ink at the bottom right.
    assert third.pixels[160, 250, 0] < 50 and third.pixels[40, 50, 0] > 200
    second_pdf = _load(pdf, 1)
    assert abs(second_pdf.dpi - 150) < 1 and not second_pdf.dpi_estimated
    assert second_pdf.pixels.shape[:2] == (300, 200)  # the rotated 300×200 frame, at its own resolution


@pytest.mark.parametrize("mode", ["1", "L", "LA", "P", "RGB", "RGBA", "CMYK", "I;16", "I", "F"])
def test_every_mode_becomes_rgb_uint8(tmp_path, mode):
    img = _marked()
    if mode == "I;16":
        img = Image.fromarray(np.asarray(img).astype(np.uint16) * 257)
    elif mode == "F":
        img = Image.fromarray(np.asarray(img, np.float32) / 255)
    else:
        img = img.convert(mode)
    path = tmp_path / "page.tif"
    img.save(path, dpi=(300, 300))
    page = _load(path)
    assert page.pixels.dtype == np.uint8 and page.pixels.shape == (200, 300, 3)
    assert page.pixels[40, 50].max() < 30 and page.pixels[150, 200].min() > 225


@pytest.mark.parametrize(
    ("suffix", "mode"), [(".jpg", "CMYK"), (".webp", "RGB"), (".jp2", "L"), (".bmp", "L"), (".gif", "P")]
)
def test_other_formats(tmp_path, suffix, mode):
    path = tmp_path / f"page{suffix}"
    _marked(mode).save(path)
    px = _load(path).pixels
    assert px.shape == (200, 300, 3) and px[40, 50].max() < 30 and px[150, 200].min() > 225


def test_transparent_background_becomes_paper(tmp_path):
    rgba = np.zeros((200, 300, 4), np.uint8)
    rgba[20:60, 30:70, 3] = 255  # opaque black square, the rest transparent black
    path = tmp_path / "page.png"
    Image.fromarray(rgba).save(path)
    px = _load(path).pixels
    assert px[40, 50].max() == 0 and px[150, 200].min() == 255


def test_sixteen_bit_scaled_by_depth_not_stretched(tmp_path):
    a = np.full((50, 60), 32768, np.uint16)  # a uniform mid-gray page stays mid-gray
    path = tmp_path / "gray16.png"
    Image.fromarray(a).save(path)
    assert set(np.unique(_load(path).pixels)) == {128}


def test_exif_orientation_applied(tmp_path):
    exif = Image.Exif()
    exif[0x0112] = 6  # stored turned 90° anticlockwise; display turns it clockwise
    stored = _marked("RGB").transpose(Image.Transpose.ROTATE_90)
    path = tmp_path / "photo.jpg"
    stored.save(path, exif=exif.tobytes(), dpi=(300, 300), quality=95)
    px = _load(path).pixels
    assert px.shape == (200, 300, 3)
    assert px[40, 50].max() < 60 and px[150, 250].min() > 200


@pytest.mark.parametrize("dpi", [200, 400])
def test_missing_dpi_estimated_from_x_height(tmp_path, dpi):
    path = tmp_path / "page.png"
    text_page(dpi).save(path)  # PNG without a pHYs chunk
    page = _load(path)
    assert page.dpi_estimated
    assert abs(page.dpi - dpi) / dpi < 0.15


def test_dpi_estimate_survives_uneven_light_and_grain():
    page = np.asarray(text_page(300), np.float32)
    light = np.linspace(0.35, 1.0, page.shape[1], dtype=np.float32)[None, :]  # a photo lit from the right
    grain = np.random.default_rng(0).normal(0, 12, page.shape).astype(np.float32)
    photo = np.clip(page * light + grain, 0, 255).astype(np.uint8)
    estimate = estimate_dpi(photo, CONFIG)
    assert estimate is not None and abs(estimate - 300) < 45


@pytest.mark.parametrize("recorded", [(1, 1), (72, 72), (96, 96), (5000, 5000)])
def test_absurd_dpi_replaced_by_estimate(tmp_path, recorded):
    path = tmp_path / "page.tif"
    text_page(300).save(path, dpi=recorded)
    page = _load(path)
    assert page.dpi_estimated and abs(page.dpi - 300) < 45


def test_plausible_dpi_believed(tmp_path):
    path = tmp_path / "page.tif"
    text_page(300).save(path, dpi=(400, 400))  # wrong, but plausible: the file is believed
    page = _load(path)
    assert page.dpi == 400 and not page.dpi_estimated


def test_blank_page_gets_default_dpi(tmp_path):
    path = tmp_path / "blank.png"
    Image.new("L", (800, 1000), 250).save(path)
    page = _load(path, config=IngestConfig(default_dpi=250.0))
    assert page.dpi == 250.0 and page.dpi_estimated
    assert estimate_dpi(np.full((100, 100), 255, np.uint8), CONFIG) is None


def test_pixel_limit_refused_before_decoding(tmp_path):
    path = tmp_path / "bomb.png"
    path.write_bytes(png_header(50000, 50000))  # 2.5 billion pixels claimed, none stored
    with pytest.raises(InputFileError, match=r"bomb\.png: the image is too large .*--max-pixels"):
        _load(path)
    small = tmp_path / "page.png"
    _marked().save(small)
    with pytest.raises(InputFileError, match="the limit is 0 million"):
        _load(small, config=IngestConfig(max_pixels=50_000))
    assert _load(small, config=IngestConfig(max_pixels=60_000)).width == 300


def test_pdf_page_over_the_limit_is_rendered_smaller(tmp_path):
    path = tmp_path / "scan.pdf"
    _marked("RGB").save(path, resolution=100.0)  # a 3×2 inch page
    page = _load(path, config=IngestConfig(max_pixels=15_000))
    assert page.width * page.height <= 15_000 and page.dpi < 100


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("empty.jpg", b"", "the file is empty"),
        ("cut.jpg", encode(_marked("RGB"), "JPEG")[:400], r"truncated \(JPEG ended early\)"),
        ("noise.png", bytes(range(256)) * 4, "not a readable image"),
        ("broken.pdf", b"%PDF-1.7\n1 0 obj <<", "the PDF is damaged"),
    ],
)
def test_damaged_files_refused(tmp_path, name, data, message):
    (tmp_path / name).write_bytes(data)
    with pytest.raises(InputFileError, match=message):
        pages = discover_pages([tmp_path])
        _load(pages[0].path, pages[0].frame)


def test_explicit_non_image_and_missing_path_refused(tmp_path):
    (tmp_path / "Thumbs.db").write_bytes(b"\x00" * 64)
    with pytest.raises(InputFileError, match=r"Thumbs\.db: not a page image"):
        discover_pages([tmp_path / "Thumbs.db"])
    with pytest.raises(InputFileError, match="no such file or folder"):
        discover_pages([tmp_path / "nothing"])
    renamed = tmp_path / "scan.dat"  # an image under an unusual name is still an image
    renamed.write_bytes(encode(_marked(), "PNG"))
    assert discover_pages([renamed]) == [PageSource(renamed, 0)]


def test_input_opened_read_only(tmp_path):
    path = tmp_path / "page.png"
    _marked().save(path)
    path.chmod(0o444)
    before = path.read_bytes()
    _load(path)
    assert path.read_bytes() == before


_SAMPLES = {
    fmt: encode(_marked("RGB").resize((60, 40)), fmt, **params)
    for fmt, params in (("PNG", {}), ("JPEG", {}), ("TIFF", {"compression": "tiff_lzw"}), ("PDF", {}),
                        ("BMP", {}), ("WEBP", {}))
}


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(sorted(_SAMPLES)),
    st.lists(st.tuples(st.integers(0, 10_000), st.integers(0, 255)), max_size=8),
    st.integers(0, 10_000),
)
def test_damaged_images_raise_only_typed_errors(fmt, flips, cut):
    data = bytearray(_SAMPLES[fmt])
    for position, value in flips:
        data[position % len(data)] = value
    data = data[: max(1, len(data) - cut % len(data))]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"page.{fmt.lower()}"
        path.write_bytes(bytes(data))
        try:
            for i, source in enumerate(discover_pages([Path(tmp)]), start=1):
                page = load_page(source, i, IngestConfig(max_pixels=1_000_000))
                assert page.pixels.dtype == np.uint8 and page.pixels.ndim == 3
        except InputFileError as err:
            assert str(err).startswith(str(path)) and "\n" not in str(err)


def test_decoding_in_threads_leaves_stderr_alone_and_quiet(tmp_path, capfd):
    """Damaged LZW TIFFs decoded on four threads at once: libtiff's C complaints never reach
    stderr, and what the rest of the process writes to stderr meanwhile is all there (the old
    way, file descriptor 2 sent to /dev/null around each decode, lost it, and restored the wrong
    descriptor when two threads overlapped)."""
    pixels = (np.random.default_rng(0).random((400, 400)) * 255).astype("uint8")
    path = tmp_path / "damaged.tif"
    Image.fromarray(pixels).save(path, compression="tiff_lzw")
    data = bytearray(path.read_bytes())
    for i in range(200, len(data) - 400, 7):
        data[i] ^= 0x5A
    path.write_bytes(bytes(data))
    refusals = []

    def decode() -> None:
        for _ in range(10):
            with pytest.raises(InputFileError) as err:
                load_page(PageSource(path), 1, IngestConfig())
            refusals.append(err.value.message)

    threads = [threading.Thread(target=decode) for _ in range(4)]
    for thread in threads:
        thread.start()
    for i in range(200):
        os.write(2, f"marker {i}\n".encode())
    for thread in threads:
        thread.join()
    err = capfd.readouterr().err
    assert err.splitlines() == [f"marker {i}" for i in range(200)]
    assert len(refusals) == 40 and all("the image is damaged" in m for m in refusals)


# --- what is off the sheet ------------------------------------------------------------------------


def _sheet_on_bed(bed: int, sheet_box: tuple[int, int, int, int]) -> np.ndarray:
    """A grey page: typed lines on paper (235) inside ``sheet_box`` of a 1240 × 1754 image (A4 at
    150 dpi) whose rest is the scanner's bed at grey level ``bed``."""
    gray = np.full((1754, 1240), bed, np.uint8)
    x0, y0, x1, y1 = sheet_box
    gray[y0:y1, x0:x1] = 235
    text = np.asarray(text_page(150.0, 6.0))
    gray[200:200 + text.shape[0], 150:150 + text.shape[1]] = np.minimum(235, text)
    return gray


def off_share(gray: np.ndarray) -> float | None:
    c = IngestConfig()
    off = off_sheet(gray, 150.0, c.paper_darkness, c.paper_close_mm, c.paper_min_off, c.paper_part_share,
                    c.paper_edge_mm)
    return None if off is None else float(resize_mask(off, *gray.shape).mean())


def test_the_dark_bed_round_a_sheet_is_off_it_and_the_text_is_on_it():
    gray = _sheet_on_bed(40, (60, 0, 1150, 1680))
    c = IngestConfig()
    off = off_sheet(gray, 150.0, c.paper_darkness, c.paper_close_mm, c.paper_min_off, c.paper_part_share,
                    c.paper_edge_mm)
    assert off is not None
    full = resize_mask(off, *gray.shape)
    bed = np.ones(gray.shape, bool)
    bed[0:1680, 60:1150] = False
    assert full[bed].mean() > 0.99  # the whole bed
    assert full[~bed].mean() < 0.03  # little of the sheet: its edge, where the shadow lies
    assert not full[200:500, 150:1050].any()  # none of the typing


def test_a_shadow_across_a_photographed_sheet_is_paper():
    # A hand or the phone shades a third of the sheet: darker paper, still paper (0.6 of it).
    gray = _sheet_on_bed(40, (60, 0, 1150, 1680))
    gray[0:1680, 60:500] = (gray[0:1680, 60:500] * 0.6).astype(np.uint8)
    c = IngestConfig()
    off = resize_mask(off_sheet(gray, 150.0, c.paper_darkness, c.paper_close_mm, c.paper_min_off,
                                c.paper_part_share, c.paper_edge_mm), *gray.shape)
    assert off[0:1680, 60:1150].mean() < 0.03
    assert off[:, 1160:].mean() > 0.99


def test_a_page_that_is_all_paper_has_nothing_off_it():
    # Light paper tones, a grey page and a black border thinner than a text line are all paper.
    assert off_share(_sheet_on_bed(235, (0, 0, 1240, 1754))) is None
    assert off_share(_sheet_on_bed(200, (0, 0, 1240, 1754))) is None
    assert off_share(_sheet_on_bed(30, (4, 4, 1236, 1750))) is None


def test_a_dark_sheet_on_a_light_table_is_not_cut_away():
    # What is bright is then the table; the sheet holds the image's centre, so nothing is cut.
    # (Run off the bottom edge, the sheet is no hole in the table that filling would close.)
    gray = np.full((1754, 1240), 245, np.uint8)
    gray[700:, 300:900] = 120
    assert off_share(gray) is None


def test_the_sheet_found_at_ingest_travels_with_the_page(tmp_path):
    path = tmp_path / "bed.png"
    Image.fromarray(_sheet_on_bed(40, (60, 0, 1150, 1680))).save(path, dpi=(150, 150))
    page = load_page(discover_pages([path])[0], 1, IngestConfig())
    assert page.off_sheet is not None and 0.1 < page.off_sheet.mean() < 0.2
    assert load_page(discover_pages([path])[0], 1, IngestConfig(find_paper=False)).off_sheet is None
