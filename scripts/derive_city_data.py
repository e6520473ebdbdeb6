"""Derive the project's own Heerlen data files from the raw CBS exports.

The raw files (CBS Kerncijfers wijken en buurten 2016-2020 and 2024, CBS/PDOK 2022 geometry) live
outside the repository. Users and CI never see them, so this script turns them into small,
self-contained files under model/data/heerlen/ that are committed as package data.
PROVENANCE.md in the output directory explains every rule applied here.

Usage:
    python scripts/derive_city_data.py [--raw DIR] [--out DIR]

The output is deterministic: running the script twice gives byte-identical files.
"""

import argparse
import io
import json
import os
import re
import sys
from pathlib import Path

import pandas as pd

REPO = Path(__file__).resolve().parent.parent
DEFAULT_RAW = REPO / ".." / "shared" / "data" / "raw" / "heerlen"
DEFAULT_OUT = REPO / "model" / "data" / "heerlen"

GM_CODE = "GM0917"
GM_NAME = "Heerlen"

# Neighbouring Parkstad municipalities (CBS gemeentecodes, 2022-2024 division).
NEIGHBOURS = {
    "GM0882": "Landgraaf",
    "GM0899": "Brunssum",
    "GM0928": "Kerkrade",
    "GM0965": "Simpelveld",
    "GM0986": "Voerendaal",
    "GM1954": "Beekdaelen",
}

RAW_FILES = {
    "kwb2016": "heerlen_kwb_2016_wijken_buurten.csv",
    "kwb2017": "heerlen_kwb_2017_wijken_buurten.csv",
    "kwb2018": "heerlen_kwb_2018_wijken_buurten.csv",
    "kwb2019": "heerlen_kwb_2019_wijken_buurten.csv",
    "kwb2020": "heerlen_kwb_2020_wijken_buurten.csv",
    "kwb2024": "parkstad_kwb2024_gemeenten_wijken_basic.csv",
    "buurt_centroids": "heerlen_buurten_2022_centroids.csv",
    "wijk_centroids": "heerlen_wijken_2022_centroids.csv",
    "wijk_adjacency": "heerlen_wijk_adjacency_2022.csv",
    "buurt_adjacency": "heerlen_buurt_adjacency_2022.csv",
    "wijk_geo": "heerlen_wijken_2022_generalised.geojson",
    "buurt_geo": "heerlen_buurten_2022_generalised.geojson",
    "neighbour_geo": "parkstad_neighbour_wijken_2022_generalised.geojson",
}

# CBS column names in the raw KWB exports.
INHABITANTS = "Bevolking_Aantal_inwoners"
HH_PREFIX = "Bevolking_Particuliere_huishoudens_"
HOUSEHOLDS = HH_PREFIX + "Huishoudens_totaal"
DWELLINGS = "Wonen_Woningvoorraad"
AGE_PREFIX = "Bevolking_Leeftijdsgroepen_"
BIJSTAND = "Sociale_zekerheid_Personen_per_soort_uitkering_Bijstand"
WMO = "Zorg_Wmo_cliënten"
YOUTH_CARE = "Zorg_Jongeren_met_jeugdzorg_in_natura"
# Column names in the KWB 2024 extract (a different export format).
DWELLINGS_2024 = "Woningvoorraad"
INHABITANTS_2024 = "AantalInwoners"

# Housing indicators, KWB 2019 (the last edition with a filled housing block).
HOUSING_2019 = {
    "pct_owner": "Wonen_Woningen_naar_eigendom_Koopwoningen",
    "pct_corporation": "Wonen_Woningen_naar_eigendom_Huurwoningen_In_bezit_woningcorporatie",
    "pct_other_landlord": "Wonen_Woningen_naar_eigendom_Huurwoningen_In_bezit_overige_verhuurders",
    "woz_2019_keur": "Wonen_Gemiddelde_woningwaarde",
    "pct_single_family": "Wonen_Woningen_naar_type_Percentage_eengezinswoning",
    "pct_unoccupied_2019": "Wonen_Woningen_naar_bewoning_Percentage_onbewoond",
}
# Household income indicators, KWB 2017 (the last edition with a complete income block).
INCOME_2017 = {
    "pct_low40": "Inkomen_Inkomen_van_huishoudens_40proc_huishoudens_met_laagste_inkomen",
    "pct_top20": "Inkomen_Inkomen_van_huishoudens_20proc_huishoudens_met_hoogste_inkomen",
    "pct_low_income": "Inkomen_Inkomen_van_huishoudens_Huishoudens_met_een_laag_inkomen",
    "pct_social_minimum": "Inkomen_Inkomen_van_huishoudens_Huish_onder_of_rond_sociaal_minimum",
}
HOUSEHOLD_TYPES_2020 = {
    "hh_single": HH_PREFIX + "Eenpersoonshuishoudens",
    "hh_no_children": HH_PREFIX + "Huishoudens_zonder_kinderen",
    "hh_with_children": HH_PREFIX + "Huishoudens_met_kinderen",
}
AGES_2020 = {
    "age_0_15": AGE_PREFIX + "0_tot_15_jaar",
    "age_15_25": AGE_PREFIX + "15_tot_25_jaar",
    "age_25_45": AGE_PREFIX + "25_tot_45_jaar",
    "age_45_65": AGE_PREFIX + "45_tot_65_jaar",
    "age_65_plus": AGE_PREFIX + "65_jaar_of_ouder",
}

