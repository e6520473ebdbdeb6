"""Batch runs (experiments/batch.py, store.py, backends.py, spec.py): a batch saves every run
once, whatever interrupts it, and gives the same numbers on every backend and as single runs.

Runs are tiny (scale 0.05, a few years) so that the suite stays quick; timings are in
benchmarks/bench_batch.py, not here.
"""

import multiprocessing
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from experiments.backends import DaskBackend, ProcessBackend, SerialBackend
from experiments.batch import make_task, open_store, run_batch
from experiments.spec import SpecError, load_spec, parse_spec
from experiments.store import VOLATILE, BatchStore, compare_stores
from model import SortingModel
from model.params import ParameterError
from sorteermachine.cli import main

SPEC = """
[batch]
name = "tiny"
scenarios = ["base", "economic-asml"]
policies = ["no-policy"]
replications = 2
first_seed = 3
until = 2027
years = [2024, 2026, 2027]

[params]
scale = 0.05

[grid]
beta_status = [2.0, 4.0]
"""


def write_spec(folder: Path, text: str = SPEC, name: str = "tiny.toml") -> Path:
    path = folder / name
    path.write_text(text)
    return path


def tables(folder: Path) -> dict[str, pd.DataFrame]:
    """The store's tables without the columns that say where and when a run executed."""
    store = BatchStore(folder)
    out = {name: store.table(name) for name in ("city", "wijken", "buurten")}
    out["runs"] = store.runs().drop(columns=list(VOLATILE))
    return out


def assert_same_tables(a: Path, b: Path) -> None:
    ta, tb = tables(a), tables(b)
    for name in ta:
        pd.testing.assert_frame_equal(ta[name], tb[name], check_exact=True)
    assert compare_stores(a, b) == []


@pytest.fixture(scope="module")
def serial_batch(tmp_path_factory) -> Path:
    """The tiny spec, run in this process: the reference the other tests compare with."""
    folder = tmp_path_factory.mktemp("serial")
    spec = load_spec(write_spec(folder))
    out = folder / "batch"
    run_batch(spec.tasks(), open_store(out, spec.tasks(), spec), SerialBackend(), spec=spec)
    return out


# --- specs ----------------------------------------------------------------------------------
def test_spec_lists_every_combination_with_seeds_from_the_spec(tmp_path):
    spec = load_spec(write_spec(tmp_path))
    tasks = spec.tasks()
    assert len(tasks) == spec.n_runs == 2 * 1 * 2 * 2
    assert [t.run for t in tasks] == list(range(8))
    assert {(t.scenario, t.varied["beta_status"], t.seed) for t in tasks} == {
        (s, b, seed) for s in ("base", "economic-asml") for b in (2.0, 4.0) for seed in (3, 4)}
    asml = next(t for t in tasks if t.scenario == "economic-asml")
    assert asml.params.household_change_2050 == 8395 and asml.params.scale == 0.05
    assert spec.fingerprint() == load_spec(write_spec(tmp_path)).fingerprint()


def test_built_in_specs_are_valid():
    for name in ("smoke", "scenarios-policies"):
        assert load_spec(name).n_runs > 0
    assert load_spec("smoke").n_runs == 4


