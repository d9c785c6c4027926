"""The ``scanproof synth`` subcommand: render a layout file, or write a random document."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from pipeline.errors import BadArgumentsError


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    """Add ``synth`` to the ``scanproof`` subcommands."""
    p = subparsers.add_parser(
        "synth",
        help="make synthetic typewritten scans with ground truth (and planted transcription errors)",
        description="Render LAYOUT (YAML/JSON) into page images + PAGE-XML, or, without LAYOUT, a random "
                    "document from the built-in corpus with its transcription and answer key.",
    )
    p.add_argument("layout", type=Path, nargs="?", help="layout file, e.g. scans/DOCUMENT/layout.yaml")
    p.add_argument("--out", type=Path, required=True, help="folder for page-N.png, page-N.xml, …")
    # No ``choices``: they would load the renderer for every command; ``run`` checks the name.
    p.add_argument("--level", help="degradation: clean, archival or poor (default: the layout's, or archival)")
    p.add_argument("--seed", type=int, default=0, help="random document to make (default 0)")
    # Not ``dest="lang"``: the main command line takes a ``lang`` attribute for a command that OCRs.
    p.add_argument("--lang", dest="language", default="rus",
                   help="language of a random document: rus, eng, fra, deu or spa (default rus); all but eng "
                        "come with an English translation")
    p.add_argument("--pages", type=int, default=1, help="pages of a random document (default 1)")
    p.add_argument("--plant", type=int, default=0, metavar="N",
                   help="plant N errors in the random document's transcription (default 0)")
    p.add_argument("--plant-translation", type=int, default=0, metavar="N",
                   help="plant N date/number/name mismatches in its translation (default 0)")
    p.add_argument("--dpi", type=int, default=300, help="resolution of a random document (default 300)")
    p.add_argument("--phone", action="store_true", help="make the pages look like phone photos")
    p.add_argument("--grey", action="store_true", help="write greyscale images")
    p.add_argument("--ribbon", default="ribbon",
                   help="typewriter ribbon of a random document: ribbon (worn black-violet), black, blue or violet")
    p.add_argument("--no-stamps", action="store_true", help="random document without stamps")
    p.add_argument("--no-handwriting", action="store_true", help="random document without handwriting")


def run(args: argparse.Namespace) -> int:
    """Carry out ``scanproof synth``; returns the exit code. Errors are raised as ``ScanproofError``."""
    from pipeline.synth.layout import read_layout
    from pipeline.synth.make import make_document, render_layout

    if args.layout is not None:
        if args.plant or args.plant_translation:
            raise BadArgumentsError("--plant needs a random document: leave out the layout file")
        pages = render_layout(read_layout(args.layout), args.out, level=args.level, phone=args.phone,
                              color=not args.grey)
        written = [p.image for p in pages]
    else:
        doc = make_document(args.out, seed=args.seed, lang=args.language, level=args.level or "archival",
                            pages=args.pages, plant=args.plant, plant_translation=args.plant_translation,
                            phone=args.phone, color=not args.grey, stamps=not args.no_stamps,
                            handwriting=not args.no_handwriting, dpi=args.dpi, ribbon=args.ribbon)
        written = [p.image for p in doc.pages] + [doc.layout, doc.transcript, doc.answer_key]
    for path in written:
        print(path, file=sys.stderr)
    return 0