BUURT_COLUMNS = [
    "buurt_code", "buurt_name", "wijk_code",
    "dwellings", "inhabitants", "households", "households_cbs",
    *HOUSING_2019,
    *HOUSEHOLD_TYPES_2020, "avg_household_size_2020",
    *AGES_2020,
    *INCOME_2017,
    "bijstand_persons", "wmo_clients", "youth_care",
    "imputed",
    "centroid_lon", "centroid_lat", "area_ha",
]
WIJK_COLUMNS = [
    "wijk_code", "wijk_number", "wijk_name",
    "dwellings", "inhabitants", "households",
    "pct_owner", "pct_corporation", "pct_other_landlord", "woz_2019_keur", "pct_single_family",
    "pct_unoccupied_2019",
    *INCOME_2017,
    "centroid_lon", "centroid_lat", "area_ha",
]
GEMEENTE_COLUMNS = [
    "gm_code", "name",
    "dwellings", "inhabitants", "households", "households_cbs",
    "pct_owner", "pct_corporation", "pct_other_landlord", "woz_2019_keur", "pct_single_family",
    "pct_unoccupied_2019",
    *INCOME_2017,
    "area_ha_kwb2024",
]

# The history table (history.csv): the KWB editions with a filled housing block, one row per
# year and area, for the hindcast (start states of earlier years, observed changes).
HISTORY_YEARS = (2016, 2017, 2018, 2019)
HISTORY_HOUSING = {
    "pct_unoccupied": HOUSING_2019["pct_unoccupied_2019"],
    "pct_owner": HOUSING_2019["pct_owner"],
    "pct_corporation": HOUSING_2019["pct_corporation"],
    "pct_other_landlord": HOUSING_2019["pct_other_landlord"],
    "woz_keur": HOUSING_2019["woz_2019_keur"],
    "pct_single_family": HOUSING_2019["pct_single_family"],
}
HISTORY_COLUMNS = [
    "year", "level", "code", "wijk_code",
    "dwellings", "households", "occupied", "inhabitants",
    *HISTORY_HOUSING,
    *HOUSEHOLD_TYPES_2020,
    *AGES_2020,
    *INCOME_2017,
    "bijstand_persons", "wmo_clients", "youth_care",
    "imputed",
]

# Decimals per kind of float column, so the CSVs stay readable and stable.
DECIMALS = {
    **{col: 1 for col in HOUSING_2019},
    **{col: 1 for col in INCOME_2017},
    **{col: 1 for col in HISTORY_HOUSING},
    "avg_household_size_2020": 1,
    "centroid_lon": 5,
    "centroid_lat": 5,
    "area_ha": 1,
}


# --------------------------------------------------------------------------- input


def raw_paths(raw_dir: Path) -> dict[str, Path]:
    """Locate every raw file up front, so a missing one fails before anything is written."""
    paths = {key: raw_dir / name for key, name in RAW_FILES.items()}
    missing = [str(p) for p in paths.values() if not p.is_file()]
    if missing:
        sys.exit("error: raw file(s) not found:\n  " + "\n  ".join(missing)
                 + "\nPoint --raw at the directory with the raw CBS data (see its PROVENANCE.md).")
    return paths


def load_kwb(path: Path) -> pd.DataFrame:
    """Read one KWB export indexed by its CBS code (GM/WK/BU), the key every rule below uses."""
    return pd.read_csv(path).set_index("gwb_code")


def load_json(path: Path) -> dict:
    """Read a GeoJSON file."""
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def strip_wijk_prefix(name: str) -> str:
    """'Wijk 10 Maria Gewanden' -> 'Maria Gewanden'; a bare 'Wijk 05' has no name and is kept."""
    return re.sub(r"^Wijk\s*\d+\s+", "", name)


# --------------------------------------------------------------------------- arithmetic


def round_half_up(numerator: int, denominator: int) -> int:
    """Round a positive fraction to the nearest integer, halves up, in exact integer arithmetic."""
    return (2 * numerator + denominator) // (2 * denominator)


