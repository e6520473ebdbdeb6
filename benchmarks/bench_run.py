"""Benchmark: one full-scale sorteermachine run next to Mesa's own Schelling example.

Run from the repository root:

    .venv/bin/python benchmarks/bench_run.py [--repeats 5] [--schelling-repeats 3]
                                             [--skip-schelling] [--skip-tracemalloc]

It prints wall time, memory and throughput, and the project's targets with PASS/FAIL.
This is a script that prints figures, not a test: nothing here asserts on timings.
"""

# ruff: noqa: E402  (the thread pins below must come before numpy is imported)
import os

# One BLAS/OpenMP thread, set before numpy is imported, so timings are repeatable.
BLAS_VARS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS",
             "NUMEXPR_NUM_THREADS", "VECLIB_MAXIMUM_THREADS")
for _var in BLAS_VARS:
    os.environ[_var] = "1"

import argparse
import datetime
import json
import platform
import statistics
import subprocess
import sys
import time

import mesa
import numpy as np
from mesa.examples.basic.schelling.model import Schelling, SchellingScenario

from model import SortingModel

END_YEAR = 2050  # the model starts in 2024: 26 yearly steps
STEPS = 26
SCHELLING_SIDE = 224  # 224 x 224 cells x density 0.8 = about 40,000 agents

# Targets from the project's issue.
TARGET_SECONDS = 1.5  # median wall time of build + 26 years
TARGET_MB = 400  # peak RSS of one run
TARGET_RATIO = 10  # sorteermachine household-steps/s over Schelling agent-steps/s

# Run in a fresh interpreter so the peak RSS is this run's alone. The peak is read from
# VmHWM in /proc/self/status (KiB), not from getrusage().ru_maxrss: on Linux a child started
# by subprocess inherits in ru_maxrss the parent's peak at the time it was started (this
# script's ~200 MB), which would hide the model's own memory.
MEMORY_RUN = """
import json, sys, time, tracemalloc
from model import SortingModel

def peak_kib():
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith("VmHWM:"))

trace = sys.argv[1] == "trace"
baseline = peak_kib()
if trace:
    tracemalloc.start()
t0 = time.perf_counter()
m = SortingModel(rng=1)
m.run_until_year(2050)
seconds = time.perf_counter() - t0
traced_peak = tracemalloc.get_traced_memory()[1] if trace else None
print(json.dumps({"baseline_kib": baseline, "peak_kib": peak_kib(),
                  "traced_peak_bytes": traced_peak, "seconds": seconds}))
"""


def time_sorteermachine(seed: int) -> tuple[float, float, int, float]:
    """Build + 26 years; returns (wall s, CPU s, start households, mean households per step)."""
    t0, c0 = time.perf_counter(), time.process_time()
    m = SortingModel(rng=seed)
    m.run_until_year(END_YEAR)
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    # city_rows holds one record for 2024 and one per simulated year; the households
    # alive at the start of each of the 26 steps are the first 26 records.
    alive = [row["households"] for row in m.city_rows[:STEPS]]
    return seconds, cpu, m.start_households, statistics.mean(alive)


def header(title: str) -> None:
    """The first lines every benchmark prints: what ran where, and when."""
    print(title)
    print(f"  date      {datetime.datetime.now().isoformat(timespec='seconds')}")
    print(f"  machine   {platform.machine()}, {os.cpu_count()} CPUs, {platform.platform()}")
    print(f"  versions  python {platform.python_version()}, numpy {np.__version__}, "
          f"mesa {mesa.__version__}")
    print(f"  load      {' '.join(f'{x:.1f}' for x in os.getloadavg())} (1, 5, 15 min)")


def time_schelling(seed: int) -> tuple[float, float, int, int]:
    """Build + 26 steps of Mesa's Schelling example; returns (wall s, CPU s, agents, steps)."""
    t0, c0 = time.perf_counter(), time.process_time()
    m = Schelling(SchellingScenario(rng=seed, width=SCHELLING_SIDE, height=SCHELLING_SIDE))
    agents = len(m.agents)
    for _ in range(STEPS):  # ignore m.running: the example stops once everyone is happy
        m.step()
    return time.perf_counter() - t0, time.process_time() - c0, agents, m.steps


def time_handles(seed: int) -> tuple[float, int, float, int, float]:
    """Mesa agent handles, registered through Mesa's public Agent.__init__ / Agent.remove:
    (first read of model.agents s, agents, read after one more year s, agents, read again
    with nothing changed s)."""
    m = SortingModel(rng=seed)
    t0 = time.perf_counter()
    first = len(m.agents)
    t1 = time.perf_counter()
    m.step()
    t2 = time.perf_counter()
    after = len(m.agents)
    t3 = time.perf_counter()
    len(m.agents)
    t4 = time.perf_counter()
    return t1 - t0, first, t3 - t2, after, t4 - t3


