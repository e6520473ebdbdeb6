"""Where a batch's runs execute: in this process, in local worker processes, or on Dask.

Every backend runs the same function, `execute(task)`, which has no side effects: it builds
the model, runs it and returns its tables (or its error) to the driver, which alone writes
the store. So a run that executes twice (Dask reschedules the runs of a worker that died) is
still saved once, and the numbers do not depend on where a run executed: BLAS and OpenMP are
pinned to one thread in every worker, as Dask does by default (a process pool would
otherwise inherit more threads, and matrix products then differ in the last bits).

A backend offers `submit(task)`, `wait(timeout)` -> the (task, outcome) pairs finished since
the last call, `capacity` (runs worth keeping in flight) and `close()`.
"""

from __future__ import annotations

import os
import signal
import socket
import threading
import time
import traceback
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor
from concurrent.futures import wait as wait_futures
from concurrent.futures.process import BrokenProcessPool
from multiprocessing import get_context

from experiments.spec import RunTask
from experiments.store import RunOutcome

BLAS_VARS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS",
             "NUMEXPR_NUM_THREADS", "VECLIB_MAXIMUM_THREADS")
MAX_WORKER_DEATHS = 3  # a run whose worker died this often is recorded as failed
_pinned = False


class BackendError(RuntimeError):
    """The backend cannot run (an unreachable scheduler) or went away mid-batch; the runs
    saved so far are kept."""


def pin_blas_threads() -> None:
    """One BLAS/OpenMP thread in this process, whatever was loaded before (threadpoolctl),
    and for processes started from it (the environment)."""
    global _pinned
    for var in BLAS_VARS:
        os.environ[var] = "1"
    if not _pinned:
        from threadpoolctl import threadpool_limits

        threadpool_limits(limits=1)
        _pinned = True


def execute(task: RunTask) -> RunOutcome:
    """Run one task; never raises for an error of the run itself (it is returned)."""
    pin_blas_threads()
    from experiments.results import RunResults
    from model import SortingModel

    worker = f"{socket.gethostname()}:{os.getpid()}"
    started = time.perf_counter()
    try:
        model = SortingModel(rng=task.seed, params=task.params)
        model.run_until_year(task.until)
        results = RunResults.from_model(model, task.scenario, task.seed, policy=task.policy)
        frames = {"city": results.city, "wijken": results.wijken, "buurten": results.buurten}
        if task.years is not None:
            frames = {k: f[f["year"].isin(task.years)].reset_index(drop=True)
                      for k, f in frames.items()}
        return RunOutcome(task.run, "ok", frames, results.meta,
                          seconds=time.perf_counter() - started, worker=worker)
    except Exception as exc:  # recorded with the run; the batch goes on
        tail = "".join(traceback.format_exception(exc)[-3:]).strip()
        return RunOutcome(task.run, "failed", error=f"{type(exc).__name__}: {exc}\n{tail}",
                          seconds=time.perf_counter() - started, worker=worker)


def died(task: RunTask, deaths: int) -> RunOutcome:
    """The outcome of a run whose worker process died under it too often."""
    return RunOutcome(task.run, "failed",
                      error=f"WorkerDied: the worker process running it died {deaths} times "
                            "(killed, out of memory or crashed)")


class SerialBackend:
    """Runs in this process, one at a time (tests, notebooks, the app's small batches)."""

    capacity = 1
    description = "this process"

    def __init__(self):
        self._queue: list[RunTask] = []

    def submit(self, task: RunTask) -> None:
        self._queue.append(task)

    def wait(self, timeout: float) -> list[tuple[RunTask, RunOutcome]]:
        if not self._queue:
            return []
        task = self._queue.pop(0)
        return [(task, execute(task))]

    def close(self, cancel: bool = False) -> None:
        self._queue.clear()


