"""The city's history: earlier KWB editions, for start states of earlier years and the changes
that really happened (the hindcast).

`history.csv` in the city data folder holds one row per (year, area) for the gemeente, its
wijken and its buurten (made by `scripts/derive_city_data.py`; see PROVENANCE.md). It is
optional: a data folder without it simply has no history, and asking for it raises a
`DataError` that says so. Buurt rows are complete (fallbacks listed in `imputed`); wijk and
gemeente rows are as published, blanks kept.
"""

from dataclasses import replace
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd

from model.city import City, DataError, _read_table
from model.register import REGISTER

# The year the data folder's own tables (buurten.csv, wijken.csv) describe: the default start.
REGISTER_START_YEAR = REGISTER["start_year"].default

HISTORY_FILE = "history.csv"
HISTORY_COLUMNS = {
    "year": int, "level": str, "code": str, "dwellings": int, "households": int,
    "occupied": int, "inhabitants": int,
    "pct_unoccupied": "optional", "pct_owner": "optional", "pct_corporation": "optional",
    "pct_other_landlord": "optional", "woz_keur": "optional", "pct_single_family": "optional",
    "hh_single": "optional", "hh_no_children": "optional", "hh_with_children": "optional",
    "age_15_25": "optional", "age_25_45": "optional", "age_45_65": "optional",
    "age_65_plus": "optional", "pct_low40": "optional", "pct_top20": "optional",
    "pct_low_income": "optional", "bijstand_persons": "optional", "wmo_clients": "optional",
    "youth_care": "optional",
}
LEVELS = ("gemeente", "wijk", "buurt")
# What a start state needs of a year's buurt rows (the columns synthesis reads).
START_FIELDS = ("dwellings", "occupied", "pct_owner", "pct_corporation", "pct_other_landlord",
                "woz_keur", "pct_single_family", "hh_single", "hh_no_children",
                "hh_with_children", "age_15_25", "age_25_45", "age_45_65", "age_65_plus",
                "pct_low40", "pct_top20", "pct_low_income", "bijstand_persons", "wmo_clients",
                "youth_care")


def has_history(city: City) -> bool:
    """Whether the city's data folder has a history table."""
    return (city.data_dir / HISTORY_FILE).is_file()


def load_history(city: City) -> pd.DataFrame:
    """The history table of `city`, checked against the city's wijken and buurten."""
    return _load(city.data_dir, tuple(city.wijk_codes), tuple(city.buurt_codes))


@cache
def _load(data_dir: Path, wijk_codes: tuple, buurt_codes: tuple) -> pd.DataFrame:
    path = data_dir / HISTORY_FILE
    if not path.is_file():
        raise DataError(f"{data_dir}: this city's data folder has no history ({HISTORY_FILE}); "
                        "a hindcast needs one (see scripts/derive_city_data.py)")
    h = _read_table(path, HISTORY_COLUMNS)
    bad = ~h["level"].isin(LEVELS)
    if bad.any():
        row = int(np.flatnonzero(bad.to_numpy())[0]) + 2
        raise DataError(f"{path}: line {row}: field 'level' = {h['level'].iloc[row - 2]!r}; "
                        f"expected one of {', '.join(LEVELS)}")
    for level, codes in (("wijk", wijk_codes), ("buurt", buurt_codes)):
        for year, rows in h[h["level"] == level].groupby("year"):
            if sorted(rows["code"]) != sorted(codes):
                missing = sorted(set(codes) - set(rows["code"]))
                extra = sorted(set(rows["code"]) - set(codes))
                raise DataError(f"{path}: the {level} rows of {year} do not match the city's "
                                f"{level}s (missing {missing[:3]}, unknown {extra[:3]})")
    if h.duplicated(["year", "level", "code"]).any():
        dup = h[h.duplicated(["year", "level", "code"])].iloc[0]
        raise DataError(f"{path}: {dup.level} {dup.code} appears twice in {dup.year}")
    return h


def years(city: City) -> list[int]:
    """The years of the history table (every year has buurt rows)."""
    h = load_history(city)
    return sorted(h.loc[h["level"] == "buurt", "year"].unique().tolist())


