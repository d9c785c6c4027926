"""Benchmark of the text-only checks on synthetic documents with planted errors.

For each seed, ``pipeline.synth.make_document`` writes a document (``--pages``) whose transcription carries
planted errors in the original (``--plant``, every original kind in turn, date slips among them) and
mismatches in the translation (``--plant-translation``), with an answer key. ``run_checks`` reads the
transcription alone. We report:

- recall on the kinds the checks are meant to find (``date_slip``, ``translation_date``,
  ``translation_number``, ``translation_name``): the share of planted errors that some medium/high
  flag points at;
- false medium/high flags per document: flags that point at no planted error of any kind;
- the time of ``run_checks`` as a ratio to the time of ``read_transcript`` on the same files, measured
  in the same run.

A flag points at an error when it quotes the error's text (a word or number in common with the error's
transcript or translation text) and the quoted text lies in the error's line.

Usage: ``.venv/bin/python -m bench.checks --docs 20 [--lang fra] --work /tmp/scanproof-bench-checks``
(documents are generated once into ``--work`` and reused by later runs).
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import time
from pathlib import Path

from pipeline.checks import run_checks
from pipeline.config import ChecksConfig
from pipeline.model import Flag, Severity
from pipeline.transcript import read_transcript

TARGET_KINDS = ("date_slip", "translation_date", "translation_number", "translation_name")


def _tokens(text: str | None) -> set[str]:
    return {t.lower() for t in re.findall(r"\w+", text or "") if len(t) >= 2 or t.isdigit()}


def points_at(flag: Flag, error: dict) -> bool:
    """True when ``flag`` quotes the planted ``error`` (see the module docstring)."""
    line = error["line"]
    for quoted, truth in ((flag.transcript_text, error["transcript_text"]),
                          (flag.translation_text, error["translation_text"]),
                          (flag.translation_text, error["scan_text"])):  # fmt: skip
        if quoted and truth and _tokens(quoted) & _tokens(truth) and (quoted in line or truth in quoted):
            return True
    return False


def generate(work: Path, seed: int, plant: int, plant_translation: int, pages: int = 1, lang: str = "rus") -> Path:
    """The document for ``seed`` in ``work`` (made now if it is not there yet); returns its folder."""
    from pipeline.synth import make_document

    suffix = (f"-pages{pages}" if pages != 1 else "") + (f"-{lang}" if lang != "rus" else "")
    folder = work / f"seed-{seed:03d}-p{plant}-t{plant_translation}{suffix}"
    if not (folder / "answer-key.json").exists():
        make_document(folder, seed=seed, lang=lang, pages=pages, plant=plant, plant_translation=plant_translation)
    return folder


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--docs", type=int, default=24)
    parser.add_argument("--first-seed", type=int, default=1)
    parser.add_argument("--plant", type=int, default=8, help="errors planted in the original")
    parser.add_argument("--plant-translation", type=int, default=3)
    parser.add_argument("--pages", type=int, default=1, help="pages a document has (about)")
    parser.add_argument("--lang", default="rus", help="language of the originals (scanproof synth --lang)")
    parser.add_argument("--work", type=Path, default=Path("/tmp/scanproof-bench-checks"))
    parser.add_argument("--show", action="store_true", help="print missed errors and false flags")
    args = parser.parse_args()

    found = dict.fromkeys(TARGET_KINDS, 0)
    planted = dict.fromkeys(TARGET_KINDS, 0)
    false_per_doc, low_per_doc, parse_s, check_s = [], [], [], []
    config = ChecksConfig()
    for seed in range(args.first_seed, args.first_seed + args.docs):
        folder = generate(args.work, seed, args.plant, args.plant_translation, args.pages, args.lang)
        errors = json.loads((folder / "answer-key.json").read_text("utf-8"))["errors"]
        t0 = time.perf_counter()
        transcript = read_transcript(folder / "transcript.md")
        t1 = time.perf_counter()
        result = run_checks(transcript, config)
        t2 = time.perf_counter()
        parse_s.append(t1 - t0)
        check_s.append(t2 - t1)
        serious = [f for f in result.flags if f.severity in (Severity.HIGH, Severity.MEDIUM)]
        low_per_doc.append(len(result.flags) - len(serious))
        for e in errors:
            if e["kind"] in TARGET_KINDS:
                planted[e["kind"]] += 1
                hit = any(points_at(f, e) for f in serious)
                found[e["kind"]] += hit
                if args.show and not hit:
                    print(f"seed {seed}: missed {e['kind']}: {e['transcript_text']!r} / "
                          f"{e['translation_text']!r}")
        false = [f for f in serious if not any(points_at(f, e) for e in errors)]
        false_per_doc.append(len(false))
        if args.show:
            for f in false:
                print(f"seed {seed}: false {f.severity} {f.kind}: {f.message}")

    total_found, total_planted = sum(found.values()), sum(planted.values())
    print(f"documents: {args.docs} in {args.lang} (seeds {args.first_seed}–{args.first_seed + args.docs - 1}), "
          f"pages={args.pages}, plant={args.plant}, plant_translation={args.plant_translation}")
    for kind in TARGET_KINDS:
        print(f"  {kind}: {found[kind]}/{planted[kind]}")
    print(f"recall: {total_found}/{total_planted} = {total_found / max(total_planted, 1):.1%}")
    print(f"false medium/high flags per document: max {max(false_per_doc)}, mean "
          f"{statistics.mean(false_per_doc):.2f}, documents with more than one: "
          f"{sum(n > 1 for n in false_per_doc)}")
    print(f"low/info flags per document (not counted above): mean {statistics.mean(low_per_doc):.2f}")
    print(f"run_checks time / read_transcript time (median over documents): "
          f"{statistics.median(c / p for c, p in zip(check_s, parse_s, strict=True)):.1f}×; "
          f"median run_checks {statistics.median(check_s) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