@pytest.mark.parametrize("change, message", [
    (("beta_status = [2.0, 4.0]", "beta_statuss = [2.0, 4.0]"),
     "unknown parameter 'beta_statuss'. Did you mean 'beta_status'"),
    (("beta_status = [2.0, 4.0]", "beta_status = []"), "'beta_status' is an empty list"),
    (('"economic-asml"]', '"economic-asm"]'), "unknown scenario 'economic-asm'"),
    (('["no-policy"]', '["no-policy", "woonfundament-x"]'),
     "unknown policy 'woonfundament-x'"),
    (("beta_status = [2.0, 4.0]", "beta_status = [2.0, 40.0]"),
     "parameter 'beta_status' = 40.0 is not allowed; expected a number from 0 to 10"),
    (("[grid]\nbeta_status = [2.0, 4.0]", "[sample]\nn = 4\nbeta_status = [1.0, 12.0]"),
     r"'beta_status' = \[1.0, 12.0\] is outside the register's range 0 to 10"),
    (("[grid]\nbeta_status = [2.0, 4.0]", "[sample]\nn = 4\nconstruction = [0, 1]"),
     "only number parameters with a range in the register can be sampled"),
    (("replications = 2", "replications = 0"), "'replications' = 0; allowed: a whole number"),
    (("until = 2027", "until = 2060"), "'until' = 2060; allowed: a whole number from 2024 to "
                                       "2050"),
    (("years = [2024, 2026, 2027]", "years = [2024, 2030]"),
     r"years \[2030\] outside the simulated years 2024-2027"),
    (("[params]", "[parms]"), r"unknown table\(s\) \['parms'\]"),
    (("first_seed = 3", "first_seed = 3\nseeds = 4"), r"unknown field\(s\) \['seeds'\]"),
    (("scale = 0.05", "scale = 0.05\nbeta_status = 3.0"), "beta_status set in more than one"),
])
def test_bad_specs_are_refused_before_any_run_naming_the_field(tmp_path, capsys, change,
                                                               message):
    path = write_spec(tmp_path, SPEC.replace(*change))
    assert SPEC.replace(*change) != SPEC
    with pytest.raises(SpecError, match=message):
        load_spec(path)
    out = tmp_path / "batch"
    assert main(["batch", str(path), "--out", str(out), "--workers", "1"]) == 2
    assert "sorteermachine: error:" in capsys.readouterr().err
    assert not out.exists()


def test_sample_draws_points_inside_the_ranges():
    spec = parse_spec({"batch": {"scenarios": ["base"]}, "params": {"scale": 0.05},
                       "sample": {"n": 6, "beta_status": [2.0, 6.0],
                                  "construction_max_per_year": "register"}})
    assert len(spec.points) == 6
    assert all(2.0 <= p["beta_status"] <= 6.0 for p in spec.points)
    assert all(isinstance(p["construction_max_per_year"], int) for p in spec.points)
    # Latin hypercube: one point in each sixth of the range
    bins = sorted(int((p["beta_status"] - 2.0) / 4.0 * 6) for p in spec.points)
    assert bins == list(range(6))


# --- running and the store ------------------------------------------------------------------
def test_batch_saves_every_run_with_the_numbers_of_a_single_run(serial_batch):
    store = BatchStore(serial_batch)
    runs = store.runs()
    assert runs["run"].tolist() == list(range(8)) and (runs["status"] == "ok").all()
    city = store.city()
    assert city.groupby("run")["year"].apply(list).tolist() == [[2024, 2026, 2027]] * 8
    row = runs[(runs["scenario"] == "economic-asml") & (runs["beta_status"] == 4.0)
               & (runs["seed"] == 4)].iloc[0]
    model = SortingModel(rng=4, scenario_name="economic-asml", scale=0.05, beta_status=4.0)
    model.run_until_year(2027)
    single = model.city_frame()
    single = single[single["year"].isin([2024, 2026, 2027])].reset_index(drop=True)
    batch = city[city["run"] == row["run"]].drop(columns="run").reset_index(drop=True)
    pd.testing.assert_frame_equal(batch, single, check_dtype=False)


def test_one_run_of_a_batch_reads_as_run_results(serial_batch):
    results = BatchStore(serial_batch).results(5)
    assert results.scenario == "economic-asml" and results.policy == "no-policy"
    assert results.seed == 4 and results.params.beta_status == 2.0
    assert results.years == [2024, 2026, 2027]
    assert len(results.wijken) == 3 * results.geography.n_wijken
    from viz.report import build_report

    assert "economic-asml" in build_report(results)


def test_compare_stores_names_a_difference(serial_batch, tmp_path):
    import shutil

    copy = tmp_path / "copy"
    shutil.copytree(serial_batch, copy)
    assert compare_stores(serial_batch, copy) == []
    path = sorted((copy / "city").glob("*.parquet"))[0]
    frame = pd.read_parquet(path)
    frame.loc[0, "dissimilarity"] += 1e-12
    frame.to_parquet(path, index=False)
    assert compare_stores(serial_batch, copy) == ["city: columns differ: dissimilarity"]


def test_tables_read_as_plain_parquet_folders(serial_batch):
    city = pd.read_parquet(serial_batch / "city")
    assert len(city) == 8 * 3 and city.groupby("run").size().eq(3).all()
    assert len(pd.read_parquet(serial_batch / "runs")) == 8


