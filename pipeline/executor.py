"""Run page tasks on worker processes or a Dask cluster, surviving a worker that dies.

Python's ``ProcessPoolExecutor`` turns one killed worker into ``BrokenProcessPool`` for every
pending task; here the pool is rebuilt and the unfinished tasks are submitted again. A task whose
worker died on every try is given up and reported as failed, so one poisonous page cannot stall a
batch.
"""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Callable, Hashable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from contextlib import ExitStack
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from pipeline.config import RunConfig
from pipeline.errors import BadArgumentsError, MissingDependencyError
from pipeline.runtime import prepare_page_reading

T = TypeVar("T")
K = TypeVar("K", bound=Hashable)


@dataclass(frozen=True)
class TaskOutcome(Generic[K]):
    """The end of one task: its key, and either its result or the exception it raised."""

    key: K
    result: Any = None
    error: BaseException | None = None


class WorkerDied(RuntimeError):
    """A task's worker process died (killed, out of memory, crashed) on every try."""


def _init_worker() -> None:
    prepare_page_reading()
    # Ctrl-C reaches the whole process group; the parent alone handles it (exit 130), so that
    # workers do not each print a traceback.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # SIGTERM from ``_abandon`` (or from a service manager, to the whole group); SIGHUP from a
    # terminal that closed, which reaches every process of its group.
    signal.signal(signal.SIGTERM, _stop_worker)
    signal.signal(signal.SIGHUP, _stop_worker)


