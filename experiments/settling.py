"""How the start state settles in: vacancy at the start against CBS, and how much the first
years move, against what really moved.

    python -m experiments.settling [--seeds 5] [--scenario base] [--set NAME=NUMBER ...]
                                   [--write docs/ODD.md]

Prints a markdown table (docs/ODD.md quotes it): the start vacancy city-wide and its
Spearman correlation with KWB 2019 "percentage onbewoond" per wijk, the buurten that start
without any vacancy, the moving rate in 2025 and 2030, and the largest and mean absolute
3-year change in households per wijk (2024-2027) against the real one of 2016-2019 (KWB,
from the city's history table). Wijken of fewer than 100 dwellings are left out of the
per-wijk figures (a few households there are a large share).
"""

import argparse
from pathlib import Path

import numpy as np
import pandas as pd

from experiments.docsections import replace_section
from model import SortingModel, metrics
from model import history as hist
from model.city import load_city

MIN_DWELLINGS = 100
SPAN = 3



def largest_change(before: pd.Series, after: pd.Series) -> tuple[str, float, float]:
    """The wijk with the largest absolute relative change, the size of that change, and the
    mean absolute relative change."""
    change = (after / before - 1).abs()
    code = change.idxmax()
    return code, float(change[code]), float(change.mean())


def measure(model: SortingModel) -> dict:
    city = model.city
    w = model.wijk_frame()
    start, after = model.params.start_year, model.params.start_year + SPAN
    w0 = w[w["year"] == start].set_index("wijk_code")
    w3 = w[w["year"] == after].set_index("wijk_code")
    big = w0["dwellings"] >= MIN_DWELLINGS
    ref = pd.to_numeric(city.wijken.set_index("wijk_code")["pct_unoccupied_2019"])
    b0 = model.buurt_frame().query("year == @start")
    c = model.city_frame().set_index("year")
    code, change, mean_abs = largest_change(w0["households"][big], w3["households"][big])
    return {
        "vacancy": c.loc[start, "vacant_dwellings"] / c.loc[start, "dwellings"],
        "spearman": metrics.spearman((w0["vacant_dwellings"] / w0["dwellings"])[big], ref[big]),
        "no_vacancy": int(((b0["vacant_dwellings"] == 0) & (b0["dwellings"] > 0)).sum()),
        "rate_2025": c.loc[start + 1, "moving_rate"],
        "rate_2030": c.loc[start + 6, "moving_rate"],
        "largest_code": code,
        "largest": change,
        "mean_abs": mean_abs,
    }


def observed(city) -> dict:
    """The real figures: KWB 2019 vacancy and the 2016-2019 wijk household change."""
    kwb = city.buurten
    pct = pd.to_numeric(kwb["pct_unoccupied_2019"])
    w16 = hist.area_rows(city, 2016, "wijk")
    w19 = hist.area_rows(city, 2016 + SPAN, "wijk")
    big = w16["dwellings"] >= MIN_DWELLINGS
    code, change, mean_abs = largest_change(w16["households"][big], w19["households"][big])
    b19 = hist.area_rows(city, 2019, "buurt")
    return {
        "vacancy": (kwb["dwellings"] * pct).sum()
        / kwb["dwellings"].sum() / 100,
        "no_vacancy": int(((b19["pct_unoccupied"] == 0)
                           & ~b19["imputed"].str.contains("pct_unoccupied")).sum()),
        "largest_code": code, "largest": change, "mean_abs": mean_abs,
    }


def table(results: list[dict], real: dict, names: dict, seeds: int) -> str:
    def stat(key, fmt):
        v = np.array([r[key] for r in results], dtype=float)
        text = format(v.mean(), fmt)
        return text if v.min() == v.max() else (
            f"{text} ({format(v.min(), fmt)} to {format(v.max(), fmt)})")

    codes = sorted({r["largest_code"] for r in results})
    where = ", ".join(names[c] for c in codes)
    rows = [
        ("start vacancy, city", stat("vacancy", ".2%"),
         f"{real['vacancy']:.2%} (KWB 2019 per buurt, applied to the 2024 stock)"),
        ("Spearman of wijk vacancy with KWB 2019", stat("spearman", ".2f"), "target >= 0.6"),
        ("buurten starting without vacancy", stat("no_vacancy", ".0f"),
         f"{real['no_vacancy']} with 0% in KWB 2019"),
        ("moving rate 2025", stat("rate_2025", ".2%"), "target 7-13% (1.3); CBS/WoON: 7-8%"),
        ("moving rate 2030", stat("rate_2030", ".2%"), "target 7-13% (1.3); CBS/WoON: 7-8%"),
        (f"largest {SPAN}-year wijk household change (absolute)",
         f"{stat('largest', '.1%')} ({where})",
         f"{real['largest']:.1%} ({names[real['largest_code']]}), 2016-2019"),
        (f"mean absolute {SPAN}-year wijk household change", stat("mean_abs", ".2%"),
         f"{real['mean_abs']:.2%}, 2016-2019"),
    ]
    out = [f"| figure | model, 2024-{2024 + SPAN} ({seeds} seeds: mean (min to max)) "
           "| CBS |", "|---|---|---|"]
    out += [f"| {a} | {b} | {c} |" for a, b, c in rows]
    return "\n".join(out)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--scenario", default="base")
    parser.add_argument("--set", action="append", default=[], metavar="NAME=NUMBER",
                        help="override a numeric parameter; repeatable")
    parser.add_argument("--write", type=Path,
                        help="put the table between the 'settling' markers of this file")
    args = parser.parse_args(argv)
    overrides = {name: float(value) for name, value in (s.split("=", 1) for s in args.set)}
    city = load_city()
    results = []
    for seed in range(1, args.seeds + 1):
        model = SortingModel(rng=seed, scenario_name=args.scenario, **overrides)
        model.run_until_year(model.params.start_year + 6)
        results.append(measure(model))
    names = dict(zip(city.wijk_codes, city.wijk_names, strict=True))
    text = (f"Settling in, scenario {args.scenario}{''.join(f', {s}' for s in args.set)}, "
            f"wijken of {MIN_DWELLINGS}+ dwellings (`python -m experiments.settling --seeds "
            f"{args.seeds}`)\n\n" + table(results, observed(city), names, args.seeds) + "\n")
    print(text)
    if args.write:
        replace_section(args.write, "settling", text)


if __name__ == "__main__":
    main()
