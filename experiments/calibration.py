"""Calibration: the model against what happened, and a fit of the parameters that set its pace.

    sorteermachine calibrate [--seeds 5] [--fit] [--write] [--scenarios base,...]

The targets are the city's own: `calibration.toml` in the city data folder lists each figure
the model is held to (e.g. persons moving into Heerlen-Noord from outside the city a year),
the years and wijken it is read over, its value and the range that counts as met, and its
source. `check` runs the model over several seeds and prints every target against the model,
plus the patterns every city is checked for (in-movers poorer than residents, net outflow of
middle and high incomes, the scenario's household path). `--fit` searches the parameters named
in the file's [fit] table, within the register's ranges, for the values whose runs come
closest to the targets marked `fit = true` (same seeds at every step, so the search sees
the parameters' effect, not sampling noise). `--write` puts the tables into docs/ODD.md,
between the `calibration` markers, so a recalibration only reruns this command.
"""

from __future__ import annotations

import argparse
import tomllib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from experiments.docsections import replace_section
from experiments.single import resolve
from model import SortingModel
from model.categories import INCOME_CLASSES, Segment
from model.city import DEFAULT_DATA_DIR
from model.ledger import EVENT
from model.params import ParameterError, Params
from model.register import REGISTER

TABLE_3 = {"base": -3_795, "migration": -220, "economic-workers": 5_775,
           "economic-brightlands": 6_395, "economic-asml": 8_395}
ODD = Path(__file__).resolve().parents[1] / "docs" / "ODD.md"


class CalibrationError(ValueError):
    """A calibration file or request that cannot be used."""


# --- targets --------------------------------------------------------------------------------
@dataclass(frozen=True)
class Target:
    """One figure the model is held to; see the city's calibration.toml."""

    name: str
    figure: str
    label: str
    years: tuple[int, int]
    low: float
    high: float
    source: str
    value: float | None = None
    wijken: tuple[str, ...] = ()
    area: str = ""
    fit: bool = False

    def met(self, values: np.ndarray) -> bool:
        """Whether the model's figure lies in the range: each year for 'every year'
        figures, the mean otherwise."""
        checked = values if FIGURES[self.figure].every_year else [np.mean(values)]
        return bool(all(self.low <= v <= self.high for v in checked))


@dataclass(frozen=True)
class Figure:
    """How to read a figure from a run: per-year values over the target's years."""

    read: callable
    every_year: bool = False  # the range must hold every year (else: for the mean)
    unit: str = "persons"


def _wijk_sum(column: str):
    def read(model, t: Target) -> np.ndarray:
        w = model.wijk_frame()
        w = w[w["year"].between(*t.years)]
        if t.wijken:
            w = w[w["wijk_code"].isin(t.wijken)]
        return w.groupby("year")[column].sum().to_numpy(float) / model.params.scale
    return read


def _city_column(column: str):
    def read(model, t: Target) -> np.ndarray:
        c = model.city_frame()
        return c.loc[c["year"].between(*t.years), column].to_numpy(float)
    return read


FIGURES = {
    "persons_in_from_outside": Figure(_wijk_sum("persons_in_outside")),
    "persons_out_to_outside": Figure(_wijk_sum("persons_out_outside")),
    "households_in_from_outside": Figure(_wijk_sum("in_outside"), unit="households"),
    "households_out_to_outside": Figure(_wijk_sum("out_outside"), unit="households"),
    "moving_rate_every_year": Figure(_city_column("moving_rate"), every_year=True,
                                     unit="share"),
    "moving_rate": Figure(_city_column("moving_rate"), unit="share"),
    "vacancy_rate": Figure(lambda m, t: _city_column("vacant_dwellings")(m, t)
                           / _city_column("dwellings")(m, t), unit="share"),
}
TARGET_FIELDS = {"name", "figure", "label", "years", "value", "range", "source", "wijken",
                 "area", "fit"}


