"""Calibration check: run scenarios over several seeds and compare with the targets.

    python -m experiments.calibration [--seeds 10] [--scenarios base,migration,...]

Prints, per scenario, the mean (min-max) over seeds of the figures the model is calibrated
to: the household change 2024-2050 against the vision's Table 3, the moving rate, the share
of moves that stay in the city, net migration per income class, the income mix of in-movers
against residents, where in-movers land, and the change in segregation without policy.
"""

import argparse

import numpy as np

from model import SortingModel
from model.categories import INCOME_CLASSES, Segment
from model.ledger import EVENT

TABLE_3 = {"base": -3_795, "migration": -220, "economic-workers": 5_775,
           "economic-brightlands": 6_395, "economic-asml": 8_395}


def measure(model: SortingModel) -> dict[str, float]:
    """The calibration figures of one finished run."""
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
    }
    for cls in INCOME_CLASSES:
        out[f"net_migration_{cls}"] = years[f"in_{cls}"].sum() - years[f"out_{cls}"].sum()
    return out


def run(scenarios: list[str], seeds: int) -> None:
    for name in scenarios:
        results = []
        for seed in range(1, seeds + 1):
            model = SortingModel(rng=seed, scenario_name=name)
            model.run_until_year(2050)
            results.append(measure(model))
        print(f"\n{name} ({seeds} seeds)" + (f", Table 3 target {TABLE_3[name]:+,}"
                                           if name in TABLE_3 else ""))
        for key in results[0]:
            values = np.array([r[key] for r in results], dtype=float)
            print(f"  {key:40s} {values.mean():12.4f}   ({values.min():.4f} .. {values.max():.4f})")
        if name in TABLE_3:
            mean = np.mean([r["household_change"] for r in results])
            error = abs(mean - TABLE_3[name]) / abs(TABLE_3[name])
            print(f"  {'household change vs Table 3':40s} {error:12.1%} off "
                  f"({'within' if error <= 0.10 else 'OUTSIDE'} 10%)")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--scenarios", default=",".join(TABLE_3))
    args = parser.parse_args(argv)
    run(args.scenarios.split(","), args.seeds)


if __name__ == "__main__":
    main()
