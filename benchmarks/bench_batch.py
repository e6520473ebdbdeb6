"""Benchmark: batch throughput, parallel efficiency and the driver's memory.

Run from the repository root:

    .venv/bin/python benchmarks/bench_batch.py [--runs 1000] [--workers 2]
        [--efficiency-runs 60] [--skip-efficiency] [--skip-throughput] [--scale 1.0]

1. Parallel efficiency: the same `--efficiency-runs` full-scale runs (default 60) on 1 worker
   process and on `--workers` worker processes; efficiency = T(1) / (workers x T(workers)).
   Each worker's start-up (about 3 s: importing Mesa and pandas, loading the compiled loops)
   is part of both times; over 20 runs of about 1 s it is a fifth of the wall time and
   pulls the figure down (0.69 on 2026-12-02), over 60 runs much less.
Worker utilisation (the runs' own time over workers x wall time) tells the driver's and the
pool's overhead apart from a machine busy with other jobs.
2. Throughput: `--runs` full-scale runs (2050, every year kept, base and economic-asml x
   no-policy and building to demand, replications to make up the number) on `--workers`
   local worker processes, into a fresh store, as `sorteermachine batch` runs them; the
   driver's resident memory (VmRSS) is sampled as runs finish.

It prints the figures and the issue's targets with PASS/FAIL, and the machine's load
average before and after (the machine is shared: other jobs slow every figure here). A
script that prints figures, not a test.
"""

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from bench_run import header  # noqa: E402  (the sibling benchmark)

from experiments.backends import ProcessBackend
from experiments.batch import make_task, run_batch
from experiments.store import BatchStore

TARGET_MINUTES = 12.0  # 1,000 full-scale runs on 2 workers
TARGET_EFFICIENCY = 0.80
COMBINATIONS = [("base", "no-policy", {}), ("economic-asml", "no-policy", {}),
                ("base", "no-policy", {"construction": "demand"}),
                ("economic-asml", "no-policy", {"construction": "demand"})]


def rss_mb() -> float:
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith("VmRSS:")) / 1024


def tasks(n: int, scale: float) -> list:
    out = []
    for i in range(n):
        scenario, policy, overrides = COMBINATIONS[i % len(COMBINATIONS)]
        out.append(make_task(i, scenario, policy, {"scale": scale, **overrides},
                             seed=1 + i // len(COMBINATIONS),
                             replication=i // len(COMBINATIONS),
                             point=i % len(COMBINATIONS)))
    return out


def timed_batch(n: int, workers: int, scale: float, folder: Path, samples: list | None = None
                ) -> tuple[float, float]:
    """(wall seconds, worker utilisation: the runs' own seconds over workers x wall)."""
    shutil.rmtree(folder, ignore_errors=True)
    every = max(n // 20, 1)

    def sample(progress) -> None:
        if samples is not None and (progress.done % every == 0 or progress.remaining == 0):
            samples.append((progress.done, rss_mb(), progress.elapsed))
            if progress.done:
                print(f"      {progress.done:5d} runs  {progress.elapsed:7.1f} s  driver RSS "
                      f"{samples[-1][1]:6.1f} MB  load {os.getloadavg()[0]:.1f}", flush=True)

    started = time.perf_counter()
    summary = run_batch(tasks(n, scale), folder, ProcessBackend(workers), on_progress=sample)
    seconds = time.perf_counter() - started
    if summary.failed:
        print(f"      WARNING: {summary.failed} runs failed")
    busy = float(BatchStore(folder).runs()["seconds"].sum())
    return seconds, busy / (workers * seconds)


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--efficiency-runs", type=int, default=60)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--skip-efficiency", action="store_true")
    parser.add_argument("--skip-throughput", action="store_true")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench_batch_"))
    header("sorteermachine batch benchmark")
    print(f"  runs      scale {args.scale:g}, 2024-2050, every year kept, BLAS pinned to 1 "
          "thread")
    print()
    efficiency = None
    try:
        if not args.skip_efficiency:
            n = args.efficiency_runs
            print(f"[1] parallel efficiency: {n} runs on 1 and on {args.workers} workers")
            t1, u1 = timed_batch(n, 1, args.scale, work / "one")
            print(f"    1 worker             {t1:7.1f} s   ({t1 / n:.2f} s per run; workers busy "
                  f"{u1:.0%} of the time)")
            tn, un = timed_batch(n, args.workers, args.scale, work / "many")
            print(f"    {args.workers} workers            {tn:7.1f} s   ({tn / n:.2f} s per run; "
                  f"workers busy {un:.0%} of the time)")
            efficiency = t1 / (args.workers * tn)
            print(f"    efficiency           {efficiency:7.2f}    target >= "
                  f"{TARGET_EFFICIENCY:.2f}  {verdict(efficiency >= TARGET_EFFICIENCY)}")
            print()
        if not args.skip_throughput:
            print(f"[2] throughput: {args.runs} runs on {args.workers} workers")
            samples: list = []
            seconds, busy = timed_batch(args.runs, args.workers, args.scale,
                                        work / "throughput", samples)
            per_1000 = seconds / args.runs * 1000 / 60
            print(f"    wall time            {seconds / 60:7.2f} min ({seconds / args.runs:.2f} s "
                  f"per run, {args.runs / seconds * 60:.0f} runs/min)")
            print(f"    workers busy         {busy:7.0%}    of the wall time (the rest: start-up, "
                  "waiting for the driver)")
            projected = "" if args.runs == 1000 else f" (projected from {args.runs} runs)"
            print(f"    1,000 runs           {per_1000:7.2f} min{projected}   target <= "
                  f"{TARGET_MINUTES:g} "
                  f"min   {verdict(per_1000 <= TARGET_MINUTES)}")
            early = [m for d, m, _ in samples if d >= args.runs // 10][0]
            peak = max(m for _, m, _ in samples)
            print(f"    driver RSS           {early:7.1f} MB after 10% of the runs, "
                  f"{samples[-1][1]:.1f} MB at the end, peak {peak:.1f} MB "
                  f"(growth {samples[-1][1] - early:+.1f} MB)")
            store = work / "throughput"
            size = sum(p.stat().st_size for p in store.rglob("*") if p.is_file())
            print(f"    store                {size / 2**20:7.1f} MB in "
                  f"{sum(1 for _ in store.rglob('*.parquet'))} Parquet files")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print()
    print(f"  load      {' '.join(f'{x:.1f}' for x in os.getloadavg())} (1, 5, 15 min) at end")
    print("Timings on this shared 2-core machine move with the other jobs on it: a load above")
    print("2 means the workers did not have the cores to themselves.")


if __name__ == "__main__":
    main()