def load_targets(data_dir: str | Path | None = None) -> tuple[list[Target], list[str]]:
    """The targets and the parameters to fit, from the city's calibration.toml."""
    path = Path(data_dir or DEFAULT_DATA_DIR) / "calibration.toml"
    if not path.is_file():
        raise CalibrationError(f"{path}: no calibration file; a city data folder needs "
                               "calibration.toml with [[target]] tables to be calibrated")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise CalibrationError(f"{path}: not valid TOML ({exc})") from None
    targets = []
    for i, raw in enumerate(data.get("target", []), start=1):
        where = f"{path}: target {i} ({raw.get('name', 'unnamed')})"
        unknown = set(raw) - TARGET_FIELDS
        if unknown:
            raise CalibrationError(f"{where}: unknown field(s) {sorted(unknown)}; allowed: "
                                   f"{', '.join(sorted(TARGET_FIELDS))}")
        missing = {"name", "figure", "years", "range", "source"} - set(raw)
        if missing:
            raise CalibrationError(f"{where}: field(s) {sorted(missing)} missing")
        if raw["figure"] not in FIGURES:
            raise CalibrationError(f"{where}: figure '{raw['figure']}' unknown; allowed: "
                                   f"{', '.join(FIGURES)}")
        years, rng = raw["years"], raw["range"]
        if not (len(years) == 2 and years[0] <= years[1] and len(rng) == 2 and rng[0] <= rng[1]):
            raise CalibrationError(f"{where}: 'years' and 'range' must each be [low, high]")
        if raw.get("fit") and raw.get("value") is None:
            raise CalibrationError(f"{where}: a target with fit = true needs a 'value'")
        targets.append(Target(
            name=raw["name"], figure=raw["figure"], label=raw.get("label", raw["name"]),
            years=(int(years[0]), int(years[1])), low=float(rng[0]), high=float(rng[1]),
            source=raw["source"], value=raw.get("value"), wijken=tuple(raw.get("wijken", ())),
            area=raw.get("area", ""), fit=bool(raw.get("fit", False))))
    fit = list(data.get("fit", {}).get("parameters", []))
    for name in fit:
        p = REGISTER.get(name)
        if p is None or p.kind not in (int, float) or p.low is None:
            raise CalibrationError(f"{path}: [fit] parameter '{name}' must be a number in the "
                                   "register with a range ('sorteermachine params' lists them)")
    return targets, fit


# --- running ----------------------------------------------------------------------------------
def run_seeds(params: Params, seeds: list[int], until: int, data_dir=None) -> list:
    """Finished models, one per seed."""
    models = []
    for seed in seeds:
        model = SortingModel(rng=seed, params=params, data_dir=data_dir)
        model.run_until_year(until)
        models.append(model)
    return models


def target_values(models: list, targets: list[Target]) -> dict[str, list[np.ndarray]]:
    """Each target's per-year values in each run."""
    return {t.name: [FIGURES[t.figure].read(m, t) for m in models] for t in targets}


def patterns(model) -> dict[str, float]:
    """The figures of one finished run that every city is checked for: the sorting
    signatures of the vision and how fast the machine turns."""
    c = model.city_frame()
    first, last, years = c.iloc[0], c.iloc[-1], c.iloc[1:]
    a = model.ledger.arrays()
    arrive = a["event"] == EVENT["arrive"]
    start_corp = model.wijk_frame().query("year == @first.year")["corp_share"].to_numpy()
    heavy = start_corp > np.median(start_corp)
    out = {
        "household_change": last["households"] - first["households"],
        "inhabitants_2050": last["inhabitants"],
        "moving_rate": years["moving_rate"].mean(),
        "moving_rate_2025": years["moving_rate"].iloc[0],
        "moves_within_per_departure": years["moves_within"].sum() / years["out_total"].sum(),
        "in_movers_low_pt": years["in_low_pt"].sum() / years["in_total"].sum(),
        "residents_low_pt_2024": first["hh_low_pt"] / first["households"],
        "in_movers_to_cheap_or_social_rent": np.isin(
            a["to_segment"][arrive], (Segment.CORP_SOCIAL, Segment.PRIVATE_CHEAP)).mean(),
        "in_movers_to_corporation_heavy_wijken": heavy[a["to_wijk"][arrive]].mean(),
        "dissimilarity_change": last["dissimilarity"] - first["dissimilarity"],
        "theil_h_change": last["theil_h"] - first["theil_h"],
        "dissimilarity_buurt_change": last["dissimilarity_buurt"] - first["dissimilarity_buurt"],
        "theil_h_buurt_change": last["theil_h_buurt"] - first["theil_h_buurt"],
        "unmet_demand_2050": last["unmet_demand"],
        "built": years["built"].sum(),
        "built_social_2050": _built_social(model),
        "corp_share_2050": last["corp_share"],
    }
    for cls in INCOME_CLASSES:
        out[f"net_migration_{cls}"] = years[f"in_{cls}"].sum() - years[f"out_{cls}"].sum()
    return out