def test_dask_local_cluster_gives_the_numbers_of_the_serial_batch(serial_batch, tmp_path):
    spec = load_spec(write_spec(tmp_path))
    out = tmp_path / "batch"
    run_batch(spec.tasks(), open_store(out, spec.tasks(), spec), DaskBackend(local_workers=2),
              spec=spec)
    assert_same_tables(serial_batch, out)


def test_local_workers_lose_no_run_when_one_is_killed(serial_batch, tmp_path):
    """Two worker processes, one killed (SIGKILL) mid-batch: every run is saved once, with
    the numbers of the batch run in this process."""
    spec = load_spec(write_spec(tmp_path))
    out = tmp_path / "batch"
    killed = []

    def kill_a_worker(progress):
        if progress.done == 2 and not killed:
            worker = multiprocessing.active_children()[0]
            os.kill(worker.pid, signal.SIGKILL)
            killed.append(worker.pid)

    summary = run_batch(spec.tasks(), open_store(out, spec.tasks(), spec), ProcessBackend(2),
                        on_progress=kill_a_worker, spec=spec)
    assert killed and summary.failed == 0 and summary.ran == 8
    assert_same_tables(serial_batch, out)


def test_python_api_runs_a_list_of_runs_and_streams_results(tmp_path):
    """What the app does: its own list of runs, results handed over as they finish."""
    tasks = [make_task(i, "base", "no-policy", {"scale": 0.05}, seed=10 + i, until=2025)
             for i in range(3)]
    seen, progress = [], []
    summary = run_batch(tasks, tmp_path / "api", SerialBackend(),
                        on_result=lambda task, outcome: seen.append((task.seed, outcome)),
                        on_progress=lambda p: progress.append((p.done, p.remaining)))
    assert summary.ran == 3 and [s for s, _ in seen] == [10, 11, 12]
    assert all(o.status == "ok" and list(o.frames["city"]["year"]) == [2024, 2025]
               for _, o in seen)
    assert progress[0] == (0, 3) and progress[-1] == (3, 0)
    assert run_batch(tasks, tmp_path / "api", SerialBackend()).ran == 0  # all saved
    with pytest.raises(ParameterError, match="beta_status"):
        make_task(0, overrides={"beta_status": 99.0})


def test_a_run_that_raises_is_recorded_and_the_batch_goes_on(serial_batch, tmp_path,
                                                            monkeypatch):
    spec = load_spec(write_spec(tmp_path))
    out = tmp_path / "batch"
    original = SortingModel.run_until_year

    def broken(self, year):
        if self._seed == 4 and self.params.beta_status == 2.0:
            raise RuntimeError("a bug that only this seed meets")
        original(self, year)

    monkeypatch.setattr(SortingModel, "run_until_year", broken)
    summary = run_batch(spec.tasks(), open_store(out, spec.tasks(), spec), SerialBackend(),
                        spec=spec)
    store = BatchStore(out)
    failed = store.runs().query("status == 'failed'")
    assert summary.failed == 2 and len(failed) == 2 and (failed["seed"] == 4).all()
    assert failed["error"].str.contains("RuntimeError: a bug that only this seed meets").all()
    assert len(store.done()) == 6 and set(store.city()["run"]) == store.done()

    monkeypatch.setattr(SortingModel, "run_until_year", original)
    again = run_batch(spec.tasks(), store, SerialBackend(), spec=spec)
    assert again.ran == 0  # failures are kept unless asked to retry
    retried = run_batch(spec.tasks(), store, SerialBackend(), retry_failed=True, spec=spec)
    assert retried.ran == 2 and retried.failed == 0
    assert len(pd.read_parquet(out / "runs")) == 8  # the old failure records are gone
    assert_same_tables(serial_batch, out)


def test_the_store_of_another_spec_is_not_continued(tmp_path, capsys):
    spec_path = write_spec(tmp_path)
    out = tmp_path / "batch"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    assert main(["batch", str(spec_path), "--out", str(out), "--workers", "1"]) == 2
    assert "holds no batch" in capsys.readouterr().err
    other = write_spec(tmp_path, SPEC.replace("replications = 2", "replications = 1"),
                       "other.toml")
    spec = load_spec(other)
    open_store(tmp_path / "b2", spec.tasks(), spec)
    assert main(["batch", str(spec_path), "--out", str(tmp_path / "b2"), "--workers",
                 "1"]) == 2
    assert "holds a batch of another spec" in capsys.readouterr().err


