"""The batch store: a batch's results as Parquet tables in one folder, written run by run.

    DIR/batch.json       the spec (its text and a fingerprint of its runs), package version
    DIR/runs/            the runs table: one row per run (scenario, policy, seed, the varied
                         parameters, scenario hash, version, status 'ok' or 'failed', error)
    DIR/city/            one row per run and year, every city.csv column, plus `run`
    DIR/wijken/          one row per run, wijk and year
    DIR/buurten/         one row per run, buurt and year

Each table is a folder of Parquet files that any Parquet reader takes as one table
(`pandas.read_parquet("DIR/city")`, DuckDB, Polars). Finished runs are written in small
chunks (every few seconds): a chunk's files are written to DIR/.staging, flushed to disk, and
renamed into the table folders, the runs file last. A chunk whose runs file is there is
complete, so the runs table says exactly which runs are saved: an interrupted batch (Ctrl-C,
a killed driver or worker, a power cut) loses at most the chunk being written, and the next
start of the same batch removes what that chunk left and runs only the runs the runs table
does not hold. No run is saved twice: the driver saves each result once, whichever worker
delivered it.

`BatchStore.results(run)` gives one run as a `RunResults`, the same object a results folder
gives, so reports and the app read batches and single runs alike.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from experiments.results import OutputError, RunResults, model_version
from model.params import make_params
from model.register import REGISTER

DATA_TABLES = ("city", "wijken", "buurten")
TABLES = ("runs", *DATA_TABLES)
# Columns of the runs table that say how a run went on this machine, not what it computed:
# left out when two batches are compared.
VOLATILE = ("seconds", "worker", "chunk", "finished")


@dataclass
class RunOutcome:
    """What a worker sends back for one run: its tables, or the error it raised."""

    run: int
    status: str  # "ok" or "failed"
    frames: dict[str, pd.DataFrame] = field(default_factory=dict)
    meta: dict = field(default_factory=dict)
    error: str = ""
    seconds: float = 0.0
    worker: str = ""


class BatchStore:
    """One batch's folder (see the module docstring)."""

    def __init__(self, folder: str | Path):
        self.folder = Path(folder)
        self._buffer: list[tuple[dict, RunOutcome]] = []
        self._chunk = 0
        self._last_flush = time.monotonic()
        self._held: set[int] = set()  # runs with a record in the store (failed ones, retried)

    # --- opening ----------------------------------------------------------------------------
    @classmethod
    def open_for(cls, folder: str | Path, spec_text: str, fingerprint: str,
                 name: str = "") -> BatchStore:
        """Open (or create) the store of a batch; refuse a folder that holds something else,
        or the store of another spec."""
        folder = check_batch_dir(folder, fingerprint)
        info = folder / "batch.json"
        if not info.is_file():
            folder.mkdir(parents=True, exist_ok=True)
            _write_atomic(info, json.dumps({"name": name, "fingerprint": fingerprint,
                                            "version": model_version(), "spec": spec_text},
                                           indent=2) + "\n")
        for table in TABLES:
            (folder / table).mkdir(exist_ok=True)
        return cls(folder)

    @contextmanager
    def writing(self) -> Iterator[BatchStore]:
        """Hold the folder's lock while writing (a second driver on the same folder stops
        with a message), and clean up what an interrupted writer left."""
        lock_path = self.folder / ".lock"
        with open(lock_path, "a+") as lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise OutputError(f"{self.folder}: another batch is writing to this folder "
                                  "right now; wait for it or give another --out") from None
            self.recover()
            self._chunk = self._next_chunk()
            self._held = set(self.runs()["run"].astype(int))
            try:
                yield self
            finally:
                self.flush()

    def recover(self) -> None:
        """Remove what an interrupted chunk left: the staging folder, and data files of
        chunks whose runs file was never written."""
        shutil.rmtree(self.folder / ".staging", ignore_errors=True)
        committed = set(self._chunks())
        for table in DATA_TABLES:
            for path in (self.folder / table).glob("*.parquet"):
                if path.stem not in committed:
                    path.unlink()

    # --- writing ----------------------------------------------------------------------------
    def add(self, record: dict, outcome: RunOutcome) -> None:
        """Keep a finished run until the next flush. `record` is its row of the runs table
        without the outcome's fields."""
        self._buffer.append((record, outcome))

    def flush_due(self, every_seconds: float = 5.0, every_runs: int = 50) -> bool:
        return bool(self._buffer) and (len(self._buffer) >= every_runs or
                                       time.monotonic() - self._last_flush >= every_seconds)

    def flush(self) -> int:
        """Write the buffered runs as one chunk; returns how many runs it saved. A Ctrl-C
        that arrives meanwhile is raised when the chunk is complete."""
        self._last_flush = time.monotonic()
        if not self._buffer:
            return 0
        with _interrupts_deferred():
            return self._write_chunk()

    def _write_chunk(self) -> int:
        name = f"{self._chunk:06d}-{os.getpid()}"
        staging = self.folder / ".staging"
        staging.mkdir(exist_ok=True)
        finished = pd.Timestamp.now(tz="UTC").isoformat(timespec="seconds")
        rows, frames = [], {t: [] for t in DATA_TABLES}
        for record, outcome in self._buffer:
            rows.append({**record, "status": outcome.status, "error": outcome.error,
                         "meta": json.dumps(outcome.meta, default=list),
                         "seconds": round(outcome.seconds, 3), "worker": outcome.worker,
                         "chunk": name, "finished": finished})
            for table in DATA_TABLES:
                if table in outcome.frames:
                    frame = outcome.frames[table]
                    frames[table].append(pd.concat(
                        [pd.Series(outcome.run, index=frame.index, name="run"), frame],
                        axis=1))
        written = []
        for table in DATA_TABLES:  # data first, the runs file last: it commits the chunk
            if frames[table]:
                written.append(_stage(pd.concat(frames[table], ignore_index=True), staging,
                                      table, name))
        written.append(_stage(pd.DataFrame(rows), staging, "runs", name))
        for table, path in written:
            os.replace(path, self.folder / table / f"{name}.parquet")
        _fsync_dir(*(self.folder / t for t in TABLES))
        saved = {outcome.run for _, outcome in self._buffer}
        self._buffer.clear()
        self._chunk += 1
        if saved & self._held:  # retried runs: drop their older records (failures)
            self._drop_older_records(saved & self._held, keep=name)
        self._held |= saved
        return len(saved)

    def _drop_older_records(self, runs: set[int], keep: str) -> None:
        for chunk in self._chunks():
            if chunk == keep:
                continue
            path = self.folder / "runs" / f"{chunk}.parquet"
            table = pd.read_parquet(path)
            if table["run"].isin(runs).any():
                staging = self.folder / ".staging"
                staging.mkdir(exist_ok=True)
                _, tmp = _stage(table[~table["run"].isin(runs)], staging, "runs", chunk)
                os.replace(tmp, path)

    # --- reading ----------------------------------------------------------------------------
    def _chunks(self) -> list[str]:
        return sorted(p.stem for p in (self.folder / "runs").glob("*.parquet"))

    def _next_chunk(self) -> int:
        chunks = self._chunks()
        return int(chunks[-1].split("-")[0]) + 1 if chunks else 0

    def runs(self) -> pd.DataFrame:
        """The runs table: one row per run (its latest record), sorted by run."""
        files = [self.folder / "runs" / f"{c}.parquet" for c in self._chunks()]
        if not files:
            return pd.DataFrame(columns=["run", "status"])
        table = pd.concat([pd.read_parquet(f) for f in files], ignore_index=True)
        table = table.drop_duplicates("run", keep="last")  # a retried run's newer record
        return table.sort_values("run", kind="stable").reset_index(drop=True)

    def done(self) -> set[int]:
        """Runs saved with results."""
        runs = self.runs()
        return set(runs.loc[runs["status"] == "ok", "run"].astype(int))

    def failed(self) -> set[int]:
        runs = self.runs()
        return set(runs.loc[runs["status"] == "failed", "run"].astype(int))

    def table(self, name: str, runs: list[int] | None = None) -> pd.DataFrame:
        """A data table ('city', 'wijken', 'buurten') of the saved runs (or of `runs`),
        sorted by run (and year, then area), so the order never depends on which run
        finished first."""
        chunks = self._chunks()
        files = [self.folder / name / f"{c}.parquet" for c in chunks]
        filters = [("run", "in", list(runs))] if runs is not None else None
        parts = [pd.read_parquet(f, filters=filters) for f in files if f.is_file()]
        if not parts:
            return pd.DataFrame()
        frame = pd.concat(parts, ignore_index=True)
        return frame.sort_values(["run", "year"], kind="stable").reset_index(drop=True)

    def city(self) -> pd.DataFrame:
        return self.table("city")

    def wijken(self) -> pd.DataFrame:
        return self.table("wijken")

    def buurten(self) -> pd.DataFrame:
        return self.table("buurten")

    def results(self, run: int) -> RunResults:
        """One run of the batch as a RunResults (what a results folder gives)."""
        runs = self.runs()
        row = runs[runs["run"] == run]
        if row.empty:
            raise OutputError(f"{self.folder}: no run {run} (runs saved: {len(runs)})")
        row = row.iloc[0]
        if row["status"] != "ok":
            raise OutputError(f"{self.folder}: run {run} failed: {row['error']}")
        meta = json.loads(row["meta"])
        params = make_params({k: v for k, v in json.loads(row["params"]).items()
                              if k in REGISTER}, where=f"{self.folder} run {run}")
        frames = {t: self.table(t, [run]).drop(columns="run") for t in DATA_TABLES}
        return RunResults(params=params, meta=meta, **frames)