def _worker_init(parent: int) -> None:
    """In each worker process: leave Ctrl-C to the driver, pin BLAS, and exit if the driver
    dies (a killed driver leaves no workers behind)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    pin_blas_threads()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(1)

    threading.Thread(target=watch, daemon=True).start()


class ProcessBackend:
    """Local worker processes (`--workers N`). A worker that dies (killed, out of memory)
    breaks the pool: a new pool is started and the runs that were in flight are submitted
    again; a run in flight at MAX_WORKER_DEATHS deaths is recorded as failed."""

    def __init__(self, workers: int):
        self.workers = workers
        self.capacity = 2 * workers
        self.description = f"{workers} local worker process{'es' if workers > 1 else ''}"
        self.deaths: dict[int, int] = {}
        self._inflight: dict = {}
        self._ready: list[tuple[RunTask, RunOutcome]] = []
        pin_blas_threads()  # the workers inherit the environment
        self._pool = self._start()

    def _start(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(self.workers, mp_context=get_context("spawn"),
                                   initializer=_worker_init, initargs=(os.getpid(),))

    def submit(self, task: RunTask) -> None:
        try:
            self._inflight[self._pool.submit(execute, task)] = task
        except BrokenProcessPool:
            self._restart([task])

    def wait(self, timeout: float) -> list[tuple[RunTask, RunOutcome]]:
        out, self._ready = self._ready, []
        if not self._inflight:
            return out
        done, _ = wait_futures(list(self._inflight), timeout=timeout,
                               return_when=FIRST_COMPLETED)
        broken = []
        for future in done:
            task = self._inflight.pop(future)
            try:
                out.append((task, future.result()))
            except BrokenProcessPool:
                broken.append(task)
        if broken:
            broken += list(self._inflight.values())  # every run in flight went down with it
            self._inflight.clear()
            out += self._restart(broken)
        return out

    def _restart(self, tasks: list[RunTask]) -> list[tuple[RunTask, RunOutcome]]:
        self._pool.shutdown(wait=False, cancel_futures=True)
        self._pool = self._start()
        failed = []
        for task in tasks:
            self.deaths[task.run] = self.deaths.get(task.run, 0) + 1
            if self.deaths[task.run] >= MAX_WORKER_DEATHS:
                failed.append((task, died(task, self.deaths[task.run])))
            else:
                self._inflight[self._pool.submit(execute, task)] = task
        return failed

    def close(self, cancel: bool = False) -> None:
        self._pool.shutdown(wait=True, cancel_futures=cancel)


class DaskBackend:
    """Dask distributed: a scheduler given by address (`--dask-scheduler tcp://HOST:PORT`)
    or a local cluster started here (`--dask-local N`). Dask retries the runs of a worker
    that dies (`distributed.scheduler.allowed-failures`) and then raises KilledWorker, which
    is recorded as the run's failure."""

    def __init__(self, scheduler: str | None = None, local_workers: int | None = None,
                 connect_timeout: float = 30.0):
        import dask
        from distributed import Client, LocalCluster

        pin_blas_threads()
        dask.config.set({"distributed.worker.profile.enabled": False,
                         "distributed.scheduler.worker-ttl": "60s",
                         "distributed.worker.daemon": False})
        self._cluster = None
        if scheduler:
            self.description = f"Dask scheduler {scheduler}"
            try:
                self._client = Client(scheduler, timeout=connect_timeout)
            except (OSError, TimeoutError, ValueError) as exc:
                raise BackendError(f"--dask-scheduler {scheduler}: no Dask scheduler answered "
                                   f"within {connect_timeout:g} s ({exc})") from None
        else:
            self._cluster = LocalCluster(n_workers=local_workers, threads_per_worker=1,
                                         processes=True, dashboard_address=None)
            self._client = Client(self._cluster)
            self.description = f"Dask local cluster of {local_workers} workers"
        self._inflight: dict = {}
        self._token = os.urandom(4).hex()

    @property
    def capacity(self) -> int:
        threads = sum(self._client.nthreads().values()) or 1
        return 2 * threads

    def submit(self, task: RunTask) -> None:
        future = self._client.submit(execute, task, pure=False,
                                     key=f"sorteermachine-run-{task.run}-{self._token}")
        self._inflight[future] = task

    def wait(self, timeout: float) -> list[tuple[RunTask, RunOutcome]]:
        from distributed import wait as dask_wait

        if not self._inflight:
            time.sleep(min(timeout, 0.5))  # no worker yet (a scheduler without workers)
            return []
        try:
            done, _ = dask_wait(list(self._inflight), timeout=timeout,
                                return_when="FIRST_COMPLETED")
        except TimeoutError:
            return []
        out = []
        for future in done:
            if future.status not in ("finished", "error"):  # cancelled: the scheduler is gone
                raise BackendError(f"lost the Dask scheduler ({self.description}, run "
                                   f"{self._inflight[future].run} {future.status})")
            task = self._inflight.pop(future)
            try:
                out.append((task, future.result()))
            except Exception as exc:  # KilledWorker: the run killed its worker again and again
                out.append((task, RunOutcome(task.run, "failed",
                                             error=f"{type(exc).__name__}: {exc}")))
            future.release()
        return out

    def close(self, cancel: bool = False) -> None:
        if cancel and self._inflight:
            self._client.cancel(list(self._inflight))
        self._inflight.clear()
        self._client.close()
        if self._cluster is not None:
            self._cluster.close()