def largest_remainder(total: int, weights: pd.Series) -> pd.Series:
    """Split an integer total over integer weights so the parts add up to the total exactly.

    Every part gets the floor of its exact quota total * w / sum(w). The units still missing go,
    one each, to the largest remainders; ties go to the first code in sort order. Integer
    arithmetic only, so there is no floating-point noise and the result is reproducible.
    """
    if (weights % 1 != 0).any() or (weights < 0).any():
        raise ValueError(f"weights must be non-negative integers: {weights.to_dict()}")
    w = [int(x) for x in weights]
    weight_sum = sum(w)
    if weight_sum == 0:
        raise ValueError(f"cannot distribute {total} over zero weights: {list(weights.index)}")
    parts = [total * x // weight_sum for x in w]
    remainders = [total * x % weight_sum for x in w]
    left = total - sum(parts)
    for i in sorted(range(len(w)), key=lambda i: (-remainders[i], i))[:left]:
        parts[i] += 1
    return pd.Series(parts, index=weights.index, dtype="int64")


def distribute_over_buurten(
    wijk_of: pd.Series, wijk_totals: pd.Series, weights: pd.Series
) -> pd.Series:
    """Distribute each wijk's total over its buurten by the weights (largest remainder)."""
    parts = [
        largest_remainder(int(wijk_totals[wijk]), weights[wijk_of == wijk])
        for wijk in sorted(wijk_of.unique())
    ]
    return pd.concat(parts).reindex(wijk_of.index)


def first_available(candidates: dict[str, pd.Series]) -> tuple[pd.Series, pd.Series]:
    """Take per buurt the first non-blank candidate, and say which source it came from.

    candidates maps a source label (e.g. "wijk 2019") to per-buurt values, best source first;
    the first one is always the buurt's own figure. Anything else counts as imputed.
    """
    labels = list(candidates)
    value = pd.Series(float("nan"), index=candidates[labels[0]].index)
    source = pd.Series("", index=value.index)
    for label in labels:
        use = value.isna() & candidates[label].notna()
        value[use] = candidates[label][use]
        source[use] = label
    if value.isna().any():
        raise ValueError(f"no value in any fallback for {list(value[value.isna()].index)}")
    return value, source.where(source != labels[0], "")


# --------------------------------------------------------------------------- buurten


def buurt_frame(kwb20: pd.DataFrame, centroids: pd.DataFrame) -> pd.DataFrame:
    """The 57 buurten with name and wijk, checked against the 2022 geometry's list."""
    rows = kwb20[kwb20["niveau"] == "buurt"]
    frame = pd.DataFrame({
        "buurt_name": rows["naam_in_bron"],
        "wijk_code": rows["wijkcode"],
    }).sort_index()
    frame.index.name = "buurt_code"
    geo = centroids.set_index("buurtcode").sort_index()
    if list(geo.index) != list(frame.index):
        raise ValueError("KWB 2020 buurten and 2022 centroid buurten differ")
    same_names = (geo["buurtnaam"] == frame["buurt_name"]).all()
    if not same_names or not (geo["wijkcode"] == frame["wijk_code"]).all():
        raise ValueError("KWB 2020 and 2022 geometry disagree on a buurt name or parent wijk")
    return frame


def buurt_values(kwb: pd.DataFrame, column: str, codes: pd.Index) -> pd.Series:
    """The buurten's own values of one KWB column."""
    return kwb.loc[codes, column]


def wijk_values(kwb: pd.DataFrame, column: str, wijk_of: pd.Series) -> pd.Series:
    """Each buurt gets its wijk's value of one KWB column (the first fallback level)."""
    return pd.Series(kwb.loc[wijk_of, column].to_numpy(), index=wijk_of.index)


def gemeente_value(kwb: pd.DataFrame, column: str, codes: pd.Index) -> pd.Series:
    """Each buurt gets the gemeente value (the last fallback level)."""
    return pd.Series(kwb.loc[GM_CODE, column], index=codes, dtype="float64")


def counts_2024(frame: pd.DataFrame, kwb19, kwb20, kwb24) -> pd.DataFrame:
    """Dwellings and inhabitants 2024: KWB 2024 has wijken only, so split them over buurten.

    Dwellings are split by the buurten's 2019 dwelling stock (the last edition that has it per
    buurt), inhabitants by their 2020 inhabitants.
    """
    wijk_of = frame["wijk_code"]
    frame["dwellings"] = distribute_over_buurten(
        wijk_of, kwb24[DWELLINGS_2024], kwb19.loc[frame.index, DWELLINGS])
    frame["inhabitants"] = distribute_over_buurten(
        wijk_of, kwb24[INHABITANTS_2024], kwb20.loc[frame.index, INHABITANTS])
    return frame


def households_cbs_2024(frame: pd.DataFrame, kwb20, kwb24) -> pd.Series:
    """CBS private households 2024, estimated: the 2020 households grown with the wijk's
    inhabitant growth 2020-2024, split over the buurten by their 2020 households.

    Per wijk the target is round(households 2020 x inhabitants 2024 / inhabitants 2020). Kept
    for reference only (`households_cbs`): the model places one household per occupied
    dwelling (`occupied_dwellings`), and CBS counts about 3% more private households than
    occupied dwellings (shared dwellings, rooms).
    """
    targets = {}
    for wijk in sorted(frame["wijk_code"].unique()):
        targets[wijk] = round_half_up(
            int(kwb20.loc[wijk, HOUSEHOLDS]) * int(kwb24.loc[wijk, INHABITANTS_2024]),
            int(kwb20.loc[wijk, INHABITANTS]),
        )
    return distribute_over_buurten(
        frame["wijk_code"], pd.Series(targets), kwb20.loc[frame.index, HOUSEHOLDS])


def occupied_dwellings(dwellings: pd.Series, pct_unoccupied: pd.Series,
                       private_households: pd.Series) -> pd.Series:
    """Dwellings x (1 - KWB 'percentage onbewoond' / 100), rounded half up per area; 0 where
    CBS counts no private households (the occupants are institutional, and there is no
    household mix to draw from).

    This is the number of households the model places: one per occupied dwelling, so the
    start state's vacancy per buurt is CBS's. pct_unoccupied has at most one decimal, so the
    product is computed exactly in integers (tenths of a percent)."""
    tenths = (pct_unoccupied * 10).round().astype("int64")
    vacant = [round_half_up(int(d) * int(t), 1000) for d, t in zip(dwellings, tenths,
                                                                    strict=True)]
    occupied = dwellings - pd.Series(vacant, index=dwellings.index, dtype="int64")
    return occupied.where(private_households > 0, 0)


def housing_and_income(frame: pd.DataFrame, kwb17, kwb18, kwb19, imputed) -> pd.DataFrame:
    """Housing (KWB 2019) and income (KWB 2017) shares, with the fallback chain for blank buurten.

    Housing: buurt -> wijk -> gemeente. Income: buurt 2017 -> buurt 2018 (the household shares
    are also filled in 2018) -> wijk 2017 -> gemeente 2017.
    """
    codes, wijk_of = frame.index, frame["wijk_code"]
    for field, column in HOUSING_2019.items():
        frame[field], imputed[field] = first_available({
            "buurt 2019": buurt_values(kwb19, column, codes),
            "wijk 2019": wijk_values(kwb19, column, wijk_of),
            "gemeente 2019": gemeente_value(kwb19, column, codes),
        })
    for field, column in INCOME_2017.items():
        frame[field], imputed[field] = first_available({
            "buurt 2017": buurt_values(kwb17, column, codes),
            "buurt KWB 2018": buurt_values(kwb18, column, codes),
            "wijk 2017": wijk_values(kwb17, column, wijk_of),
            "gemeente 2017": gemeente_value(kwb17, column, codes),
        })
    return frame


def population_2020(frame: pd.DataFrame, kwb20) -> pd.DataFrame:
    """Household types and age groups from KWB 2020; these are filled for every buurt."""
    for field, column in {**HOUSEHOLD_TYPES_2020, **AGES_2020}.items():
        frame[field] = buurt_values(kwb20, column, frame.index).astype("int64")
    frame["avg_household_size_2020"] = buurt_values(
        kwb20, HH_PREFIX + "Gemiddelde_huishoudensgrootte", frame.index)
    return frame


def share_estimate(kwb: pd.DataFrame, column: str, key: pd.Series, wijk_of: pd.Series):
    """Estimate a suppressed count from a key: buurt share of the wijk, else the gemeente rate.

    key is a per-area population in the same KWB edition (indexed by GM/WK/BU code).
    """
    codes = wijk_of.index
    buurt_key = key[codes]
    wijk_key = pd.Series(key[wijk_of].to_numpy(), index=codes)
    from_wijk = buurt_key / wijk_key * wijk_values(kwb, column, wijk_of)
    from_gemeente = buurt_key / key[GM_CODE] * kwb.loc[GM_CODE, column]
    return from_wijk, from_gemeente


def care_and_benefits(frame: pd.DataFrame, kwb19, kwb20, imputed) -> pd.DataFrame:
    """Bijstand (KWB 2020), Wmo clients and youth care (KWB 2019), estimated where suppressed.

    Bijstand falls back to KWB 2019 and then to 0 (CBS suppresses it only in tiny buurten).
    Wmo is estimated from the buurt's share of inhabitants, youth care from its share of persons
    aged 0-25, since jeugdzorg concerns young people. Estimates are rounded to whole persons.
    """
    codes, wijk_of = frame.index, frame["wijk_code"]
    bijstand, imputed["bijstand_persons"] = first_available({
        "buurt 2020": buurt_values(kwb20, BIJSTAND, codes),
        "buurt KWB 2019": buurt_values(kwb19, BIJSTAND, codes),
        "set to 0": pd.Series(0.0, index=codes),
    })
    frame["bijstand_persons"] = bijstand.astype("int64")

    inhabitants = kwb19[INHABITANTS]
    youth = kwb19[AGE_PREFIX + "0_tot_15_jaar"] + kwb19[AGE_PREFIX + "15_tot_25_jaar"]
    for field, column, key in [("wmo_clients", WMO, inhabitants),
                               ("youth_care", YOUTH_CARE, youth)]:
        from_wijk, from_gemeente = share_estimate(kwb19, column, key, wijk_of)
        value, imputed[field] = first_available({
            "buurt 2019": buurt_values(kwb19, column, codes),
            "share of wijk 2019": from_wijk,
            "gemeente rate 2019": from_gemeente,
        })
        frame[field] = value.round().astype("int64")
    return frame


def geometry_attributes(frame: pd.DataFrame, centroids: pd.DataFrame) -> pd.DataFrame:
    """Centroid and approximate area of the 2022 generalised polygon."""
    geo = centroids.set_index("buurtcode")
    frame["centroid_lon"] = geo.loc[frame.index, "centroid_lon"]
    frame["centroid_lat"] = geo.loc[frame.index, "centroid_lat"]
    frame["area_ha"] = geo.loc[frame.index, "approx_area_ha_from_generalised_polygon"]
    return frame


def imputed_column(imputed: dict[str, pd.Series], codes: pd.Index) -> pd.Series:
    """';'-joined list of fields that are not the buurt's own figure, in column order."""
    fields = [f for f in BUURT_COLUMNS if f in imputed]
    return pd.Series(
        [";".join(f for f in fields if imputed[f][code] != "") for code in codes], index=codes)


def derive_buurten(kwb: dict[str, pd.DataFrame], centroids: pd.DataFrame):
    """Assemble buurten.csv; also return the imputation sources (for the report)."""
    frame = buurt_frame(kwb["kwb2020"], centroids)
    imputed: dict[str, pd.Series] = {}
    frame = counts_2024(frame, kwb["kwb2019"], kwb["kwb2020"], kwb["kwb2024"])
    frame = housing_and_income(frame, kwb["kwb2017"], kwb["kwb2018"], kwb["kwb2019"], imputed)
    frame = population_2020(frame, kwb["kwb2020"])
    frame["households"] = occupied_dwellings(
        frame["dwellings"], frame["pct_unoccupied_2019"],
        frame[list(HOUSEHOLD_TYPES_2020)].sum(axis=1))
    frame["households_cbs"] = households_cbs_2024(frame, kwb["kwb2020"], kwb["kwb2024"])
    frame = care_and_benefits(frame, kwb["kwb2019"], kwb["kwb2020"], imputed)
    frame["imputed"] = imputed_column(imputed, frame.index)
    frame = geometry_attributes(frame, centroids)
    return frame.reset_index()[BUURT_COLUMNS], pd.DataFrame(imputed)


# --------------------------------------------------------------------------- wijken, gemeente


def derive_wijken(kwb, wijk_centroids: pd.DataFrame, buurten: pd.DataFrame) -> pd.DataFrame:
    """Assemble wijken.csv: KWB 2024 counts, KWB 2019/2017 wijk rows as published (blanks kept)."""
    geo = wijk_centroids.set_index("wijkcode").sort_index()
    codes = geo.index
    kwb24 = kwb["kwb2024"]
    heerlen_wijken = (kwb24["gemeentecode"] == GM_CODE) & (kwb24["niveau"] == "wijk")
    if sorted(kwb24.index[heerlen_wijken]) != list(codes):
        raise ValueError("KWB 2024 wijken and 2022 geometry wijken differ")
    frame = pd.DataFrame(index=codes)
    frame["wijk_number"] = [int(code[-2:]) for code in codes]
    frame["wijk_name"] = geo["wijknaam"].map(strip_wijk_prefix)
    frame["dwellings"] = kwb24.loc[codes, DWELLINGS_2024].astype("int64")
    frame["inhabitants"] = kwb24.loc[codes, INHABITANTS_2024].astype("int64")
    frame["households"] = buurten.groupby("wijk_code")["households"].sum().reindex(codes)
    for field in WIJK_COLUMNS:
        if field in HOUSING_2019:
            frame[field] = kwb["kwb2019"].loc[codes, HOUSING_2019[field]]
        elif field in INCOME_2017:
            frame[field] = kwb["kwb2017"].loc[codes, INCOME_2017[field]]
    frame["centroid_lon"] = geo["centroid_lon"]
    frame["centroid_lat"] = geo["centroid_lat"]
    frame["area_ha"] = geo["approx_area_ha_from_generalised_polygon"]
    frame.index.name = "wijk_code"
    return frame.reset_index()[WIJK_COLUMNS]


def derive_gemeente(kwb, buurten: pd.DataFrame) -> pd.DataFrame:
    """Assemble gemeente.csv: one row for Heerlen, from the gemeente rows of each edition."""
    kwb24 = kwb["kwb2024"]
    row = {
        "gm_code": GM_CODE,
        "name": GM_NAME,
        "dwellings": int(kwb24.loc[GM_CODE, DWELLINGS_2024]),
        "inhabitants": int(kwb24.loc[GM_CODE, INHABITANTS_2024]),
        "households": int(buurten["households"].sum()),
        "households_cbs": int(buurten["households_cbs"].sum()),
    }
    for field in GEMEENTE_COLUMNS:
        if field in HOUSING_2019:
            row[field] = kwb["kwb2019"].loc[GM_CODE, HOUSING_2019[field]]
        elif field in INCOME_2017:
            row[field] = kwb["kwb2017"].loc[GM_CODE, INCOME_2017[field]]
    row["area_ha_kwb2024"] = int(kwb24.loc[GM_CODE, "OppervlakteTotaal"])
    return pd.DataFrame([row])[GEMEENTE_COLUMNS]


def derive_outside(kwb24: pd.DataFrame) -> pd.DataFrame:
    """Assemble outside.csv: the neighbouring Parkstad gemeenten, KWB 2024."""
    rows = kwb24[(kwb24["niveau"] == "gemeente") & (kwb24.index != GM_CODE)].sort_index()
    if list(rows.index) != sorted(NEIGHBOURS):
        raise ValueError(f"unexpected neighbour gemeenten in KWB 2024: {list(rows.index)}")
    return pd.DataFrame({
        "gm_code": rows.index,
        "name": [NEIGHBOURS[code] for code in rows.index],
        "dwellings": rows[DWELLINGS_2024].astype("int64").to_numpy(),
        "inhabitants": rows[INHABITANTS_2024].astype("int64").to_numpy(),
    })


def derive_adjacency(raw: pd.DataFrame, level: str) -> pd.DataFrame:
    """Adjacency pairs with the Heerlen area always in column a."""
    a, b = f"{level}_a", f"{level}_b"
    if (raw["gm_a"] != GM_CODE).any():
        raise ValueError(f"{level} adjacency: column {a} should always be a Heerlen area")
    out = pd.DataFrame({
        "a": raw[a], "b": raw[b], "b_gm_code": raw["gm_b"], "shared_edges": raw["shared_edges"],
    })
    return out.sort_values(["a", "b"]).reset_index(drop=True)


# --------------------------------------------------------------------------- history


def has_block(kwb: pd.DataFrame, columns) -> bool:
    """Whether an edition publishes a block of columns at all (its gemeente row is filled)."""
    return all(c in kwb.columns and pd.notna(kwb.loc[GM_CODE, c]) for c in columns)


def history_buurten(year: int, kwb: dict[str, pd.DataFrame], frame: pd.DataFrame):
    """One edition's buurt rows, with the same fallbacks as buurten.csv but within the year.

    Housing and income: buurt -> wijk -> gemeente of the same edition; an edition without an
    income block (2019) keeps income blank. Bijstand: buurt, else 0. Wmo and youth care exist
    from KWB 2018 on: earlier years take KWB 2018's buurt figures (with 2018's fallbacks).
    Counts (dwellings, households, inhabitants, types, ages) are filled for every buurt.
    """
    k = kwb[f"kwb{year}"]
    codes, wijk_of = frame.index, frame["wijk_code"]
    out = pd.DataFrame(index=codes)
    out["wijk_code"] = wijk_of
    imputed: dict[str, pd.Series] = {}
    out["dwellings"] = buurt_values(k, DWELLINGS, codes).astype("int64")
    out["households"] = buurt_values(k, HOUSEHOLDS, codes).astype("int64")
    out["inhabitants"] = buurt_values(k, INHABITANTS, codes).astype("int64")
    for field, column in HISTORY_HOUSING.items():
        out[field], imputed[field] = first_available({
            f"buurt {year}": buurt_values(k, column, codes),
            f"wijk {year}": wijk_values(k, column, wijk_of),
            f"gemeente {year}": gemeente_value(k, column, codes),
        })
    for field, column in {**HOUSEHOLD_TYPES_2020, **AGES_2020}.items():
        out[field] = buurt_values(k, column, codes).astype("int64")
    if has_block(k, INCOME_2017.values()):
        for field, column in INCOME_2017.items():
            out[field], imputed[field] = first_available({
                f"buurt {year}": buurt_values(k, column, codes),
                f"wijk {year}": wijk_values(k, column, wijk_of),
                f"gemeente {year}": gemeente_value(k, column, codes),
            })
    else:
        for field in INCOME_2017:
            out[field] = float("nan")
    bijstand, imputed["bijstand_persons"] = first_available({
        f"buurt {year}": buurt_values(k, BIJSTAND, codes),
        "set to 0": pd.Series(0.0, index=codes),
    })
    out["bijstand_persons"] = bijstand.astype("int64")
    care_year = year if has_block(k, (WMO, YOUTH_CARE)) else min(
        y for y in HISTORY_YEARS if has_block(kwb[f"kwb{y}"], (WMO, YOUTH_CARE)))
    kc = kwb[f"kwb{care_year}"]
    youth = kc[AGE_PREFIX + "0_tot_15_jaar"] + kc[AGE_PREFIX + "15_tot_25_jaar"]
    for field, column, key in [("wmo_clients", WMO, kc[INHABITANTS]),
                               ("youth_care", YOUTH_CARE, youth)]:
        from_wijk, from_gemeente = share_estimate(kc, column, key, wijk_of)
        value, source = first_available({
            f"buurt {care_year}": buurt_values(kc, column, codes),
            f"share of wijk {care_year}": from_wijk,
            f"gemeente rate {care_year}": from_gemeente,
        })
        out[field] = value.round().astype("int64")
        imputed[field] = source if care_year == year else source.where(
            source != "", f"buurt KWB {care_year}")
    out["occupied"] = occupied_dwellings(out["dwellings"], out["pct_unoccupied"],
                                         out[list(HOUSEHOLD_TYPES_2020)].sum(axis=1))
    fields = [f for f in HISTORY_COLUMNS if f in imputed]
    out["imputed"] = [";".join(f for f in fields if imputed[f][code] != "") for code in codes]
    return out.assign(year=year, level="buurt", code=codes)


def history_areas(year: int, kwb: dict[str, pd.DataFrame], codes: list[str], level: str):
    """One edition's wijk or gemeente rows as published (blanks stay blank)."""
    k = kwb[f"kwb{year}"]
    out = pd.DataFrame(index=codes)
    out["wijk_code"] = codes if level == "wijk" else ""
    for field, column in {"dwellings": DWELLINGS, "households": HOUSEHOLDS,
                          "inhabitants": INHABITANTS, **HISTORY_HOUSING,
                          **HOUSEHOLD_TYPES_2020, **AGES_2020, "bijstand_persons": BIJSTAND,
                          **INCOME_2017}.items():
        out[field] = k.loc[codes, column]
    for field in ("wmo_clients", "youth_care"):
        column = WMO if field == "wmo_clients" else YOUTH_CARE
        out[field] = k.loc[codes, column] if column in k.columns else float("nan")
    out["occupied"] = occupied_dwellings(out["dwellings"].astype("int64"),
                                         out["pct_unoccupied"],
                                         out[list(HOUSEHOLD_TYPES_2020)].sum(axis=1))
    out["imputed"] = ""
    return out.assign(year=year, level=level, code=codes)


def derive_history(kwb: dict[str, pd.DataFrame], buurten: pd.DataFrame) -> pd.DataFrame:
    """history.csv: per KWB edition 2016-2019 the gemeente, wijk and buurt rows.

    Buurt rows are complete (the fallbacks of `history_buurten`, listed in `imputed`), so a
    start state can be built from them; wijk and gemeente rows are as published. `occupied`
    is dwellings x (1 - pct_unoccupied), the households of a start state in that year.
    The areas are those of buurten.csv: the division did not change from 2016 to 2022.
    """
    frame = buurten.set_index("buurt_code")[["wijk_code"]]
    wijk_codes = sorted(frame["wijk_code"].unique())
    parts = []
    for year in HISTORY_YEARS:
        k = kwb[f"kwb{year}"]
        if not set(frame.index) <= set(k.index) or not set(wijk_codes) <= set(k.index):
            raise ValueError(f"KWB {year} lacks some of the 2020 wijken or buurten")
        wijk_rows = history_areas(year, kwb, wijk_codes, "wijk")
        buurt_rows = history_buurten(year, kwb, frame)
        sums = buurt_rows.groupby("wijk_code")["dwellings"].sum()
        if (sums != wijk_rows["dwellings"].astype("int64")).any():
            raise ValueError(f"KWB {year}: buurt dwellings do not add up to their wijk")
        parts += [history_areas(year, kwb, [GM_CODE], "gemeente"), wijk_rows, buurt_rows]
    history = pd.concat(parts, ignore_index=True)
    for column in ("dwellings", "households", "occupied", "inhabitants"):
        history[column] = history[column].astype("int64")
    for column in (*HOUSEHOLD_TYPES_2020, *AGES_2020, "bijstand_persons", "wmo_clients",
                   "youth_care"):
        history[column] = history[column].astype("Int64")  # blank where suppressed
    return history[HISTORY_COLUMNS]


# --------------------------------------------------------------------------- geometry


def ring_area(ring: list) -> float:
    """Signed area of a ring by the shoelace formula: positive when counter-clockwise."""
    return sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(ring, ring[1:], strict=False)) / 2


