"""Prices that respond: the figures docs/ODD.md quotes for model/phases/prices.py.

    python -m experiments.prices [--seeds 10] [--scale 1.0] [--write docs/ODD.md]

Runs every built-in scenario for seeds 1..N to 2050 and prints three markdown tables:

1. the real-estate value per scenario: the stock's total WOZ value in 2024 and 2050 (2024
   euros), its change, the change of the dwellings that stood in 2024 alone (what prices did,
   without construction), and the vision's Table 2 pillar 1 figure for that kind of
   scenario (real-estate benefit 2024-2050): base lags the growth scenarios;
2. under `base`, per wijk of 100+ dwellings: the rise of its vacancy rate 2024-2050 and the
   change of its mean real WOZ value, wijken sorted by vacancy rise, with the quarter whose
   vacancy rises most marked, and the Spearman correlation of the two over all wijken;
3. the change of segregation 2024-2050 under base and economic-asml with moving prices and
   with static ones (every price effect 0): what prices do to the sorting.

Means over the seeds; ranges (min..max over seeds) where quoted. `--write FILE` replaces the
block between `<!-- prices:start -->` and `<!-- prices:end -->` in FILE with the tables, so
the document's figures are always this script's output.
"""

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd

from experiments.docsections import replace_section
from model import SortingModel, metrics
from model.scenarios import builtin_names

MIN_DWELLINGS = 100
# Vision Table 2, pillar 1 (real estate), billion euro 2024-2050, for the scenario of the
# vision each built-in scenario stands for (scenario 2 = economic growth with intervention).
PILLAR_1 = {"base": 13.44, "migration": 19.78, "economic-workers": 27.99,
            "economic-brightlands": 27.99, "economic-asml": 27.99}
SCENARIO_ORDER = ("base", "migration", "economic-workers", "economic-brightlands",
                  "economic-asml")


# Prices that never move: every effect off (the model before prices responded).
STATIC = {"price_vacancy_effect": 0.0, "price_status_effect": 0.0,
          "price_liveability_effect": 0.0, "price_pressure_effect": 0.0}
SORTING_SCENARIOS = ("base", "economic-asml")


def run_one(scenario: str, seed: int, scale: float, **overrides) -> SortingModel:
    model = SortingModel(rng=seed, scenario_name=scenario, scale=scale, **overrides)
    model.run_until_year(2050)
    return model


def sorting_table(seeds: int, scale: float, moving: dict[str, list[SortingModel]]) -> str:
    """Change of segregation 2024-2050 with moving prices and with static ones."""
    lines = ["| scenario | prices | change in D, wijken | change in H, wijken | "
             "change in D, buurten |", "|---|---|---|---|---|"]
    for name in SORTING_SCENARIOS:
        for label, runs in (("moving", moving[name]),
                            ("static", [run_one(name, seed, scale, **STATIC).city_frame()
                                        for seed in range(1, seeds + 1)])):
            change = {col: np.mean([r[col].iloc[-1] - r[col].iloc[0] for r in runs])
                      for col in ("dissimilarity", "theil_h", "dissimilarity_buurt")}
            lines.append(f"| `{name}` | {label} | {change['dissimilarity']:+.3f} | "
                         f"{change['theil_h']:+.3f} | {change['dissimilarity_buurt']:+.3f} |")
    return "\n".join(lines)


def value_figures(model: SortingModel) -> dict:
    c = model.city_frame().set_index("year")
    first, last = c.index[0], c.index[-1]
    return {"value_2024": c.at[first, "stock_value"], "value_2050": c.at[last, "stock_value"],
            "existing_2050": c.at[last, "stock_value_existing"],
            "mean_woz_2024": c.at[first, "mean_woz"], "mean_woz_2050": c.at[last, "mean_woz"]}