class _Stopped(BaseException):
    """Raised in a worker told to stop (``_abandon``) in the middle of a task."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


#: Whether this worker process is running a task (``_run_in_worker``).
_in_task = False
#: Whether a stop is unwinding this worker's task already.
_stopping = False


def _stop_worker(signum: int, frame: object) -> None:
    global _stopping
    if _stopping:
        # A second stop (a closed terminal's SIGHUP to the whole group, then the main process's
        # SIGTERM) must not cut the first one's unwinding short: raised inside a clean-up, it
        # would leave that clean-up's temporary folder behind.
        return
    if _in_task:
        _stopping = True
        raise _Stopped(signum)  # unwind the task first, so that its temporary files are removed
    os._exit(128 + signum)


def _run_in_worker(fn: Callable[..., T], *args: Any) -> T:
    global _in_task
    _in_task = True
    try:
        return fn(*args)
    except _Stopped as stop:
        # Leave before the pool hands this worker its next queued task.
        os._exit(128 + stop.signum)
    finally:
        _in_task = False


def worker_count(jobs: int) -> int:
    """Workers to start: ``jobs`` when positive, else one per CPU core (at least 1)."""
    return jobs if jobs > 0 else max(1, os.cpu_count() or 1)


def runs_here(config: RunConfig, tasks: int) -> bool:
    """Whether ``run_tasks`` runs ``tasks`` tasks (or fewer) in this process, starting no worker."""
    return config.executor == "local" and _local_workers(config, tasks) == 1


def _local_workers(config: RunConfig, tasks: int) -> int:
    # No more workers than tasks: a one-page run reads its page here, with no pool to start.
    return min(worker_count(config.jobs), max(1, tasks))


def run_tasks(
    fn: Callable[..., T], tasks: Iterable[tuple[K, tuple[Any, ...]]], config: RunConfig
) -> Iterator[TaskOutcome[K]]:
    """Run ``fn(*args)`` for each ``(key, args)`` and yield outcomes as they complete.

    ``fn`` and its arguments must pickle. The executor is ``config.executor``: ``local`` runs
    ``config.jobs`` worker processes (0 = one per core), never more than there are tasks (one
    runs in this process, which starts nothing and keeps tracebacks simple for ``--debug``);
    ``dask`` runs on ``config.scheduler`` or on a LocalCluster of that many workers.
    """
    if config.executor == "dask":
        yield from _run_dask(fn, dict(tasks), worker_count(config.jobs), config.scheduler)
    elif config.executor == "local":
        pending = dict(tasks)
        yield from _run_local(fn, pending, _local_workers(config, len(pending)))
    else:
        raise BadArgumentsError(f"unknown executor {config.executor!r}; use 'local' or 'dask'")


def _run_local(
    fn: Callable[..., T], pending: dict[K, tuple[Any, ...]], workers: int
) -> Iterator[TaskOutcome[K]]:
    """Process pool. When a worker dies, the pool is rebuilt and the unfinished tasks run again;
    if it dies again, the remaining tasks run one per fresh worker, so that only the task that
    kills its worker is given up."""
    if workers == 1:
        prepare_page_reading()
        for key, args in pending.items():
            try:
                yield TaskOutcome(key, fn(*args))
            except Exception as err:  # noqa: BLE001 — handed to the caller, who decides
                yield TaskOutcome(key, error=err)
        return
    for _ in range(2):
        if pending:
            yield from _run_pool(fn, pending, workers)
    for key in list(pending):
        solo = {key: pending.pop(key)}
        yield from _run_pool(fn, solo, 1)
        if solo:
            yield TaskOutcome(key, error=WorkerDied("its worker process died on every try"))


#: Dask settings for the LocalCluster we start (README: the same for workers started by hand).
#: Dask sets ``MALLOC_TRIM_THRESHOLD_`` in its workers, which stops glibc from raising its mmap
#: threshold: every page-sized array is then mapped afresh and its pages faulted in, and 40 pages
#: cost 239 CPU seconds against the process pool's 183 (bench/RESULTS.md). The stack-sampling profiler
#: (every 10 ms) and the GIL monitor are for Dask's dashboard, which we do not start.
_LOCAL_CLUSTER_SETTINGS = {
    "distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None,
    "distributed.worker.profile.enabled": False,
    "distributed.admin.system-monitor.gil.enabled": False,
}


def _run_dask(
    fn: Callable[..., T], pending: dict[K, tuple[Any, ...]], workers: int, address: str | None
) -> Iterator[TaskOutcome[K]]:
    """Dask distributed: the scheduler reschedules the tasks of a worker that dies.

    Results are fetched and released as they complete: futures held on a worker that dies are
    recomputed otherwise, and they pile up in worker memory (FACTS.md). Tasks are submitted a
    few per worker ahead, not all at once, so that tasks carrying page images (``--ship-images``)
    are not all held by the scheduler.
    """
    try:
        import dask
        from dask.distributed import Client, LocalCluster, as_completed
        from distributed.scheduler import KilledWorker
    except ImportError as err:
        raise MissingDependencyError("Dask is not installed: pip install 'dask[distributed]'") from err
    with ExitStack() as stack:
        if address:
            try:
                client = stack.enter_context(Client(address, timeout="20s"))
            except OSError as err:
                raise BadArgumentsError(f"cannot reach the Dask scheduler at {address}: {err}") from err
        else:
            stack.enter_context(dask.config.set(_LOCAL_CLUSTER_SETTINGS))
            cluster = stack.enter_context(LocalCluster(
                n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None))
            client = stack.enter_context(Client(cluster))
        client.run(prepare_page_reading)
        ahead = 2 * max(workers, len(client.scheduler_info().get("workers", {})))
        todo = iter(list(pending.items()))
        futures: dict[Any, K] = {}
        running = as_completed()

        def top_up() -> None:
            for key, args in todo:
                future = client.submit(fn, *args, pure=False)
                futures[future] = key
                running.add(future)
                if len(futures) >= ahead:
                    return

        top_up()
        for future in running:
            key = futures.pop(future)
            try:
                outcome = TaskOutcome(key, future.result())
            except KilledWorker:
                outcome = TaskOutcome(key, error=WorkerDied("its worker process died on every try"))
            except Exception as err:  # noqa: BLE001
                outcome = TaskOutcome(key, error=err)
            future.release()
            top_up()
            yield outcome


def _run_pool(
    fn: Callable[..., T], pending: dict[K, tuple[Any, ...]], workers: int
) -> Iterator[TaskOutcome[K]]:
    """Run ``pending`` on one pool until done or the pool breaks; finished keys leave ``pending``."""
    with ProcessPoolExecutor(workers, initializer=_init_worker) as pool:
        futures: dict[Future, K] = {
            pool.submit(_run_in_worker, fn, *args): key for key, args in pending.items()}
        try:
            while futures:
                done, _ = wait(futures, return_when=FIRST_COMPLETED)
                for future in done:
                    key = futures.pop(future)
                    try:
                        outcome = TaskOutcome(key, future.result())
                    except BrokenProcessPool:
                        pool.shutdown(wait=False, cancel_futures=True)
                        return
                    except Exception as err:  # noqa: BLE001
                        outcome = TaskOutcome(key, error=err)
                    del pending[key]
                    yield outcome
        except BaseException:
            # Ctrl-C, or the caller stopped reading: leaving the ``with`` would otherwise wait for
            # every queued task (the workers ignore Ctrl-C), and a second Ctrl-C during that wait
            # hangs the interpreter's exit.
            _abandon(pool)
            raise


def _abandon(pool: ProcessPoolExecutor) -> None:
    """Drop ``pool``'s queued tasks and stop its workers now, mid-task."""
    # The standard library has no public way to stop busy workers before Python 3.14.
    workers = list(pool._processes.values())
    pool.shutdown(wait=False, cancel_futures=True)
    for process in workers:
        process.terminate()
    # Each worker unwinds its task (its Tesseract run stopped, its temporary folder removed);
    # waiting for that keeps this process from exiting with them still at work.
    deadline = time.monotonic() + _WORKER_STOP_S
    for process in workers:
        process.join(max(0.0, deadline - time.monotonic()))
        if process.is_alive():
            process.kill()


#: How long a stopped worker may take to unwind before it is killed, seconds.
_WORKER_STOP_S = 10.0
