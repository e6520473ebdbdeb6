"""Batch runs: many runs of the model, on any backend, saved run by run, resumable.

The Python API, apart from the command line (`sorteermachine batch`), so that notebooks and
the workshop app run batches the same way:

    from experiments.batch import make_task, run_batch
    from experiments.backends import ProcessBackend

    tasks = [make_task(i, "base", "no-policy", {"scale": 0.1}, seed=i + 1) for i in range(4)]
    summary = run_batch(tasks, "batches/mine", ProcessBackend(2), on_progress=print)
    BatchStore("batches/mine").city()      # one row per run and year

`run_batch` submits only the runs the store does not hold yet (so the same call after an
interruption continues the batch), keeps a few runs per worker in flight (the driver's
memory does not grow with the number of runs), saves each result once in the store, and
reports progress after every finished run. A run that raises is saved as failed, with its
error and seed, and the batch goes on.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from experiments.results import model_version
from experiments.spec import BatchSpec, RunTask, fingerprint, params_hash
from experiments.store import BatchStore, RunOutcome
from model.phases.migration import LAST_YEAR
from model.scenarios import combine


@dataclass
class Progress:
    """Where a batch stands (passed to `on_progress` after every finished run)."""

    total: int  # runs in the batch
    saved_before: int  # runs already in the store when this call started
    done: int  # runs finished in this call (ok or failed)
    failed: int  # ... of which failed
    elapsed: float  # seconds since this call started
    to_run: int  # runs this call had to do

    @property
    def remaining(self) -> int:
        return self.to_run - self.done

    @property
    def seconds_left(self) -> float | None:
        """Time left at the pace so far (None before the first run finished)."""
        if not self.done:
            return None
        return self.elapsed / self.done * self.remaining

    def __str__(self) -> str:
        left = self.seconds_left
        eta = "" if left is None else f", about {_duration(left)} left"
        return (f"{self.saved_before + self.done}/{self.total} runs done "
                f"({self.failed} failed){eta}")


@dataclass
class BatchSummary:
    total: int
    saved_before: int
    ran: int
    failed: int
    seconds: float
    interrupted: bool = False


def make_task(run: int, scenario: str = "base", policy: str = "no-policy",
              overrides: dict | None = None, seed: int = 1, until: int = LAST_YEAR,
              years: Sequence[int] | None = None, replication: int = 0,
              point: int = 0) -> RunTask:
    """One run, for callers that build their own list (the app's replications); checked
    like a spec (a bad name or value raises before anything runs)."""
    setup = combine(scenario, policy, overrides, where="overrides")
    return RunTask(run, setup.scenario, setup.policy, point, replication, seed, setup.params,
                   until, tuple(years) if years is not None else None, dict(overrides or {}))


def record_of(task: RunTask) -> dict:
    """The task's row of the runs table (the outcome adds status, error and timing)."""
    row = {"run": task.run, "scenario": task.scenario, "policy": task.policy,
           "point": task.point, "replication": task.replication, "seed": task.seed,
           "until": task.until}
    for name, value in task.varied.items():
        row[name] = json.dumps(list(value)) if isinstance(value, tuple) else value
    row["scenario_hash"] = params_hash(task.params)
    row["params"] = json.dumps(dict(task.params), default=list)
    row["version"] = model_version()
    return row


def open_store(folder: str | Path, tasks: Sequence[RunTask], spec: BatchSpec | None = None
               ) -> BatchStore:
    return BatchStore.open_for(folder, spec.text if spec else "", fingerprint(list(tasks)),
                               name=spec.name if spec else "")


def run_batch(tasks: Sequence[RunTask], store: BatchStore | str | Path, backend,
              on_progress: Callable[[Progress], None] | None = None,
              on_result: Callable[[RunTask, RunOutcome], None] | None = None,
              retry_failed: bool = False, spec: BatchSpec | None = None,
              flush_seconds: float = 5.0) -> BatchSummary:
    """Run the tasks the store does not hold yet on `backend`; see the module docstring.
    Ctrl-C (KeyboardInterrupt) saves every finished run, stops the backend and re-raises."""
    if not isinstance(store, BatchStore):
        store = open_store(store, tasks, spec)
    started = time.monotonic()
    with store.writing():
        skip = store.done() | (set() if retry_failed else store.failed())
        todo = [t for t in tasks if t.run not in skip]
        progress = Progress(len(tasks), len(tasks) - len(todo), 0, 0, 0.0, len(todo))
        if on_progress:
            on_progress(progress)
        queue = list(reversed(todo))
        inflight = 0
        try:
            while queue or inflight:
                while queue and inflight < backend.capacity:
                    backend.submit(queue.pop())
                    inflight += 1
                for task, outcome in backend.wait(timeout=1.0):
                    inflight -= 1
                    store.add(record_of(task), outcome)
                    progress.done += 1
                    progress.failed += outcome.status != "ok"
                    if on_result:
                        on_result(task, outcome)
                    if on_progress:
                        progress.elapsed = time.monotonic() - started
                        on_progress(progress)
                if store.flush_due(every_seconds=flush_seconds):
                    store.flush()
        except BaseException:
            backend.close(cancel=True)
            raise
        backend.close()
    return BatchSummary(len(tasks), progress.saved_before, progress.done, progress.failed,
                        time.monotonic() - started)


def _duration(seconds: float) -> str:
    seconds = int(round(seconds))
    if seconds < 90:
        return f"{seconds} s"
    if seconds < 5400:
        return f"{seconds // 60} min {seconds % 60:02d} s"
    return f"{seconds // 3600} h {seconds % 3600 // 60:02d} min"