def wijk_figures(model: SortingModel) -> pd.DataFrame:
    w = model.wijk_frame()
    first, last = w["year"].min(), w["year"].max()
    a = w[w["year"] == first].set_index("wijk_code")
    a1 = w[w["year"] == first + 1].set_index("wijk_code")
    b = w[w["year"] == last].set_index("wijk_code")
    out = pd.DataFrame({
        "wijk_name": a["wijk_name"],
        "dwellings": a["dwellings"],
        "vacancy_2024": a["vacant_dwellings"] / a["dwellings"],
        "vacancy_2025": a1["vacant_dwellings"] / a1["dwellings"],
        "vacancy_2050": b["vacant_dwellings"] / b["dwellings"],
        "woz_change": b["mean_woz"] / a["mean_woz"] - 1,
    })
    out["vacancy_rise"] = out["vacancy_2050"] - out["vacancy_2024"]
    return out


def settling(model: SortingModel) -> tuple[float, float]:
    """Standard deviation over the buurten of the change of their blended vacancy (half
    buurt, half wijk, as the prices phase reads it), 2024 to 2025 and 2025 to 2050."""
    b, w = model.buurt_frame(), model.wijk_frame()
    wijk_rate = (w["vacant_dwellings"] / w["dwellings"]).groupby([w["year"], w["wijk_code"]])
    rate = wijk_rate.first()
    own = b["vacant_dwellings"] / b["dwellings"].clip(lower=1)
    blended = 0.5 * own + 0.5 * rate.reindex(list(zip(b["year"], b["wijk_code"],
                                                     strict=True))).to_numpy()
    by_year = {y: blended[b["year"] == y].to_numpy() for y in (2024, 2025, 2050)}
    return (float(np.std(by_year[2025] - by_year[2024])),
            float(np.std(by_year[2050] - by_year[2025])))



def _bn(euros: float, scale: float) -> str:
    return f"{euros / scale / 1e9:,.2f}"


def _pct(x: float, digits: int = 1) -> str:
    return f"{x * 100:+.{digits}f}%"


def value_table(values: dict[str, list[dict]], scale: float) -> str:
    lines = ["| scenario | stock value 2024 (bn) | 2050 (bn) | change | 2024 stock only, "
             "change | mean WOZ 2024 | mean WOZ 2050 | Table 2 pillar 1 (bn) |",
             "|---|---|---|---|---|---|---|---|"]
    for name, runs in values.items():
        v = pd.DataFrame(runs)
        change = v["value_2050"] / v["value_2024"] - 1
        existing = v["existing_2050"] / v["value_2024"] - 1
        lines.append(
            f"| `{name}` | {_bn(v['value_2024'].mean(), scale)} | "
            f"{_bn(v['value_2050'].mean(), scale)} | {_pct(change.mean())} "
            f"({_pct(change.min())}..{_pct(change.max())}) | {_pct(existing.mean())} | "
            f"{v['mean_woz_2024'].mean():,.0f} | {v['mean_woz_2050'].mean():,.0f} | "
            f"{PILLAR_1.get(name, float('nan')):.2f} |")
    return "\n".join(lines)