def _built_social(model) -> int:
    """Dwellings built in the run that stand as corporation social rent at its end."""
    d = model.dwellings
    rows = d.rows()
    return int(np.count_nonzero((d.built[rows] > 0) & (d.segment[rows] == Segment.CORP_SOCIAL)))


# --- fitting ----------------------------------------------------------------------------------
def loss(values: dict[str, list[np.ndarray]], targets: list[Target]) -> float:
    """Sum of squared relative errors of the fitted targets' means over seeds."""
    total = 0.0
    for t in targets:
        if t.fit:
            mean = float(np.mean([np.mean(v) for v in values[t.name]]))
            total += ((mean - t.value) / t.value) ** 2
    return total


def fit(base: Params, names: list[str], targets: list[Target], seeds: list[int],
        data_dir=None, iterations: int = 40, log=print) -> dict[str, float]:
    """Parameters within the register's ranges that bring the fitted targets closest.

    Nelder-Mead on the parameters scaled to [0, 1] by their register ranges (a point outside
    is pulled back to the edge), with the same seeds at every evaluation: common random
    numbers, so that differences between evaluations are the parameters' doing."""
    until = max(t.years[1] for t in targets if t.fit)
    lo = np.array([REGISTER[n].low for n in names], float)
    hi = np.array([REGISTER[n].high for n in names], float)
    cache: dict[tuple, float] = {}

    def f(x: np.ndarray) -> float:
        x = np.clip(x, 0.0, 1.0)
        key = tuple(np.round(x, 6))
        if key not in cache:
            values = dict(zip(names, (lo + x * (hi - lo)).tolist(), strict=True))
            models = run_seeds(base.replace(**values), seeds, until, data_dir)
            cache[key] = loss(target_values(models, targets), targets)
            shown = ", ".join(f"{n} = {v:.4g}" for n, v in values.items())
            log(f"  {shown}: loss {cache[key]:.5f}")
        return cache[key]

    start = (np.array([base[n] for n in names], float) - lo) / (hi - lo)
    best = _nelder_mead(f, start, iterations)
    return dict(zip(names, (lo + np.clip(best, 0, 1) * (hi - lo)).tolist(), strict=True))


def _nelder_mead(f, x0: np.ndarray, iterations: int, step: float = 0.1) -> np.ndarray:
    """A plain Nelder-Mead minimiser (no dependencies); stops after `iterations` steps or
    when the simplex has shrunk below 0.2% of the range."""
    n = x0.size
    simplex = [x0] + [x0 + step * np.eye(n)[i] for i in range(n)]
    values = [f(x) for x in simplex]
    for _ in range(iterations):
        order = np.argsort(values)
        simplex, values = [simplex[i] for i in order], [values[i] for i in order]
        if np.max(np.abs(np.array(simplex[1:]) - simplex[0])) < 2e-3:
            break
        centre = np.mean(simplex[:-1], axis=0)
        reflected = centre + (centre - simplex[-1])
        fr = f(reflected)
        if fr < values[0]:
            expanded = centre + 2 * (centre - simplex[-1])
            fe = f(expanded)
            simplex[-1], values[-1] = (expanded, fe) if fe < fr else (reflected, fr)
        elif fr < values[-2]:
            simplex[-1], values[-1] = reflected, fr
        else:
            contracted = centre + 0.5 * (simplex[-1] - centre)
            fc = f(contracted)
            if fc < values[-1]:
                simplex[-1], values[-1] = contracted, fc
            else:  # shrink toward the best point
                simplex = [simplex[0]] + [simplex[0] + 0.5 * (x - simplex[0])
                                          for x in simplex[1:]]
                values = [values[0]] + [f(x) for x in simplex[1:]]
    return simplex[int(np.argmin(values))]