def clockwise(geometry: dict) -> dict:
    """Outer rings clockwise, holes counter-clockwise: the winding Vega/altair draws correctly
    (the source's buurt rings run the other way and would be drawn inside out)."""
    def orient(polygon: list) -> list:
        return [ring if (ring_area(ring) < 0) == (i == 0) else ring[::-1]
                for i, ring in enumerate(polygon)]

    if geometry["type"] == "Polygon":
        return {"type": "Polygon", "coordinates": orient(geometry["coordinates"])}
    return {"type": "MultiPolygon", "coordinates": [orient(p) for p in geometry["coordinates"]]}


def compact_geojson(source: dict, level: str) -> dict:
    """The source polygons (vertices unchanged, rings oriented clockwise) with compact
    properties."""
    features = []
    for feature in sorted(source["features"], key=lambda f: f["properties"]["statcode"]):
        p = feature["properties"]
        name = strip_wijk_prefix(p["statnaam"]) if level == "wijk" else p["statnaam"]
        properties = {"code": p["statcode"], "name": name}
        if level == "buurt":
            properties["wijk_code"] = p["wijkcode"]
        properties["gm_code"] = p["gmCode"]
        features.append({
            "type": "Feature",
            "id": p["statcode"],
            "properties": properties,
            "geometry": clockwise(feature["geometry"]),
        })
    return {"type": "FeatureCollection", "features": features}


