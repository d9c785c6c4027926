"""scanproof: check a published transcription of an archival document against the scan.

Start with ``pipeline.api`` (``verify``, ``check``, ``run``) or the ``scanproof`` command.
"""

__version__ = "0.1.0"