# --- tables -----------------------------------------------------------------------------------
def _show(value: float, unit: str) -> str:
    return f"{value:.1%}" if unit == "share" else f"{value:,.0f}"


def targets_table(targets: list[Target], values: dict[str, list[np.ndarray]]) -> str:
    """Markdown: each target, its source, range, and the model's figure over the seeds."""
    lines = ["| target | years | value | counts as met | model: mean over seeds (range) | met |"
             " source |", "|---|---|---|---|---|---|---|"]
    for t in targets:
        unit = FIGURES[t.figure].unit
        runs = values[t.name]
        if FIGURES[t.figure].every_year:
            lows, highs = [np.min(v) for v in runs], [np.max(v) for v in runs]
            model = f"every year {_show(min(lows), unit)} to {_show(max(highs), unit)}"
        else:
            means = [np.mean(v) for v in runs]
            model = (f"{_show(np.mean(means), unit)} ({_show(min(means), unit)}.."
                     f"{_show(max(means), unit)})")
        value = _show(t.value, unit) if t.value is not None else ""
        met = all(t.met(v) for v in runs)
        lines.append(f"| {t.label} | {t.years[0]}-{t.years[1]} | {value} | "
                     f"{_show(t.low, unit)} to {_show(t.high, unit)} | {model} | "
                     f"{'yes' if met else '**no**'} | {t.source} |")
    return "\n".join(lines) + "\n"


PATTERN_ROWS = (  # (key, label, format)
    ("household_change", "household change 2024-2050", "{:+,.0f}"),
    ("inhabitants_2050", "inhabitants 2050", "{:,.0f}"),
    ("moving_rate", "moving rate, mean of 2025-2050", "{:.2%}"),
    ("moving_rate_2025", "moving rate 2025", "{:.2%}"),
    ("moves_within_per_departure", "moves within the city per departure", "{:.2f}"),
    ("in_movers_low_pt", "in-movers low_pt", "{:.1%}"),
    ("residents_low_pt_2024", "residents low_pt 2024", "{:.1%}"),
    ("in_movers_to_cheap_or_social_rent", "in-movers to social or cheap private rent",
     "{:.1%}"),
    ("in_movers_to_corporation_heavy_wijken", "in-movers to corporation-heavy wijken",
     "{:.1%}"),
    ("dissimilarity_change", "change in D, wijken", "{:+.3f}"),
    ("theil_h_change", "change in H, wijken", "{:+.3f}"),
    ("dissimilarity_buurt_change", "change in D, buurten", "{:+.3f}"),
    ("theil_h_buurt_change", "change in H, buurten", "{:+.3f}"),
    ("unmet_demand_2050", "unmet demand 2050", "{:,.0f}"),
    ("built", "dwellings built, 2025-2050 (construction to demand)", "{:,.0f}"),
    ("built_social_2050", "... of them corporation social rent, 2050", "{:,.0f}"),
    ("corp_share_2050", "corporation share of the dwellings, 2050", "{:.1%}"),
    *((f"net_migration_{c}", f"net migration {c}, 2025-2050", "{:+,.0f}")
      for c in INCOME_CLASSES),
)


