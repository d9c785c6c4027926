"""Temporary folders that a stopped worker never leaves behind.

A worker told to stop (SIGTERM, ``pipeline.executor``) unwinds its task by an exception raised
wherever the task is. Raised inside ``tempfile.mkdtemp`` (after the folder is made, before the
``with`` holds it) or inside the clean-up, that exception would leave the folder on disk; so the
stop signals are held back for those two moments and delivered right after.
"""

from __future__ import annotations

import shutil
import signal
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

_STOP_SIGNALS = {signal.SIGTERM, signal.SIGHUP, signal.SIGINT}


def leave_stop_signals_to_the_main_thread() -> None:
    """Block SIGTERM, SIGHUP and SIGINT in the calling (helper) thread for good.

    A signal the main thread holds back is otherwise taken by any thread that does not, and
    Python then runs its handler in the main thread at once, inside the very moment it was held
    back from. A thread pool's ``initializer``.
    """
    signal.pthread_sigmask(signal.SIG_BLOCK, _STOP_SIGNALS)


@contextmanager
def stop_signals_held() -> Iterator[None]:
    """Hold back SIGTERM, SIGHUP and SIGINT inside the block; one that came is delivered on leaving.

    For a few quick steps that must not be cut apart, such as the renames that put a report's
    files in place together; SIGKILL cannot be held.
    """
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, _STOP_SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


@contextmanager
def temporary_directory(prefix: str = "scanproof-", dir: Path | str | None = None) -> Iterator[str]:
    """Like ``tempfile.TemporaryDirectory``: yields the new folder's path, removes it on exit, and
    is removed even when a stop signal arrives while it is being made or removed."""
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, _STOP_SIGNALS)
    try:
        path = tempfile.mkdtemp(prefix=prefix, dir=dir)
        try:
            # A stop that came while the folder was made is delivered here, inside the ``try``.
            signal.pthread_sigmask(signal.SIG_SETMASK, previous)
            yield path
        finally:
            try:
                signal.pthread_sigmask(signal.SIG_BLOCK, _STOP_SIGNALS)
            finally:
                # Removed even if a stop came just before the signals were held back.
                shutil.rmtree(path, ignore_errors=True)
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)
