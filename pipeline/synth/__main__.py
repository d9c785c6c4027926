"""``python -m pipeline.synth`` runs ``scanproof synth``."""

import argparse
import sys

from pipeline.synth import cli

parser = argparse.ArgumentParser(prog="scanproof synth")
cli.add_parser(parser.add_subparsers(dest="command", required=True))
sys.exit(cli.run(parser.parse_args(["synth", *sys.argv[1:]])))