# --- interruptions (the command line, as a user runs it) -------------------------------------
def start_batch(spec: Path, out: Path, *extra: str) -> subprocess.Popen:
    script = Path(sys.executable).parent / "sorteermachine"
    # Ctrl-C handled as in a terminal even when the suite runs in the background, where the
    # shell starts it with SIGINT ignored (and the child would inherit that).
    return subprocess.Popen([str(script), "batch", str(spec), "--out", str(out),
                             "--save-every", "0", *extra],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))


def wait_for_saved_runs(out: Path, n: int, proc: subprocess.Popen, timeout=120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if (out / "runs").is_dir() and len(list((out / "runs").glob("*.parquet"))) >= n:
            return
        assert proc.poll() is None, proc.communicate()
        time.sleep(0.05)
    raise AssertionError("the batch saved too few runs in time")


def children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(c) for c in (task / "children").read_text().split()]
    return found


def alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"
    except FileNotFoundError:
        return False


def test_a_killed_driver_leaves_no_workers_and_the_rerun_completes_the_batch(serial_batch,
                                                                              tmp_path):
    """Kill the driver (SIGKILL) halfway and run the same command again: its workers exit,
    and the tables equal an uninterrupted batch, with no run saved twice."""
    spec = write_spec(tmp_path)
    out = tmp_path / "batch"
    proc = start_batch(spec, out, "--workers", "2")
    wait_for_saved_runs(out, 3, proc)
    workers = children(proc.pid)
    proc.kill()
    proc.communicate(timeout=60)
    saved = len(BatchStore(out).done())
    assert 3 <= saved < 8, "interrupted too late to test a resume"
    deadline = time.monotonic() + 15
    while any(alive(w) for w in workers) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert workers and not any(alive(w) for w in workers)
    again = start_batch(spec, out, "--workers", "1")  # another backend may continue it
    out_text, err = again.communicate(timeout=120)
    assert again.returncode == 0, err
    assert f"{8 - saved} run now, {saved} before" in out_text
    runs = pd.read_parquet(out / "runs")
    assert sorted(runs["run"]) == list(range(8))  # each run once
    assert_same_tables(serial_batch, out)


def test_a_ctrl_c_during_a_compiled_loop_stops_the_batch_and_is_no_failed_run(
        ctrl_c_in_compiled_loop, monkeypatch):
    """numba reports a Ctrl-C that lands in a compiled loop as a SystemError caused by the
    KeyboardInterrupt. A run must not record that as its failure (the batch would go on and
    end with 'run(s) failed'): it is the interrupt, and stops the batch."""
    from experiments.backends import execute
    from model.jit import interrupted

    with pytest.raises(KeyboardInterrupt):
        execute(make_task(0, overrides={"scale": 0.05}, until=2025))
    assert not interrupted(SystemError("a real one")) and not interrupted(ValueError())

    def genuine_error(self):
        raise SystemError("a bug")

    monkeypatch.setattr(SortingModel, "step", genuine_error)
    outcome = execute(make_task(0, overrides={"scale": 0.05}, until=2025))
    assert outcome.status == "failed" and "SystemError: a bug" in outcome.error


def test_ctrl_c_saves_what_finished_and_says_how_to_continue(serial_batch, tmp_path):
    spec = write_spec(tmp_path)
    out = tmp_path / "batch"
    proc = start_batch(spec, out, "--workers", "1")
    wait_for_saved_runs(out, 3, proc)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    saved = len(BatchStore(out).done())
    assert proc.returncode == 130 and 3 <= saved < 8, err
    assert f"interrupted; {saved} of 8 runs are saved" in err
    assert "run the same command again to continue" in err and "Traceback" not in err
    again = start_batch(spec, out, "--workers", "1")
    again.communicate(timeout=120)
    assert again.returncode == 0
    assert sorted(pd.read_parquet(out / "runs")["run"]) == list(range(8))
    assert_same_tables(serial_batch, out)
