"""Fixtures shared by several test files."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEED_TRANSCRIPT = ROOT / "transcripts" / "117066.md"
SEED_SCANS = ROOT / "scans" / "117066"


def scanproof(*args: str, cwd: Path = ROOT, timeout: float = 900) -> subprocess.CompletedProcess:
    """Run the real command, as a user would; output captured, never raises on a non-zero exit."""
    return subprocess.run([sys.executable, "-m", "pipeline", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=timeout)


@pytest.fixture(scope="session")
def seed_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The report folder of the bundled document 117066, made once per session by ``verify``."""
    out = tmp_path_factory.mktemp("report-117066")
    done = scanproof("verify", "--transcript", str(SEED_TRANSCRIPT), str(SEED_SCANS), "--out", str(out))
    assert done.returncode == 0, done.stderr
    return out