# --------------------------------------------------------------------------- output


def write_atomic(path: Path, text: str) -> None:
    """Write via a temporary file and os.replace, so a reader never sees a half-written file."""
    tmp = path.with_name(f".{path.name}.tmp")
    with open(tmp, "w", encoding="utf-8", newline="") as f:
        f.write(text)
    os.replace(tmp, path)


def csv_text(frame: pd.DataFrame) -> str:
    """CSV with header, ',' separator, '\\n' line ends, no index; floats rounded per column."""
    frame = frame.copy()
    for column, decimals in DECIMALS.items():
        if column in frame:
            frame[column] = frame[column].astype("float64").round(decimals)
    buffer = io.StringIO()
    frame.to_csv(buffer, index=False, lineterminator="\n")
    return buffer.getvalue()


def json_text(data: dict) -> str:
    """Compact JSON; coordinates keep their source values (shortest float repr round-trips)."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n"


# --------------------------------------------------------------------------- report


def report(buurten, wijken, gemeente, sources) -> None:
    """Print the totals and checks that PROVENANCE.md records."""
    print(f"wijken: {len(wijken)}, buurten: {len(buurten)}")
    for field in ("dwellings", "inhabitants", "households"):
        print(f"{field}: sum of buurten {buurten[field].sum():,}, "
              f"sum of wijken {wijken[field].sum():,}, gemeente.csv {gemeente[field][0]:,}")
    vacant = buurten["dwellings"] - buurten["households"]
    print(f"households = occupied dwellings: {buurten['households'].sum():,}; vacant "
          f"{vacant.sum():,} ({vacant.sum() / buurten['dwellings'].sum():.2%}); CBS private "
          f"households 2024 (estimate): {buurten['households_cbs'].sum():,}")

    weighted = buurten["pct_corporation"] * buurten["dwellings"]
    by_wijk = buurten.groupby("wijk_code")
    share = weighted.groupby(buurten["wijk_code"]).sum() / by_wijk["dwellings"].sum()
    city = weighted.sum() / buurten["dwellings"].sum()
    populated = share[wijken.set_index("wijk_code")["inhabitants"] >= 1000]
    names = wijken.set_index("wijk_code")["wijk_name"]
    print(f"corporation share weighted by 2024 dwellings: city {city:.1f}%, "
          f"min {populated.min():.1f}% ({names[populated.idxmin()]}), "
          f"max {populated.max():.1f}% ({names[populated.idxmax()]}) (wijken >= 1000 inhabitants)")
    print("per wijk: households, dwellings, vacancy, KWB 2019 onbewoond, corporation share "
          "(buurten weighted by 2024 dwellings)")
    for code, row in wijken.set_index("wijk_code").iterrows():
        vacancy = 1 - row["households"] / row["dwellings"]
        print(f"  {code} {row['wijk_name']:<30} {row['households']:>5} {row['dwellings']:>5} "
              f"{vacancy:6.1%} {row['pct_unoccupied_2019']:4.0f}% {share[code]:5.1f}%")

    print("buurten with imputed fields (field: source used):")
    sources.index = buurten["buurt_code"]
    for code, row in sources.iterrows():
        used = [f"{field}: {source}" for field, source in row.items() if source]
        if used:
            print(f"  {code} {buurten.set_index('buurt_code').loc[code, 'buurt_name']}: "
                  + "; ".join(used))


def report_history(history: pd.DataFrame) -> None:
    """Print the history table's totals per year (PROVENANCE.md records them)."""
    print("history.csv: year, dwellings, CBS households, occupied dwellings, vacancy, "
          "corporation share (gemeente rows); buurten with fallbacks")
    for year, rows in history.groupby("year"):
        g = rows[rows["level"] == "gemeente"].iloc[0]
        b = rows[rows["level"] == "buurt"]
        occupied = b["occupied"].sum()
        print(f"  {year}: {g['dwellings']:,} {g['households']:,} {occupied:,} "
              f"{1 - occupied / g['dwellings']:.2%} {g['pct_corporation']:.0f}%; "
              f"{(b['imputed'] != '').sum()} buurten with fallbacks: "
              + ", ".join(sorted({f for v in b['imputed'] for f in v.split(';') if f})))


