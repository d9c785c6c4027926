"""``scanproof cer``'s options: ``--json``, ``--report DIR``, folder mode, ``--equivalences`` and
its exit codes, through the command as a user runs it."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import scanproof


def _write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode(encoding))
    return path


def _json(*args: str | Path) -> dict:
    done = scanproof("cer", "--json", *map(str, args))
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_json_counts_each_kind_of_edit_and_names_the_confusions(tmp_path):
    ref = _write(tmp_path / "ref.txt", "Ernst Müller kam am 5.4.63 nach Berlin.\n")
    # ü→u and 3→8 substituted, the ``n`` of ``nach`` deleted, an ``x`` inserted.
    hyp = _write(tmp_path / "hyp.txt", "Ernst Muller kam am 5.4.68 ach Berlinx.\n")
    out = _json(ref, hyp)
    assert (out["substitutions"], out["deletions"], out["insertions"]) == (2, 1, 1)
    assert out["errors"] == 4
    assert out["n_characters"] == len("Ernst Müller kam am 5.4.63 nach Berlin.")
    assert out["cer"] == 4 / out["n_characters"]
    assert (out["word_errors"], out["n_words"]) == (4, 7)
    assert out["wer"] == 4 / 7
    pairs = {(c["reference"], c["hypothesis"]) for c in out["confusions"]}
    assert {("ü", "u"), ("3", "8")} <= pairs
    assert (out["equivalences"], out["text_level"]) == ("none", "line")
    assert out["reference"] == str(ref)
    assert (out["reference_format"], out["reference_encoding"]) == ("plain", "utf-8")
    # A Latin-1 file is read as Western European, and the JSON says so.
    latin = _write(tmp_path / "latin.txt", "Ernst Müller kam am 5.4.63 nach Berlin.\n", "latin-1")
    out = _json(latin, ref)
    assert out["reference_encoding"] == "cp1252" and out["cer"] == 0


def test_dinglehopper_equivalences_count_a_ligature_as_its_letters(tmp_path):
    ref = _write(tmp_path / "ref.txt", "Der ﬁnſtere Wald\n")
    hyp = _write(tmp_path / "hyp.txt", "Der finſtere Wald\n")
    assert _json(ref, hyp)["errors"] == 2  # ``ﬁ`` against ``f`` + ``i``: one substitution, one insertion
    same = _json("--equivalences", "dinglehopper", ref, hyp)
    assert (same["errors"], same["equivalences"]) == (0, "dinglehopper")


def test_folders_pair_by_name_and_sum_errors_over_characters(tmp_path):
    gt, ocr = tmp_path / "gt", tmp_path / "ocr"
    _write(gt / "p1.gt.txt", "abcdefghij\n")
    _write(gt / "p2.gt.txt", "klmnopqrstuvwxyzabcd\n")
    _write(gt / "p3.gt.txt", "no partner\n")
    _write(ocr / "p1.ocr.txt", "abcdefghiX\n")  # 1 error in 10
    _write(ocr / "p2.ocr.txt", "klmnopqrstuvwxyzXXcd\n")  # 2 errors in 20
    done = scanproof("cer", "--json", str(gt), str(ocr))
    assert done.returncode == 0, done.stderr
    assert "p3.gt.txt: no partner" in done.stderr
    out = json.loads(done.stdout)
    assert [p["name"] for p in out["pairs"]] == ["p1", "p2"]
    summary = out["summary"]
    assert (summary["pairs"], summary["errors"], summary["n_characters"]) == (2, 3, 30)
    assert summary["cer"] == 3 / 30
    assert out["unpaired"]["reference"] == [str(gt / "p3.gt.txt")]
    text = scanproof("cer", str(gt), str(ocr)).stdout.splitlines()
    assert text == ["p1  CER 0.1000  WER 1.0000  (10 reference characters)",
                    "p2  CER 0.1000  WER 1.0000  (20 reference characters)",
                    "all 2 pairs  CER 0.1000  WER 1.0000  (30 reference characters)"]


def test_folder_summary_is_errors_over_characters_not_a_mean_of_rates(tmp_path):
    gt, ocr = tmp_path / "gt", tmp_path / "ocr"
    _write(gt / "a.txt", "ab\n")
    _write(gt / "b.txt", "abcdefghijklmnopqrs\n")
    _write(ocr / "a.txt", "aX\n")  # 1 in 2
    _write(ocr / "b.txt", "abcdefghijklmnopqrs\n")  # 0 in 19
    summary = _json(gt, ocr)["summary"]
    assert summary["cer"] == 1 / 21


def test_a_folder_with_an_unreadable_pair_counts_the_rest_and_exits_partial(tmp_path):
    gt, ocr = tmp_path / "gt", tmp_path / "ocr"
    _write(gt / "a.txt", "readable\n")
    _write(ocr / "a.txt", "readable\n")
    _write(gt / "b.txt", "\ufeff")  # only a byte-order mark: empty after decoding
    _write(ocr / "b.txt", "anything\n")
    done = scanproof("cer", str(gt), str(ocr))
    assert done.returncode == 7, done.stderr
    assert "a  CER 0.0000" in done.stdout
    assert done.stderr.startswith("scanproof: 1 of 2 pairs could not be read")
    assert "Traceback" not in done.stderr


def test_a_file_against_a_folder_is_refused_in_one_line(tmp_path):
    ref = _write(tmp_path / "ref.txt", "text\n")
    (tmp_path / "ocr").mkdir()
    done = scanproof("cer", str(ref), str(tmp_path / "ocr"))
    assert done.returncode == 1
    assert done.stderr.count("\n") == 1 and "give two files or two folders" in done.stderr


def test_report_shows_the_pair_side_by_side_with_transcript_text_escaped(tmp_path):
    ref = _write(tmp_path / "ref.txt", "Dear <script>alert(1)</script> Sir, 7,000 roubles\n")
    hyp = _write(tmp_path / "hyp.txt", "Dear <script>alert(1)</script> Sir, 7,050 roubles\n")
    out_dir = tmp_path / "out"
    done = scanproof("cer", "--report", str(out_dir), str(ref), str(hyp))
    assert done.returncode == 0, done.stderr
    page = out_dir / "cer.html"
    assert done.stdout.splitlines()[-1] == str(page)
    html = page.read_text(encoding="utf-8")
    assert "<script>alert" not in html and "&lt;script&gt;" in html
    assert "roubles" in html and "7,0" in html


def test_report_is_refused_inside_the_inputs_folder_and_nothing_is_written(tmp_path):
    ref = _write(tmp_path / "ref.txt", "text\n")
    hyp = _write(tmp_path / "hyp.txt", "test\n")
    before = sorted(p.name for p in tmp_path.iterdir())
    done = scanproof("cer", "--report", str(tmp_path), str(ref), str(hyp))
    assert done.returncode == 5
    assert sorted(p.name for p in tmp_path.iterdir()) == before