def patterns_table(by_scenario: dict[str, list[dict]]) -> str:
    """Markdown: the patterns per scenario, mean over seeds (range where it varies)."""
    names = list(by_scenario)
    lines = ["| figure | " + " | ".join(names) + " |", "|---|" + "---|" * len(names)]
    lines.append("| Table 3 target | " + " | ".join(
        f"{TABLE_3[n]:+,}" if n in TABLE_3 else "" for n in names) + " |")
    for key, label, fmt in PATTERN_ROWS:
        cells = []
        for n in names:
            v = np.array([r[key] for r in by_scenario[n]], float)
            cell = fmt.format(v.mean())
            if len(v) > 1 and fmt.format(v.min()) != fmt.format(v.max()):
                cell += f" ({fmt.format(v.min())}..{fmt.format(v.max())})"
            cells.append(cell)
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def signatures_hold(runs: list[dict]) -> dict[str, bool]:
    """The vision's sorting signatures in a no-policy run without growth (base)."""
    return {
        "in-movers poorer than residents (low_pt share)": all(
            r["in_movers_low_pt"] > r["residents_low_pt_2024"] for r in runs),
        "net outflow of middle and high incomes": all(
            r[f"net_migration_{c}"] < 0 for r in runs
            for c in ("middle", "high_afford", "high")),
    }


# --- command ----------------------------------------------------------------------------------
def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="sorteermachine calibrate",
                                     description=__doc__.split("\n\n")[0])
    add_arguments(parser)
    return calibrate(parser.parse_args(argv))


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--seeds", type=int, default=5, help="seeds per scenario (default 5)")
    parser.add_argument("--scenarios", default="base",
                        help="comma-separated scenarios for the patterns table (default base; "
                             "'all' for the five of Table 3)")
    parser.add_argument("--fit", action="store_true",
                        help="fit the [fit] parameters of calibration.toml first")
    parser.add_argument("--write", action="store_true",
                        help="write the tables into docs/ODD.md (calibration section)")
    parser.add_argument("--data-dir", default=None, help="city data folder (default: Heerlen)")


def calibrate(args) -> int:
    if args.seeds < 1:
        raise CalibrationError(f"--seeds {args.seeds}: give at least 1")
    scenarios = list(TABLE_3) if args.scenarios == "all" else args.scenarios.split(",")
    setups = {name: resolve(name) for name in scenarios}  # unknown names fail here, early
    targets, fit_names = load_targets(args.data_dir)
    seeds = list(range(1, args.seeds + 1))
    base = setups[scenarios[0]].params
    if args.fit:
        print(f"fitting {', '.join(fit_names)} to "
              f"{', '.join(t.name for t in targets if t.fit)} ({len(seeds)} seeds)")
        fitted = fit(base, fit_names, targets, seeds, args.data_dir)
        print("fitted: " + ", ".join(f"{n} = {v:.4g}" for n, v in fitted.items())
              + "\n(set these as the register's defaults in model/register.py to keep them)")
        setups = {n: s.__class__(s.scenario, s.policy, s.params.replace(**fitted))
                  for n, s in setups.items()}
    by_scenario, values = {}, {}
    for name, setup in setups.items():
        models = run_seeds(setup.params, seeds, 2050, args.data_dir)
        by_scenario[name] = [patterns(m) for m in models]
        if name == scenarios[0]:
            values = target_values(models, targets)
    text = (f"Targets ({scenarios[0]}, seeds 1-{args.seeds}):\n\n"
            + targets_table(targets, values)
            + f"\nPatterns (seeds 1-{args.seeds}):\n\n" + patterns_table(by_scenario))
    if "base" in by_scenario:
        text += "\nSorting signatures in base: " + "; ".join(
            f"{k}: {'yes' if v else '**no**'}"
            for k, v in signatures_hold(by_scenario["base"]).items()) + ".\n"
    print(text)
    if args.write:
        command = (f"sorteermachine calibrate --seeds {args.seeds} --scenarios "
                   f"{args.scenarios} --write")
        replace_section(ODD, "calibration", f"Made by `{command}`.\n\n{text}")
        print(f"written to {ODD}")
    return 0


if __name__ == "__main__":
    try:
        raise SystemExit(main())
    except (CalibrationError, ParameterError) as exc:
        raise SystemExit(f"calibrate: error: {exc}") from None

