"""Benchmark: sorteermachine against Mesa's Schelling example, in pairs.

    .venv/bin/python benchmarks/bench_vs_schelling.py [--pairs 5] [--scenario base]

On a shared machine whose speed drifts by 30-50% within minutes, medians of separate series
(as `bench_run.py` takes them) can compare a fast minute with a slow one. Here each pair
runs, one after the other in one process, full-scale `no-policy` and `woonfundament` runs
(same seed) around Mesa's Schelling example at about 40,000 agents, in the order no-policy,
woonfundament, Schelling, woonfundament, no-policy (so a drift in the machine's speed weighs
on both policies alike), and the ratios are taken within the pair, on CPU time (the faster
of a policy's two runs: a shared machine only ever adds time to a run). Both policies are
warmed up first (imports, city data, the compiled loops each one uses). It prints every
pair, the medians of: household-steps/s over Schelling's agent-steps/s for both packages,
and woonfundament over no-policy, and the highest woonfundament / no-policy of any pair.
Figures, not a test.
"""

# ruff: noqa: E402  (the thread pins must come before numpy is imported)
import os

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS",
             "NUMEXPR_NUM_THREADS", "VECLIB_MAXIMUM_THREADS"):
    os.environ[_var] = "1"

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from bench_run import STEPS, header, time_schelling  # noqa: E402  (the sibling benchmark)

from model import SortingModel  # noqa: E402


def cpu_run(scenario: str, policy: str, seed: int) -> tuple[float, int]:
    """CPU seconds of build + 26 years, and the start households."""
    c0 = time.process_time()
    model = SortingModel(rng=seed, scenario_name=scenario, policy_name=policy)
    model.run_until_year(2050)
    return time.process_time() - c0, model.start_households


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=5)
    parser.add_argument("--scenario", default="base")
    args = parser.parse_args()
    header("sorteermachine against Mesa's Schelling, in pairs (CPU time)")
    for policy in ("no-policy", "woonfundament"):  # warm-up: imports, city data, caches
        cpu_run(args.scenario, policy, 99)
    ratios = []
    for seed in range(1, args.pairs + 1):
        plain, households = cpu_run(args.scenario, "no-policy", seed)
        vision, _ = cpu_run(args.scenario, "woonfundament", seed)
        _, schelling, agents, _ = time_schelling(seed)
        vision = min(vision, cpu_run(args.scenario, "woonfundament", seed)[0])
        plain = min(plain, cpu_run(args.scenario, "no-policy", seed)[0])
        yardstick = agents * STEPS / schelling
        pair = (households * STEPS / plain / yardstick, households * STEPS / vision / yardstick,
                vision / plain)
        ratios.append(pair)
        print(f"pair {seed}: no-policy {plain:.2f} s, woonfundament {vision:.2f} s (faster of 2), "
              f"Schelling "
              f"{schelling:.2f} s ({agents:,} agents): no-policy {pair[0]:.1f}x, "
              f"woonfundament {pair[1]:.1f}x Schelling; woonfundament / no-policy "
              f"{pair[2]:.2f}", flush=True)
    medians = [statistics.median(column) for column in zip(*ratios, strict=True)]
    print(f"median over {args.pairs} pairs (CPU time): no-policy {medians[0]:.1f}x and "
          f"woonfundament {medians[1]:.1f}x Schelling's agent-steps/s; woonfundament / "
          f"no-policy {medians[2]:.2f} (highest pair {max(r[2] for r in ratios):.2f})")
    print(f"load average at end: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
