"""Time writing the run report (report.html), which every `sorteermachine run` does.

    .venv/bin/python benchmarks/bench_report.py [--repeats 5] [--scale 1.0]

Simulates one run (seed 1, 2024-2050), then times `build_report` in a fresh process twice: with
an empty chart cache (the first report of a process pays for starting vl-convert's renderer and
its Vega-Lite compiler) and again with the compiled charts the first one kept (as a later
`run` does); then `--repeats` more times in this process (warm). Prints seconds: the fresh
ones, and the median, min and max of the warm ones, and the page's size. Figures, not a test.
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

COLD = """
import sys, time
t = time.perf_counter()
from experiments.results import RunResults
from viz.report import build_report
results = RunResults.load(sys.argv[1]); results.geography
t0 = time.perf_counter(); build_report(results); t1 = time.perf_counter()
print(f"{t0 - t:.3f} {t1 - t0:.3f}")
"""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--scale", type=float, default=1.0)
    args = ap.parse_args()
    from experiments.results import RunResults
    from experiments.single import resolve, run
    from viz.charts import CACHE_ENV
    from viz.report import build_report

    params = resolve(overrides={"scale": args.scale}).params
    results = RunResults.from_model(run(params, 1), "base", 1)
    fresh = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = results.save(Path(tmp) / "r")
        env = {**os.environ, CACHE_ENV: str(Path(tmp) / "cache")}
        for _ in range(2):
            out = subprocess.run([sys.executable, "-c", COLD, str(folder)], capture_output=True,
                                 text=True, check=True, env=env).stdout.split()
            fresh.append((float(out[0]), float(out[1])))
    warm = []
    for _ in range(args.repeats):
        t = time.perf_counter()
        html = build_report(results)
        warm.append(time.perf_counter() - t)
    print(f"report of a {results.years[0]}-{results.years[-1]} run at scale {args.scale:g}:")
    for (imports, first), how in zip(fresh, ("empty chart cache", "charts kept"), strict=True):
        print(f"  fresh process, {how}: imports {imports:.2f} s, first report {first:.2f} s")
    print(f"  warm ({args.repeats}x): median {statistics.median(warm):.2f} s, min "
          f"{min(warm):.2f}, max {max(warm):.2f}; page {len(html.encode()) / 1024:.0f} KiB")


if __name__ == "__main__":
    main()
