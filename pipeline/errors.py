"""Typed errors: every failure a user can meet, each with an exit code and a message.

The CLI prints ``scanproof: <message>`` on one line and exits with ``exit_code``; only ``--debug``
shows a traceback. Stages raise these and nothing else for problems the user can fix.
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """Process exit codes, documented in the README ("When things go wrong")."""

    ok = 0
    bad_args = 1
    input_file = 2
    missing_dependency = 3
    invalid_output = 4
    file_access = 5
    child_process = 6
    partial_batch = 7
    hangup = 129  # 128 + SIGHUP: the terminal went away
    ctrl_c = 130  # 128 + SIGINT
    terminated = 143  # 128 + SIGTERM: ``kill``, a service manager or a batch system stopped the run


class ScanproofError(Exception):
    """Base of every user-facing failure: ``str(err)`` is the one line shown to the user."""

    exit_code: ExitCode = ExitCode.bad_args

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class BadArgumentsError(ScanproofError):
    """The command line asks for something impossible (no scans, unknown option value)."""

    exit_code = ExitCode.bad_args


class InputFileError(ScanproofError):
    """An input (image or transcript) is missing, unreadable, corrupt or of a kind we refuse."""

    exit_code = ExitCode.input_file


class MissingDependencyError(ScanproofError):
    """An external program or data file (Tesseract, a language pack) is not installed."""

    exit_code = ExitCode.missing_dependency


class OutputError(ScanproofError):
    """The report could not be written (folder not writable, disk full)."""

    exit_code = ExitCode.file_access


class TesseractFailedError(ScanproofError):
    """Tesseract crashed or timed out on one page."""

    exit_code = ExitCode.child_process


class PartialBatchError(ScanproofError):
    """A batch finished, but some documents failed; the message names them."""

    exit_code = ExitCode.partial_batch


class ScanproofWarning(UserWarning):
    """Something the user should know that does not stop the run (a damaged byte in a
    transcript, a cache entry that could not be used); the CLI shows it as one line
    ``scanproof: warning: …`` on stderr."""


class StopRequested(BaseException):
    """SIGTERM or SIGHUP arrived: raised where the run is, so that it unwinds as from Ctrl-C
    (workers and their Tesseract children stopped, temporary files removed, no report left
    half-written). A ``BaseException``, like ``KeyboardInterrupt``, so that no ``except
    Exception`` swallows it."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum
