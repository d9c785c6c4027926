"""``python -m pipeline`` is the ``scanproof`` command."""

import sys

from pipeline.cli import main

sys.exit(main())
