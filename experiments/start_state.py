"""The 2024 start state against the statistics it is built from: the table of ODD 1.2.

    python -m experiments.start_state [--seeds 3] [--write docs/ODD.md]

Builds the start state for seeds 1..n (no year is simulated) and measures each pattern the
way `tests/test_start_state.py` tests it; the last column of the table is the range over the
seeds. With `--write` the table goes between the 'start_state' markers of that file
(`experiments/docsections.py`).
"""

import argparse
from pathlib import Path

import numpy as np

from experiments.docsections import replace_section
from model import SortingModel, metrics
from model.categories import INCOME_CLASSES, Owner
from model.categories import Segment as S

BIG = 100  # wijken and buurten of at least this many dwellings (households) are compared
KWB_INHABITANTS = 87_461  # KWB 2024



def measure(model) -> dict:
    """One start state's figures, as the tests compute them."""
    city, row = model.city, model.city_rows[0]
    w = model.wijk_frame().set_index("wijk_code")
    wijken = city.wijken.set_index("wijk_code")
    big = w["dwellings"] >= BIG
    shares = np.array([row[f"hh_{c}"] for c in INCOME_CLASSES]) / row["households"]
    low = wijken["pct_low_income"]
    known = low.notna() & (w["households"] >= BIG)
    ordered = w.loc[city.wijk_codes]
    ref = wijken.loc[city.wijk_codes, "pct_low_income"]
    moran_big = (ordered["dwellings"] >= BIG).to_numpy() & ref.notna().to_numpy()
    weights = metrics.adjacency_matrix(city.wijk_graph, list(ordered.index[moran_big]))
    d = model.dwellings
    rows = d.rows()
    own = rows[d.owner[rows] == Owner.OWNER_OCCUPIER]
    private = rows[d.owner[rows] == Owner.PRIVATE_LANDLORD]
    b = model.buurt_frame()
    bijstand = city.buurten["bijstand_persons"] / city.buurten["households"].clip(lower=1)
    big_buurt = b["households"].to_numpy() >= BIG
    return {
        "class_deviation": 100 * np.abs(shares - np.asarray(model.params.start_class_shares)).max(),
        "dwellings": row["dwellings"], "households": row["households"],
        "vacancy": 100 * row["vacant_dwellings"] / row["dwellings"],
        "vacancy_rank": metrics.spearman((w["vacant_dwellings"] / w["dwellings"])[big],
                                 wijken["pct_unoccupied_2019"][big]),
        "corp_deviation": np.abs(w["corp_share"][big] * 100 - wijken["pct_corporation"][big]).max(),
        "corp_city": 100 * row["corp_share"],
        "low_income_rank": metrics.spearman(w["low_income_share"][known], low[known]),
        "moran": metrics.morans_i(ordered["low_income_share"].to_numpy(float)[moran_big],
                                  weights),
        "owner_low_two": 100 * np.isin(d.segment[own], (S.OWN_1, S.OWN_2)).mean(),
        "cheap_private": 100 * (d.segment[private] == S.PRIVATE_CHEAP).mean(),
        "vulnerable": 100 * row["vulnerable_share"],
        "vulnerable_rank": metrics.spearman(b["vulnerable_share"].to_numpy()[big_buurt],
                                    bijstand.to_numpy()[big_buurt]),
        "inhabitants": row["inhabitants"],
        "inhabitants_below": 100 * (1 - row["inhabitants"] / KWB_INHABITANTS),
    }


def span(results: list[dict], key: str, fmt: str) -> str:
    """The range of one figure over the seeds ('a-b', or one value if all agree)."""
    low, high = (fmt.format(f(r[key] for r in results)) for f in (min, max))
    if low == high:
        return low
    return f"{low} to {high}" if low.startswith("-") else f"{low}-{high}"