def memory_run(trace: bool) -> dict:
    """One build + 26 years in a fresh Python process; returns its memory figures."""
    out = subprocess.run([sys.executable, "-c", MEMORY_RUN, "trace" if trace else "plain"],
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def spread(times: list[float]) -> str:
    return (f"median {statistics.median(times):6.2f} s  (min {min(times):.2f}, "
            f"max {max(times):.2f}, n={len(times)})")


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5, help="sorteermachine runs (seeds 1..n)")
    parser.add_argument("--schelling-repeats", type=int, default=3, help="Schelling runs")
    parser.add_argument("--skip-schelling", action="store_true")
    parser.add_argument("--skip-tracemalloc", action="store_true")
    args = parser.parse_args()

    header("sorteermachine benchmark")
    print("  threads   BLAS/OpenMP pinned to 1 thread before importing numpy:")
    print(f"            {', '.join(BLAS_VARS)} = 1")
    print()

    # 1. sorteermachine: wall time (imports excluded), throughput, memory.
    print(f"[1] sorteermachine, SortingModel(rng=seed).run_until_year({END_YEAR}), "
          f"seeds 1..{args.repeats}")
    runs = []
    for seed in range(1, args.repeats + 1):
        runs.append(time_sorteermachine(seed))
        print(f"      seed {seed}: {runs[-1][0]:.2f} s  (CPU {runs[-1][1]:.2f} s)")
    times = [r[0] for r in runs]
    sm_time = statistics.median(times)
    start_hh = runs[0][2]
    mean_hh = statistics.mean(r[3] for r in runs)
    sm_rate = start_hh * STEPS / sm_time
    print(f"    wall time            {spread(times)}")
    print(f"    CPU time             {spread([r[1] for r in runs])}")
    print("      (seed 1 is the first run in this process and also loads the city data)")
    print(f"    households           {start_hh:,} at start, {mean_hh:,.0f} alive per step "
          "on average")
    print(f"    household-steps/s    {sm_rate:,.0f} (start households)   "
          f"{mean_hh * STEPS / sm_time:,.0f} (average alive)")

    mem = memory_run(trace=False)
    base_mb, peak_mb = mem["baseline_kib"] / 1024, mem["peak_kib"] / 1024
    print("    memory of one run (seed 1) in a fresh process, peak RSS (VmHWM):")
    print(f"      after imports      {base_mb:7.1f} MB   (baseline: peak RSS before building)")
    print(f"      peak RSS at end    {peak_mb:7.1f} MB   (peak minus baseline "
          f"{peak_mb - base_mb:.1f} MB)")
    print(f"      that run took      {mem['seconds']:7.2f} s    (first run in a fresh process)")
    if not args.skip_tracemalloc:
        traced = memory_run(trace=True)
        print(f"      tracemalloc peak   {traced['traced_peak_bytes'] / 2**20:7.1f} MB   "
              "(Python + numpy allocations during build + run; separate, untimed run)")
    print()

    # 2. Mesa's Schelling example at about 40,000 agents.
    sch_rate = None
    if not args.skip_schelling:
        print(f"[2] Mesa Schelling example, {SCHELLING_SIDE}x{SCHELLING_SIDE} grid, density 0.8, "
              f"{STEPS} steps, seeds 1..{args.schelling_repeats}")
        sch_runs = []
        for seed in range(1, args.schelling_repeats + 1):
            sch_runs.append(time_schelling(seed))
            seconds, cpu, agents, steps = sch_runs[-1]
            print(f"      seed {seed}: {seconds:.2f} s  (CPU {cpu:.2f} s), {agents:,} agents, "
                  f"{steps} steps run")
        sch_times = [r[0] for r in sch_runs]
        sch_agents = statistics.mean(r[2] for r in sch_runs)
        sch_rate = sch_agents * STEPS / statistics.median(sch_times)
        print(f"    wall time            {spread(sch_times)}")
        print(f"    CPU time             {spread([r[1] for r in sch_runs])}")
        print(f"    agent-steps/s        {sch_rate:,.0f}  ({sch_agents:,.0f} agents on average)")
        print()

    # 1b. The Household handles (paid only by users who read model.agents).
    print(f"[1b] Household agent handles (Mesa's public Agent.__init__ / Agent.remove), "
          f"seeds 1..{args.repeats}")
    handles = [time_handles(seed) for seed in range(1, args.repeats + 1)]
    print(f"    first read of model.agents   {spread([h[0] for h in handles])}   "
          f"({handles[0][1]:,} handles made)")
    print(f"    read after one more year     {spread([h[2] for h in handles])}   "
          f"({handles[0][3]:,} agents)")
    print(f"    read again, nothing changed  {spread([h[4] for h in handles])}")
    print()

    # 3. Targets.
    print("[3] targets from the issue")
    print(f"    full run median      {sm_time:8.2f} s    target <= {TARGET_SECONDS} s   "
          f"{verdict(sm_time <= TARGET_SECONDS)}")
    print(f"    peak RSS             {peak_mb:8.1f} MB   target <= {TARGET_MB} MB  "
          f"{verdict(peak_mb <= TARGET_MB)}")
    if sch_rate is None:
        print("    throughput ratio          n/a    (Schelling skipped)")
    else:
        ratio = sm_rate / sch_rate
        print(f"    throughput ratio     {ratio:8.1f} x    target >= {TARGET_RATIO} x     "
              f"{verdict(ratio >= TARGET_RATIO)}")
        print("      (sorteermachine household-steps/s with start households over "
              "Schelling agent-steps/s)")
    print()
    print("Targets use wall time. Timings on a shared machine vary by 20-30% between runs (more")
    print("when other jobs run: then CPU time stays closer to wall time of an idle machine);")
    print("take the median and rerun if close to a target.")


if __name__ == "__main__":
    main()