def wijk_table(frames: list[pd.DataFrame]) -> tuple[str, dict]:
    mean = pd.concat(frames).groupby(level=0).agg(
        wijk_name=("wijk_name", "first"), dwellings=("dwellings", "first"),
        vacancy_2024=("vacancy_2024", "mean"), vacancy_2025=("vacancy_2025", "mean"),
        vacancy_2050=("vacancy_2050", "mean"),
        vacancy_rise=("vacancy_rise", "mean"), woz_change=("woz_change", "mean"))
    mean = mean[mean["dwellings"] >= MIN_DWELLINGS].sort_values("vacancy_rise",
                                                                 ascending=False)
    top = max(len(mean) // 4, 1)
    lines = ["| wijk | dwellings | vacancy 2024 | 2025 | 2050 | rise 2024-2050 (points) | "
             "mean real WOZ 2024-2050 |", "|---|---|---|---|---|---|---|"]
    for i, (code, r) in enumerate(mean.iterrows()):
        mark = " **(top quarter)**" if i < top else ""
        lines.append(f"| {r.wijk_name} ({code}){mark} | {r.dwellings:,.0f} | "
                     f"{r.vacancy_2024:.1%} | {r.vacancy_2025:.1%} | {r.vacancy_2050:.1%} | "
                     f"{r.vacancy_rise * 100:+.1f} | {_pct(r.woz_change)} |")
    per_seed = [metrics.spearman(f.loc[mean.index, "vacancy_rise"], f.loc[mean.index, "woz_change"])
                for f in frames]
    top_codes = mean.index[:top]
    falls = [int((f.loc[top_codes, "woz_change"] < 0).sum()) for f in frames]
    summary = {"top": top, "top_change": float(mean["woz_change"].iloc[:top].mean()),
               "rest_change": float(mean["woz_change"].iloc[top:].mean()),
               "spearman": float(np.mean(per_seed)), "spearman_min": float(min(per_seed)),
               "spearman_max": float(max(per_seed)),
               "top_falls_min": min(falls), "n_wijken": len(mean)}
    return "\n".join(lines), summary


def report(seeds: int, scale: float) -> str:
    values: dict[str, list[dict]] = {}
    base_wijken: list[pd.DataFrame] = []
    settle: list[tuple[float, float]] = []
    moving: dict[str, list[pd.DataFrame]] = {name: [] for name in SORTING_SCENARIOS}
    names = [n for n in SCENARIO_ORDER if n in builtin_names()]
    for name in names:
        values[name] = []
        for seed in range(1, seeds + 1):
            model = run_one(name, seed, scale)
            values[name].append(value_figures(model))
            if name == "base":
                base_wijken.append(wijk_figures(model))
                settle.append(settling(model))
            if name in moving:
                moving[name].append(model.city_frame())
            print(f"  {name} seed {seed} done", file=sys.stderr)
    table, s = wijk_table(base_wijken)
    base = pd.DataFrame(values["base"])["value_2050"].to_numpy()
    lines = [f"Seeds 1-{seeds}, scale {scale:g}, 2024-2050 (`python -m experiments.prices "
             f"--seeds {seeds}{'' if scale == 1 else f' --scale {scale:g}'}`). Values in "
             "billion 2024 euros for the whole city (divided by the scale).", "",
             "**Real-estate value per scenario.** The last column is the vision's social "
             "cost-benefit figure for real estate (Table 2, pillar 1; the three growth "
             "scenarios stand for its scenario 2). It is a benefit over 2024-2050, not a "
             "stock value, so only the order compares: base lags the growth scenarios.", "",
             value_table(values, scale), ""]
    for name in names:
        if name == "base":
            continue
        other = pd.DataFrame(values[name])["value_2050"].to_numpy()
        lines.append(f"- `{name}` ends above `base` in {int((other > base).sum())} of "
                     f"{seeds} seeds (paired by seed).")
    lines += ["", f"**Under `base`, per wijk** ({s['n_wijken']} wijken of {MIN_DWELLINGS}+ "
              "dwellings, sorted by the rise of their vacancy rate; means over the seeds). "
              f"The mean real WOZ value of the quarter whose vacancy rises most "
              f"({s['top']} wijken) changes by {_pct(s['top_change'])}, that of the other "
              f"wijken by {_pct(s['rest_change'])}; in every seed at least "
              f"{s['top_falls_min']} of these {s['top']} fall. Spearman correlation of "
              f"vacancy rise and WOZ change over the wijken: {s['spearman']:.2f} "
              f"({s['spearman_min']:.2f}..{s['spearman_max']:.2f} over seeds).", "", table, "",
              "**Why vacancy is read from 2025.** Under `base` the blended vacancy per buurt "
              "(half buurt, half wijk) changes by a standard deviation of "
              f"{np.mean([a for a, _ in settle]) * 100:.1f} points from 2024 to 2025, as the "
              "first market settles the statistical start state in, against "
              f"{np.mean([b for _, b in settle]) * 100:.1f} points from 2025 to 2050 "
              "together.", "",
              "**Sorting with moving and with static prices** (all four price effects 0). "
              "Changes 2024-2050, means over the seeds:", "",
              sorting_table(seeds, scale, moving)]
    return "\n".join(lines) + "\n"


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--write", type=Path, help="replace the prices block in this file")
    args = parser.parse_args(argv)
    text = report(args.seeds, args.scale)
    print(text)
    if args.write:
        replace_section(args.write, "prices", text)


if __name__ == "__main__":
    main()