def check_batch_dir(folder: str | Path, fingerprint: str) -> Path:
    """The batch folder, if it is new, empty or holds this batch (else OutputError); creates
    nothing, so a bad --out is reported before any work starts."""
    folder = Path(folder).resolve()
    if folder == Path.cwd() or folder in Path.cwd().parents:
        raise OutputError(f"--out {folder}: is the current folder or one of its parents; "
                          "give a folder of its own, e.g. --out batches/smoke")
    if folder.exists() and not folder.is_dir():
        raise OutputError(f"--out {folder}: exists and is not a folder")
    info = folder / "batch.json"
    if folder.exists() and any(folder.iterdir()) and not info.is_file():
        raise OutputError(f"--out {folder}: folder exists, is not empty and holds no batch "
                          "(no batch.json); choose a new or empty folder")
    if info.is_file():
        held = json.loads(info.read_text(encoding="utf-8"))
        if held.get("fingerprint") != fingerprint:
            raise OutputError(
                f"--out {folder}: holds a batch of another spec ({held.get('name')!r}, other "
                "runs); to continue that batch give its spec, to start this one give a new "
                "folder")
    return folder


@contextmanager
def _interrupts_deferred():
    """Hold a Ctrl-C (SIGINT) back until the block is done, then raise it."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught = []
    previous = signal.signal(signal.SIGINT, lambda *_: caught.append(True))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
    if caught:
        raise KeyboardInterrupt


def _stage(frame: pd.DataFrame, staging: Path, table: str, name: str) -> tuple[str, Path]:
    path = staging / f"{table}-{name}.parquet"
    frame.to_parquet(path, index=False)
    with open(path, "rb") as f:
        os.fsync(f.fileno())
    return table, path


def _fsync_dir(*folders: Path) -> None:
    for folder in folders:
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _write_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def compare_stores(a: str | Path, b: str | Path) -> list[str]:
    """How two batch folders differ in what they computed (every table, sorted by run, the
    VOLATILE columns of the runs table left out); an empty list if they are identical."""
    sa, sb = BatchStore(a), BatchStore(b)
    found = []
    for name in TABLES:
        ta = sa.runs().drop(columns=list(VOLATILE)) if name == "runs" else sa.table(name)
        tb = sb.runs().drop(columns=list(VOLATILE)) if name == "runs" else sb.table(name)
        if ta.shape != tb.shape or list(ta.columns) != list(tb.columns):
            found.append(f"{name}: shape {ta.shape} against {tb.shape}")
        elif not ta.equals(tb):
            bad = [c for c in ta.columns if not ta[c].equals(tb[c])]
            found.append(f"{name}: columns differ: {', '.join(bad[:8])}")
    return found
