"""Global sensitivity analysis (SALib): which parameters move the outcomes, and how much.

    sorteermachine sensitivity SPEC --method morris|sobol --out DIR

The problem is built from the register: the spec's `[sensitivity] parameters` are register
entries, each with the register's range (or a narrower one given in the spec). SALib draws
the design (Morris trajectories, or Saltelli's sample for Sobol' indices); each design point
is run `replications` times for every scenario and policy of the spec, through the batch
runner, so a sensitivity run is stored, resumable and reproducible like any batch. The
outputs, averaged over replications, are then analysed per scenario and policy:

  dissimilarity_2050     D (low against high incomes, over the wijken) in the last year
  theil_h_2050           Theil's H over the five income classes in the last year
  net_out_middle_high    net out-migration of the middle and high classes over the years
                         (households leaving minus arriving)
  out_middle_high        households of the middle and high classes that left the city
  wijken_in_band_2050    wijken in the vision's 21-51% corporation band in the last year
  displaced              households that had to move over the years (when the model
                         records it: the `displaced` column of city.csv)

DIR holds the batch tables, `indices.csv` (one row per scenario, policy, output and
parameter) and `sensitivity.html` (the indices as charts, with the most influential
parameters named per output).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from experiments.spec import BatchSpec, SpecError, scale_point
from model.register import REGISTER

MIDDLE_HIGH = ("middle", "high_afford", "high")


def _last(city: pd.DataFrame, column: str) -> float:
    return float(city[column].iloc[-1])


def _over_years(city: pd.DataFrame, columns) -> float:
    later = city.iloc[1:]  # the start year has no flows
    return float(sum(later[c].sum() for c in columns))


OUTPUTS = {
    "dissimilarity_2050": ("D in the last year", lambda c: _last(c, "dissimilarity"),
                           ("dissimilarity",)),
    "theil_h_2050": ("Theil's H in the last year", lambda c: _last(c, "theil_h"),
                     ("theil_h",)),
    "net_out_middle_high": (
        "net out-migration, middle and high incomes",
        lambda c: _over_years(c, [f"out_{k}" for k in MIDDLE_HIGH])
        - _over_years(c, [f"in_{k}" for k in MIDDLE_HIGH]),
        tuple(f"{d}_{k}" for d in ("out", "in") for k in MIDDLE_HIGH)),
    "out_middle_high": ("middle and high incomes leaving",
                        lambda c: _over_years(c, [f"out_{k}" for k in MIDDLE_HIGH]),
                        tuple(f"out_{k}" for k in MIDDLE_HIGH)),
    "wijken_in_band_2050": ("wijken in the corporation band in the last year",
                            lambda c: _last(c, "wijken_in_band"), ("wijken_in_band",)),
    "displaced": ("households that had to move", lambda c: _over_years(c, ["displaced"]),
                  ("displaced",)),
}
OVER_YEARS = ("net_out_middle_high", "out_middle_high", "displaced")  # need every year kept
DEFAULT_OUTPUTS = ("dissimilarity_2050", "net_out_middle_high", "wijken_in_band_2050",
                   "displaced")
METHODS = ("morris", "sobol")


def problem_of(spec: BatchSpec) -> dict:
    """The SALib problem: names and bounds from the spec's [sensitivity] table, which took
    them from the register."""
    if not spec.sensitivity:
        raise SpecError(f"{spec.path or spec.name}: no [sensitivity] table; add one with "
                        "parameters = [...] (see experiments/specs/morris.toml)")
    ranges = spec.sensitivity["ranges"]
    return {"num_vars": len(ranges), "names": list(ranges),
            "bounds": [list(b) for b in ranges.values()]}


def outputs_of(spec: BatchSpec) -> list[str]:
    wanted = spec.sensitivity.get("outputs") or list(DEFAULT_OUTPUTS)
    if not isinstance(wanted, list) or not all(isinstance(w, str) for w in wanted):
        raise SpecError(f"{spec.path or spec.name} [sensitivity]: 'outputs' must be a list of "
                        f"names from {', '.join(OUTPUTS)}")
    unknown = [w for w in wanted if w not in OUTPUTS]
    if unknown:
        raise SpecError(f"{spec.path or spec.name} [sensitivity]: unknown output(s) "
                        f"{unknown}; allowed: {', '.join(OUTPUTS)}")
    summed = [w for w in wanted if w in OVER_YEARS]
    if summed and spec.years is not None:
        raise SpecError(
            f"{spec.path or spec.name}: output(s) {summed} add up flows over every year, but "
            f"[batch] years keeps only {', '.join(map(str, spec.years))}; set years = \"all\" "
            "(or leave those outputs out)")
    return wanted


def design(spec: BatchSpec, method: str) -> tuple[dict, np.ndarray, list[dict]]:
    """The problem, SALib's sample (unit values mapped to the ranges) and the design points
    as parameter dicts (whole-number parameters rounded)."""
    if method not in METHODS:
        raise SpecError(f"--method {method!r}: allowed: {', '.join(METHODS)}")
    problem = problem_of(spec)
    s = spec.sensitivity
    if method == "morris":
        from SALib.sample import morris

        x = morris.sample(problem, N=s["trajectories"], num_levels=s["levels"], seed=s["seed"])
    else:
        from SALib.sample import sobol

        if s["samples"] & (s["samples"] - 1):
            raise SpecError(f"{spec.path or spec.name} [sensitivity]: 'samples' = "
                            f"{s['samples']}; Sobol' sampling needs a power of 2 (32, 64, ...)")
        x = sobol.sample(problem, N=s["samples"], calc_second_order=s["second_order"],
                         seed=s["seed"])
    ranges = spec.sensitivity["ranges"]
    bounds = np.array(problem["bounds"], dtype=float)
    unit = (x - bounds[:, 0]) / (bounds[:, 1] - bounds[:, 0])
    points = [scale_point(ranges, row) for row in unit]
    return problem, x, points


def outputs_per_run(city: pd.DataFrame, outputs: list[str]) -> pd.DataFrame:
    """One row per run with each output (NaN where the run's table lacks a column)."""
    rows = []
    for run, frame in city.groupby("run", sort=True):
        frame = frame.sort_values("year")
        row = {"run": run}
        for name in outputs:
            _, fn, needs = OUTPUTS[name]
            row[name] = fn(frame) if all(c in frame.columns for c in needs) else np.nan
        rows.append(row)
    return pd.DataFrame(rows)


def analyse(problem: dict, x: np.ndarray, runs: pd.DataFrame, city: pd.DataFrame,
            method: str, spec: BatchSpec, outputs: list[str]) -> pd.DataFrame:
    """The indices per scenario, policy, output and parameter (see the module docstring)."""
    per_run = outputs_per_run(city, outputs).merge(
        runs[["run", "scenario", "policy", "point"]], on="run")
    rows = []
    for (scenario, policy), group in per_run.groupby(["scenario", "policy"], sort=False):
        means = group.groupby("point").mean(numeric_only=True).reindex(range(len(x)))
        for name in outputs:
            y = means[name].to_numpy(float)
            if not np.isfinite(y).all():
                continue  # the output is not recorded by this model version, or runs failed
            indices = _indices(problem, x, y, method, spec)
            for i, param in enumerate(problem["names"]):
                rows.append({"scenario": scenario, "policy": policy, "output": name,
                             "parameter": param, "label": REGISTER[param].label("en"),
                             "lever": REGISTER[param].lever,
                             **{k: float(v[i]) for k, v in indices.items()}})
    return pd.DataFrame(rows)


def _indices(problem, x, y, method, spec) -> dict:
    if np.ptp(y) == 0:  # the output does not move at all: every index is zero
        keys = (("mu", "mu_star", "sigma", "mu_star_conf") if method == "morris"
                else ("S1", "S1_conf", "ST", "ST_conf"))
        return {k: np.zeros(problem["num_vars"]) for k in keys}
    if method == "morris":
        from SALib.analyze import morris

        r = morris.analyze(problem, x, y, num_levels=spec.sensitivity["levels"],
                           seed=spec.sensitivity["seed"])
        return {k: np.asarray(r[k], dtype=float) for k in ("mu", "mu_star", "sigma",
                                                           "mu_star_conf")}
    from SALib.analyze import sobol

    r = sobol.analyze(problem, y, calc_second_order=spec.sensitivity["second_order"],
                      seed=spec.sensitivity["seed"])
    return {k: np.asarray(r[k], dtype=float) for k in ("S1", "S1_conf", "ST", "ST_conf")}


def ranking(indices: pd.DataFrame, method: str) -> pd.DataFrame:
    """Parameters per scenario, policy and output, most influential first (Morris: mu*,
    Sobol': total-order index ST)."""
    key = "mu_star" if method == "morris" else "ST"
    return indices.sort_values(["scenario", "policy", "output", key],
                               ascending=[True, True, True, False], kind="stable")


def summary_lines(indices: pd.DataFrame, method: str, top: int = 3) -> list[str]:
    """'base / no-policy, D in the last year: most influential X (mu* 0.012), Y, Z'."""
    key = "mu_star" if method == "morris" else "ST"
    symbol = "mu*" if method == "morris" else "ST"
    lines = []
    for (scenario, policy, output), g in ranking(indices, method).groupby(
            ["scenario", "policy", "output"], sort=False):
        best = g.head(top)
        names = ", ".join(f"{p} ({symbol} {v:.3g})" for p, v in zip(best["parameter"],
                                                                    best[key], strict=True))
        lines.append(f"{scenario} / {policy}, {OUTPUTS[output][0]}: most influential "
                     f"{names}")
    return lines