def start_years(city: City) -> list[int]:
    """The years a start state can be built from: every field synthesis reads is filled for
    every buurt (an edition without an income block cannot start a run)."""
    h = load_history(city)
    b = h[h["level"] == "buurt"]
    complete = b.groupby("year")[list(START_FIELDS)].apply(lambda g: g.notna().all().all())
    return sorted(int(y) for y in complete.index[complete])


def area_rows(city: City, year: int, level: str) -> pd.DataFrame:
    """The history rows of one year and level, indexed by code, in the city's order."""
    h = load_history(city)
    rows = h[(h["year"] == year) & (h["level"] == level)].set_index("code")
    order = {"wijk": city.wijk_codes, "buurt": city.buurt_codes}.get(level)
    return rows.loc[list(order)] if order is not None else rows


def city_at(city: City, year: int) -> City:
    """The city as a run starting in `year` sees it: the data folder's own tables describe the
    default start year (2024); another year comes from the folder's history."""
    return city if year == REGISTER_START_YEAR else city_for_year(city, year)


def city_for_year(city: City, year: int) -> City:
    """The city as it was in `year`, for a start state: `year_tables`, refused with a
    `DataError` unless the year has every field synthesis reads."""
    if year not in start_years(city):
        raise DataError(f"{city.data_dir / HISTORY_FILE}: no complete start state for {year}; "
                        f"years that have one: {', '.join(map(str, start_years(city)))}")
    return year_tables(city, year)


def year_tables(city: City, year: int) -> City:
    """The city with the buurt and wijk figures of `year`'s history rows in the columns
    synthesis reads (fields the year lacks, such as income in an edition without it, are
    empty): the same areas, boundaries and neighbours.

    Households are the occupied dwellings of that year (one household per occupied dwelling,
    as in the packaged start state). WOZ keeps that year's pattern over the buurten, rescaled
    so the dwelling-weighted city mean equals the packaged table's (KWB 2019): money in the
    model is in 2024 euros whatever the start year, and `woz_index_2019_2024` indexes it.
    """
    if year not in years(city):
        raise DataError(f"{city.data_dir / HISTORY_FILE}: no rows for {year}; the history "
                        f"has {', '.join(map(str, years(city)))}")
    b = area_rows(city, year, "buurt")
    w = area_rows(city, year, "wijk")
    buurten = city.buurten.copy()
    for col in ("dwellings", "inhabitants", "pct_owner", "pct_corporation",
                "pct_other_landlord", "pct_single_family", "hh_single", "hh_no_children",
                "hh_with_children", "age_15_25", "age_25_45", "age_45_65", "age_65_plus",
                "pct_low40", "pct_top20", "pct_low_income", "bijstand_persons", "wmo_clients",
                "youth_care"):
        buurten[col] = b[col].to_numpy()
    buurten["households"] = b["occupied"].to_numpy()
    buurten["pct_unoccupied_2019"] = b["pct_unoccupied"].to_numpy()
    level = (np.average(city.buurten["woz_2019_keur"], weights=city.buurten["dwellings"])
             / np.average(b["woz_keur"], weights=b["dwellings"]))
    buurten["woz_2019_keur"] = b["woz_keur"].to_numpy() * level
    for col in ("dwellings", "households", "inhabitants"):
        buurten[col] = buurten[col].astype(int)
    wijken = city.wijken.copy()
    for col in ("dwellings", "pct_owner", "pct_corporation", "pct_other_landlord",
                "pct_low_income", "pct_low40", "pct_top20"):
        wijken[col] = w[col].to_numpy()
    wijken["households"] = np.bincount(city.buurt_wijk, weights=buurten["households"],
                                       minlength=city.n_wijken).astype(int)
    wijken["pct_unoccupied_2019"] = w["pct_unoccupied"].to_numpy()
    return replace(city, wijken=wijken, buurten=buurten)


class ObservedPath:
    """The household path of a hindcast: the start's households times the observed relative
    change of the city's private households since the start year (CBS counts more households
    than the model, which places one per occupied dwelling, so the change is what carries
    over). It ends in the hindcast's last year."""

    def __init__(self, city: City, start_year: int, end_year: int, start_households: float):
        g = load_history(city)
        g = g[g["level"] == "gemeente"].set_index("year")["households"].astype(float)
        self.end_year = end_year
        self.index = {int(y): g[y] / g[start_year] for y in g.index if y >= start_year}
        self.start_households = start_households

    def target(self, year: int) -> float:
        return self.start_households * self.index[min(year, self.end_year)]
