"""The executor interface on both engines: results, task errors, and a worker that dies."""

from __future__ import annotations

import os
import signal
import threading
import time
from pathlib import Path

import pytest

from pipeline.config import RunConfig
from pipeline.executor import WorkerDied, run_tasks, runs_here
from pipeline.tempfiles import temporary_directory


def square(x: int) -> int:
    return x * x


def fail_on_three(x: int) -> int:
    if x == 3:
        raise ValueError("three")
    return x


def die_once(x: int, marker: str) -> int:
    """Kill the worker the first time task 2 runs (the marker file records that it did)."""
    if x == 2 and not Path(marker).exists():
        Path(marker).touch()
        os.kill(os.getpid(), signal.SIGKILL)
    return x


def always_die(x: int) -> int:
    if x == 1:
        os.kill(os.getpid(), signal.SIGKILL)
    return x


def mark_and_wait(x: int, folder: str) -> int:
    """A slow task that leaves a file in ``folder/started`` when it starts and works in a temporary
    folder in ``folder/tmp``."""
    (Path(folder) / "started" / str(x)).touch()
    with temporary_directory(dir=Path(folder) / "tmp"):
        time.sleep(0.5)
    return x


def slow_tasks(folder: Path) -> list[tuple[int, tuple[int, str]]]:
    for sub in ("started", "tmp"):
        (folder / sub).mkdir()
    return [(i, (i, str(folder))) for i in range(20)]


def outcomes(fn, args, config):
    return {o.key: o for o in run_tasks(fn, [(a[0], a) for a in args], config)}


ENGINES = [RunConfig(jobs=1), RunConfig(jobs=2), RunConfig(jobs=2, executor="dask")]


@pytest.mark.parametrize("config", ENGINES, ids=["inline", "pool", "dask"])
def test_every_task_returns_its_result(config):
    got = outcomes(square, [(i,) for i in range(6)], config)
    assert {k: o.result for k, o in got.items()} == {i: i * i for i in range(6)}


@pytest.mark.parametrize("config", ENGINES, ids=["inline", "pool", "dask"])
def test_a_task_error_is_returned_not_raised(config):
    got = outcomes(fail_on_three, [(i,) for i in range(5)], config)
    assert isinstance(got[3].error, ValueError)
    assert [got[i].result for i in (0, 1, 2, 4)] == [0, 1, 2, 4]


@pytest.mark.parametrize("config", ENGINES[1:], ids=["pool", "dask"])
def test_a_killed_worker_loses_no_task(config, tmp_path):
    marker = str(tmp_path / "killed")
    got = outcomes(die_once, [(i, marker) for i in range(8)], config)
    assert Path(marker).exists(), "the worker was never killed"
    assert {k: o.result for k, o in got.items()} == {i: i for i in range(8)}


def test_a_task_that_always_kills_its_worker_fails_alone():
    got = outcomes(always_die, [(i,) for i in range(5)], RunConfig(jobs=2))
    assert isinstance(got[1].error, WorkerDied)
    assert {k: o.result for k, o in got.items() if k != 1} == {0: 0, 2: 2, 3: 3, 4: 4}


def test_ctrl_c_stops_the_pool_without_running_the_queued_tasks(tmp_path):
    # Workers ignore Ctrl-C; before this was handled, leaving the pool ran all 20 queued tasks.
    # A test run started in the background (``make test &``) inherits an ignored SIGINT, which
    # Python keeps: Python's own Ctrl-C handler is put back for this test.
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    timer = threading.Timer(0.8, os.kill, (os.getpid(), signal.SIGINT))
    timer.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            for _ in run_tasks(mark_and_wait, slow_tasks(tmp_path), RunConfig(jobs=2)):
                pass
    finally:
        signal.signal(signal.SIGINT, previous)
    time.sleep(1.0)  # a worker still alive would start a next task within this
    assert len(list((tmp_path / "started").iterdir())) < 10
    assert not list((tmp_path / "tmp").iterdir()), "the stopped tasks left their temporary folders"


def test_a_caller_that_stops_reading_leaves_the_queued_tasks_unrun(tmp_path):
    outcomes_ = run_tasks(mark_and_wait, slow_tasks(tmp_path), RunConfig(jobs=2))
    next(outcomes_)
    outcomes_.close()
    time.sleep(1.0)
    assert len(list((tmp_path / "started").iterdir())) < 10
    assert not list((tmp_path / "tmp").iterdir())


def test_tasks_run_here_only_when_no_worker_is_started():
    # The batch layer runs a helper thread only then: a worker forked beside a thread that holds
    # a lock inherits it held.
    assert runs_here(RunConfig(jobs=2), 1)
    assert runs_here(RunConfig(jobs=1), 40)
    assert not runs_here(RunConfig(jobs=2), 2)
    assert not runs_here(RunConfig(jobs=0), 40) or (os.cpu_count() or 1) == 1
    assert not runs_here(RunConfig(jobs=1, executor="dask"), 1)
    here = list(run_tasks(os.getpid, [("a", ())], RunConfig(jobs=2)))
    assert here[0].result == os.getpid()
