"""Benchmark: the segregation and band metrics, per call, on the start state's own tables.

    .venv/bin/python benchmarks/bench_metrics.py [--number 100] [--repeat 5]

The indicators phase calls these every simulated year, so each should cost well under a
millisecond. Times (the best of `--repeat` rounds of `--number` calls): D, H and isolation
over the 57 buurten and over the 23 wijken (`segregation_indices`), Moran's I of the wijk
low-income share with the wijk adjacency, and the count of wijken in the corporation band.
Figures, not a test (this used to be a timed test in tests/test_metrics.py).
"""

import argparse
import sys
import timeit
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
from bench_run import header  # noqa: E402  (the sibling benchmark)

from model import SortingModel, metrics  # noqa: E402
from model.phases.census import take, to_wijken  # noqa: E402
from model.phases.indicators import CORPORATION_SEGMENTS  # noqa: E402

BUDGET = 1e-3  # seconds per call


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--number", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    header("sorteermachine metrics benchmark")

    model = SortingModel(rng=1)
    city, census = model.city, take(model)  # the start state's count tables
    buurt_cls = census.households
    wijk_cls = to_wijken(city, buurt_cls).astype(np.int64)
    dwellings_w = to_wijken(city, census.dwellings.sum(axis=1)).astype(np.int64)
    low_share_w = metrics.share(wijk_cls[:, 0], wijk_cls.sum(axis=1))
    weights = metrics.adjacency_matrix(city.wijk_graph, list(city.wijk_codes))
    corp_w = to_wijken(city, census.dwellings[:, CORPORATION_SEGMENTS].sum(axis=1))
    corp_share_w = metrics.share(corp_w, dwellings_w)
    calls = {
        f"segregation_indices, {len(buurt_cls)} buurten": lambda: metrics.segregation_indices(
            buurt_cls),
        f"segregation_indices, {len(wijk_cls)} wijken": lambda: metrics.segregation_indices(
            wijk_cls),
        "morans_i, wijken": lambda: metrics.morans_i(low_share_w, weights),
        "count_in_band, wijken": lambda: metrics.count_in_band(corp_share_w, dwellings_w),
    }
    print()
    for name, call in calls.items():
        best = min(timeit.repeat(call, number=args.number, repeat=args.repeat)) / args.number
        verdict = "PASS" if best < BUDGET else "FAIL"
        print(f"  {name:40s} {best * 1e6:8.1f} us per call   target < 1 ms  {verdict}")


if __name__ == "__main__":
    main()