# --------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> None:
    """Read the raw data, derive every file and write them atomically into --out."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--raw", type=Path, default=DEFAULT_RAW, help="raw data directory")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output directory")
    args = parser.parse_args(argv)

    paths = raw_paths(args.raw.resolve())
    kwb = {key: load_kwb(paths[key]) for key in RAW_FILES if key.startswith("kwb")}
    buurt_centroids = pd.read_csv(paths["buurt_centroids"])
    wijk_centroids = pd.read_csv(paths["wijk_centroids"])

    buurten, sources = derive_buurten(kwb, buurt_centroids)
    wijken = derive_wijken(kwb, wijk_centroids, buurten)
    gemeente = derive_gemeente(kwb, buurten)
    history = derive_history(kwb, buurten)

    outputs = {
        "buurten.csv": csv_text(buurten),
        "wijken.csv": csv_text(wijken),
        "gemeente.csv": csv_text(gemeente),
        "history.csv": csv_text(history),
        "outside.csv": csv_text(derive_outside(kwb["kwb2024"])),
        "wijk_adjacency.csv": csv_text(
            derive_adjacency(pd.read_csv(paths["wijk_adjacency"]), "wijk")),
        "buurt_adjacency.csv": csv_text(
            derive_adjacency(pd.read_csv(paths["buurt_adjacency"]), "buurt")),
        "wijken.geojson": json_text(compact_geojson(load_json(paths["wijk_geo"]), "wijk")),
        "buurten.geojson": json_text(compact_geojson(load_json(paths["buurt_geo"]), "buurt")),
        "neighbours.geojson": json_text(
            compact_geojson(load_json(paths["neighbour_geo"]), "wijk")),
    }
    out = args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    for name, text in outputs.items():
        write_atomic(out / name, text)
        print(f"wrote {out / name}")
    report(buurten, wijken, gemeente, sources)
    report_history(history)


if __name__ == "__main__":
    main()