# pattern | source | how the model meets it | test threshold | observed (a function of the results)
ROWS = (
    ("city income mix 41/23/13/8/15%", "vision Table 1 (CBS microdata 2024, income 2021)",
     "`start_class_shares`; IPF of classes over buurt x segment cells (5.5)",
     "each share within 1 point",
     lambda r: f"max deviation {span(r, 'class_deviation', '{:.2f}')} points"),
    ("46,697 dwellings, 44,238 households",
     "KWB 2024 dwellings; KWB 2019 \"percentage onbewoond\" (derived data, `PROVENANCE.md`)",
     "one dwelling per real dwelling, one household per occupied dwelling (5.1)",
     "exact / exact",
     lambda r: f"{span(r, 'dwellings', '{:,}')} / {span(r, 'households', '{:,}')}"),
    ("vacancy about 5%, high in the centre and in Mariarade, low in Heerlerheide and "
     "Heerlerbaan",
     "KWB 2019 \"percentage onbewoond\" per buurt (city 5.3% weighted by 2024 dwellings)",
     "households = occupied dwellings per buurt (5.1, 5.4)",
     f"city 4-6.5%; Spearman >= 0.6 per wijk ({BIG}+ dwellings)",
     lambda r: f"{span(r, 'vacancy', '{:.2f}')}%; {span(r, 'vacancy_rank', '{:.2f}')}"),
    ("corporation share per wijk 6-78%, city 36%", "KWB 2019 (vision: 6-78%, 36%)",
     "buurt tenure raked to wijk shares, `owner_counts()` (5.2), deterministic",
     f"within 2 points (wijken of {BIG}+ dwellings); city 36-37%",
     lambda r: f"max {span(r, 'corp_deviation', '{:.2f}')} points; city "
               f"{span(r, 'corp_city', '{:.1f}')}%"),
    ("income gradient between wijken", "CBS \"huishoudens met een laag inkomen\" (KWB 2017)",
     "buurt tilt of the prior, `class_probabilities()` (5.5)",
     "Spearman >= 0.8, wijk low-income share vs CBS",
     lambda r: span(r, "low_income_rank", "{:.3f}")),
    ("little spatial clustering of low incomes over wijken",
     "Moran's I of the CBS low-income indicator over adjacent wijken: +0.04 (20 wijken)",
     "follows from the buurt tilt; not fitted", "within 0.15 of the CBS value",
     lambda r: span(r, "moran", "{:.3f}")),
    ("about three quarters of owner homes in the two lowest WOZ classes", "vision, figure 2",
     "`owner_woz_sigma` calibrated (5.3)", "70-80%",
     lambda r: f"{span(r, 'owner_low_two', '{:.1f}')}%"),
    ("much cheap private rent", "vision (private rent about twice the national share)",
     "`private_rent_median` calibrated to about 70% below the liberalisation limit", "60-80%",
     lambda r: f"{span(r, 'cheap_private', '{:.1f}')}%"),
    ("vulnerable households follow social assistance",
     "KWB 2019/2020 bijstand, Wmo, youth care", "`vulnerable_per_*` (5.9)",
     f"share 5-15%; Spearman >= 0.7 with the bijstand rate per buurt ({BIG}+ households)",
     lambda r: f"{span(r, 'vulnerable', '{:.1f}')}%; {span(r, 'vulnerable_rank', '{:.2f}')}"),
    (f"{KWB_INHABITANTS:,} inhabitants", "KWB 2024", "household sizes from type shares (5.6)",
     "within 2.5%",
     lambda r: f"{span(r, 'inhabitants', '{:,}')} ({span(r, 'inhabitants_below', '{:.1f}')}% "
               "below: one household per occupied dwelling, 5.1)"),
)


def table(results: list[dict]) -> str:
    n = len(results)
    lines = [f"| pattern | source | how the model meets it | test threshold | model, seeds 1-{n} |",
             "|---|---|---|---|---|"]
    lines += [f"| {p} | {s} | {how} | {test} | {observed(results)} |"
              for p, s, how, test, observed in ROWS]
    return "\n".join(lines)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--write", type=Path,
                        help="put the table between the 'start_state' markers of this file")
    args = parser.parse_args(argv)
    results = [measure(SortingModel(rng=seed)) for seed in range(1, args.seeds + 1)]
    text = (f"Start state, Heerlen 2024 (`python -m experiments.start_state --seeds "
            f"{args.seeds}`)\n\n" + table(results) + "\n")
    print(text)
    if args.write:
        replace_section(args.write, "start_state", text)


if __name__ == "__main__":
    main()
