"""The city's data: which municipality, its wijken, buurten, neighbours and boundaries.

A city data folder says everything the model knows about the city: `gemeente.csv` names the
municipality (CBS code and name), `outside.csv` its neighbours, and the other files its
wijken and buurten. Nothing in the code names a particular city, so any Dutch municipality
(or a made-up one) runs from a folder in this format. The packaged default, `model/data/
heerlen/`, is the project's own derived copy of CBS open data (made by
`scripts/derive_city_data.py`; see PROVENANCE.md there; "Bron: CBS").

Every file is checked on load, and a problem is reported as a `DataError` naming the file,
the field and what was expected; `describe_data_folder()` (`sorteermachine check-data
--spec`) lists what a folder needs. The checks cover what the start-state synthesis needs, so
data that passes them also builds.
"""

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd

DEFAULT_DATA_DIR = Path(__file__).parent / "data" / "heerlen"


class DataError(ValueError):
    """A city data file that is missing, unreadable or inconsistent."""


# Each file's required columns: name -> (kind, meaning). Kinds: str (not empty), int (whole
# number >= 0), float (number >= 0), "signed" (any number), "optional" (number >= 0 or
# empty). Columns named pct_*
# are percentages (0-100); other columns in a file are allowed and ignored.
_AGE = "inhabitants aged {} (CBS); together > 0 in a buurt with households"
_TYPE = "households {} (CBS); together > 0 in a buurt with households"
BUURT_SPEC = {
    "buurt_code": (str, "unique code of the buurt (CBS: BU + 8 digits)"),
    "buurt_name": (str, "name of the buurt"),
    "wijk_code": (str, "the wijk it lies in: a wijk_code of wijken.csv"),
    "dwellings": (int, "dwellings at the start (the model builds one per dwelling)"),
    "inhabitants": (int, "inhabitants at the start"),
    "households": (int, "households at the start; at most its dwellings, the rest stand "
                        "vacant"),
    "pct_owner": (float, "owner-occupied dwellings, % of the stock"),
    "pct_corporation": (float, "dwellings owned by housing corporations, %"),
    "pct_other_landlord": (float, "dwellings of other (private) landlords, %; the three "
                                  "tenure shares are renormalised, all 0 means unknown"),
    "woz_2019_keur": (float, "mean WOZ value in thousands of euros (KWB 2019); > 0"),
    "pct_single_family": (float, "single-family houses, % of the stock"),
    "hh_single": (float, _TYPE.format("of one person")),
    "hh_no_children": (float, _TYPE.format("of several persons without children")),
    "hh_with_children": (float, _TYPE.format("with children")),
    "age_15_25": (float, _AGE.format("15-24")),
    "age_25_45": (float, _AGE.format("25-44")),
    "age_45_65": (float, _AGE.format("45-64")),
    "age_65_plus": (float, _AGE.format("65 or over")),
    "pct_low40": (float, "households in the national bottom 40% of incomes, %"),
    "pct_top20": (float, "households in the national top 20% of incomes, %"),
    "pct_low_income": (float, "households with a low income (CBS definition), %; the "
                              "household-weighted city mean of each income share must be > 0"),
    "bijstand_persons": (float, "persons on social assistance (bijstand)"),
    "wmo_clients": (float, "Wmo care clients"),
    "youth_care": (float, "youth-care clients"),
    "centroid_lon": ("signed", "centroid longitude, WGS84 degrees (-180 to 180)"),
    "centroid_lat": ("signed", "centroid latitude, WGS84 degrees (-90 to 90)"),
}
WIJK_SPEC = {
    "wijk_code": (str, "unique code of the wijk (CBS: WK + 6 digits)"),
    "wijk_name": (str, "name of the wijk"),
    "dwellings": (int, "dwellings: the sum of its buurten's"),
    "inhabitants": (int, "inhabitants"),
    "pct_owner": ("optional", "owner-occupied, %: with the next two the tenure target the "
                              "buurten are fitted to; empty keeps the buurten's own"),
    "pct_corporation": ("optional", "corporation-owned, %"),
    "pct_other_landlord": ("optional", "other landlords, %"),
    "pct_low_income": ("optional", "low-income households, % (reference for tests)"),
    "pct_low40": ("optional", "bottom-40% households, % (reference)"),
    "pct_top20": ("optional", "top-20% households, % (reference)"),
    "centroid_lon": ("signed", "centroid longitude, WGS84 degrees"),
    "centroid_lat": ("signed", "centroid latitude, WGS84 degrees"),
}
GEMEENTE_SPEC = {
    "gm_code": (str, "CBS code of the municipality (GM + 4 digits): the city the folder holds"),
    "name": (str, "its name, as the report and the summaries show it"),
}
OUTSIDE_SPEC = {
    "gm_code": (str, "code of a neighbouring municipality"),
    "name": (str, "its name"),
    "dwellings": (int, "its dwellings"),
    "inhabitants": (int, "its inhabitants"),
}
ADJACENCY_SPEC = {
    "a": (str, "a wijk (buurt) of the city"),
    "b": (str, "a wijk (buurt) that borders it, in the city or in a neighbour"),
    "b_gm_code": (str, "municipality of b: the city's own gm_code or one of outside.csv"),
}
BUURT_COLUMNS = {name: kind for name, (kind, _) in BUURT_SPEC.items()}
WIJK_COLUMNS = {name: kind for name, (kind, _) in WIJK_SPEC.items()}
GEMEENTE_COLUMNS = {name: kind for name, (kind, _) in GEMEENTE_SPEC.items()}
OUTSIDE_COLUMNS = {name: kind for name, (kind, _) in OUTSIDE_SPEC.items()}
ADJACENCY_COLUMNS = {name: kind for name, (kind, _) in ADJACENCY_SPEC.items()}
TABLE_FILES = {  # file -> (what it holds, its columns)
    "gemeente.csv": ("one row: the municipality", GEMEENTE_SPEC),
    "wijken.csv": ("one row per wijk", WIJK_SPEC),
    "buurten.csv": ("one row per buurt", BUURT_SPEC),
    "outside.csv": ("one row per neighbouring municipality (may be empty of rows)",
                    OUTSIDE_SPEC),
    "wijk_adjacency.csv": ("one row per pair of bordering wijken", ADJACENCY_SPEC),
    "buurt_adjacency.csv": ("one row per pair of bordering buurten", ADJACENCY_SPEC),
}
BOUNDARY_FILES = {  # file -> (level, required)
    "wijken.geojson": ("wijk", True),
    "buurten.geojson": ("buurt", True),
    "neighbours.geojson": ("neighbouring wijk", False),
}


@dataclass(frozen=True, eq=False)  # compared and hashed by identity
class City:
    """Everything the model knows about the city's geography, indexed 0..n-1."""

    name: str  # the municipality's name (gemeente.csv)
    gm_code: str  # its CBS code (gemeente.csv)
    wijken: pd.DataFrame  # one row per wijk, in code order
    buurten: pd.DataFrame  # one row per buurt, in code order, with `wijk_index`
    outside: pd.DataFrame  # neighbouring municipalities
    wijk_graph: nx.Graph  # wijk adjacency, plus one node per neighbouring municipality
    buurt_graph: nx.Graph  # buurt adjacency, plus outside municipality nodes
    buurt_distance_km: np.ndarray  # centroid distances between buurten
    data_dir: Path

    def __post_init__(self):
        # Plain numpy copies of the columns the yearly phases read (pandas access is slow).
        set_ = object.__setattr__
        set_(self, "n_wijken", len(self.wijken))
        set_(self, "n_buurten", len(self.buurten))
        set_(self, "wijk_codes", self.wijken["wijk_code"].to_numpy(dtype=object))
        set_(self, "wijk_names", self.wijken["wijk_name"].to_numpy(dtype=object))
        set_(self, "buurt_codes", self.buurten["buurt_code"].to_numpy(dtype=object))
        set_(self, "buurt_names", self.buurten["buurt_name"].to_numpy(dtype=object))
        set_(self, "buurt_wijk", self.buurten["wijk_index"].to_numpy(dtype=np.intp))

    def geojson_path(self, level: str) -> Path:
        """Boundaries of 'wijken', 'buurten' or 'neighbours' (the neighbouring
        municipalities' wijken, drawn as context on maps), WGS84 GeoJSON."""
        return self.data_dir / f"{level}.geojson"


def describe_data_folder() -> str:
    """What a city data folder must hold, file by file and column by column (the text of
    `sorteermachine check-data --spec`)."""
    kinds = {str: "text", int: "whole number >= 0", float: "number >= 0", "signed": "number",
             "optional": "number >= 0 or empty"}
    lines = ["A city data folder holds these files (UTF-8 CSV with a header line; other "
             "columns are allowed and ignored; pct_* columns are percentages, 0-100):", ""]
    for name, (what, spec) in TABLE_FILES.items():
        lines.append(f"{name}: {what}")
        for column, (kind, doc) in spec.items():
            lines.append(f"  {column} ({kinds[kind]}): {doc}")
        lines.append("")
    lines.append("Boundaries (GeoJSON FeatureCollections of Polygons or MultiPolygons in WGS84 "
                 "degrees, each feature with properties 'code' and 'name'):")
    for name, (level, required) in BOUNDARY_FILES.items():
        need = (f"required: one feature per {level} code" if required
                else "optional: context on the maps")
        lines.append(f"  {name}: {level} boundaries ({need})")
    lines += ["", "Every buurt belongs to a wijk, every wijk has buurten, and a wijk's "
              "dwellings are the sum of its buurten's."]
    return "\n".join(lines)


def _read_table(path: Path, columns: dict) -> pd.DataFrame:
    """Read a CSV and check that every required column exists and holds valid values."""
    if not path.is_file():
        raise DataError(f"{path}: file is missing (expected a CSV with columns "
                        f"{', '.join(columns)})")
    try:
        df = pd.read_csv(path, dtype=str, keep_default_na=False)
    except pd.errors.EmptyDataError:
        raise DataError(f"{path}: file is empty (expected a CSV with columns "
                        f"{', '.join(columns)})") from None
    except (OSError, UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise DataError(f"{path}: cannot be read as CSV ({exc})") from None
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise DataError(f"{path}: column(s) {', '.join(missing)} missing; found "
                        f"{', '.join(df.columns)}")
    for col, kind in columns.items():
        if kind is str:
            if (df[col].str.strip() == "").any():
                row = int(np.flatnonzero(df[col].str.strip() == "")[0]) + 2
                raise DataError(f"{path}: line {row}: field '{col}' is empty")
            continue
        values = pd.to_numeric(df[col].replace("", np.nan), errors="coerce")
        bad = values.isna() & (df[col] != "")
        if kind != "optional":
            bad |= values.isna()
        if kind != "signed":
            bad |= values < 0
        if kind is int:
            bad |= values.notna() & (values != values.round())
        percent = col.startswith("pct_")
        if percent:
            bad |= values > 100
        if bad.any():
            row = int(np.flatnonzero(bad.to_numpy())[0])
            what = ("a whole number >= 0" if kind is int else
                    "a percentage from 0 to 100" if percent else
                    "a number" if kind == "signed" else "a number >= 0")
            if kind == "optional":
                what += " or empty"
            raise DataError(f"{path}: line {row + 2}: field '{col}' = {df[col].iloc[row]!r}; "
                            f"expected {what}")
        df[col] = values.astype(int) if kind is int else values
    return df


def _first(path: Path, rows: pd.DataFrame, problem: str) -> None:
    """Raise a DataError naming the first of `rows` (a buurt or wijk table) and `problem`."""
    if len(rows):
        row = rows.iloc[0]
        code = row.get("buurt_code", row.get("wijk_code"))
        raise DataError(f"{path}: {code}: {problem.format(**row.to_dict())}")


def _check_buurten(path: Path, buurten: pd.DataFrame, wijken: pd.DataFrame) -> None:
    """Consistency, and what the start-state synthesis needs of every buurt (so that data
    that passes here also builds)."""
    if buurten["buurt_code"].duplicated().any():
        dup = buurten.loc[buurten["buurt_code"].duplicated(), "buurt_code"].iloc[0]
        raise DataError(f"{path}: buurt_code {dup} appears twice")
    unknown = set(buurten["wijk_code"]) - set(wijken["wijk_code"])
    if unknown:
        raise DataError(f"{path}: wijk_code(s) {sorted(unknown)} are not in wijken.csv")
    too_many = buurten[buurten["households"] > buurten["dwellings"]]
    if len(too_many):
        b = too_many.iloc[0]
        raise DataError(f"{path}: buurt {b.buurt_code} has {b.households} households but only "
                        f"{b.dwellings} dwellings; every household needs a dwelling")
    sums = buurten.groupby("wijk_code")["dwellings"].sum()
    for w in wijken.itertuples():
        if w.wijk_code not in sums.index:
            raise DataError(f"{path}: wijk {w.wijk_code} ({w.wijk_name}) has no buurten; "
                            "every wijk of wijken.csv needs at least one")
        if sums.get(w.wijk_code, 0) != w.dwellings:
            raise DataError(f"{path}: the buurten of {w.wijk_code} hold {sums.get(w.wijk_code, 0)}"
                            f" dwellings, but wijken.csv says {w.dwellings}")
    if buurten["households"].sum() <= 0:
        raise DataError(f"{path}: no buurt has households; the model needs a city with "
                        "households to simulate")
    housed = buurten[buurten["households"] > 0]
    types = housed[["hh_single", "hh_no_children", "hh_with_children"]].sum(axis=1)
    _first(path, housed[types <= 0],
           "has {households} households but no household types (hh_single, hh_no_children "
           "and hh_with_children are all 0); the synthesis draws each household's type from "
           "them")
    ages = housed[["age_15_25", "age_25_45", "age_45_65", "age_65_plus"]].sum(axis=1)
    _first(path, housed[ages <= 0],
           "has {households} households but no inhabitants aged 15 or over (age_15_25 ... "
           "age_65_plus are all 0); the synthesis draws the heads' ages from them")
    _first(path, buurten[buurten["woz_2019_keur"] <= 0],
           "woz_2019_keur = {woz_2019_keur}; expected a mean WOZ value > 0 (thousands of "
           "euros): values, rents and liveability start from it")
    weights = buurten["households"].to_numpy(float)
    for col in ("pct_low_income", "pct_low40", "pct_top20"):
        if np.average(buurten[col].to_numpy(float), weights=weights) <= 0:
            raise DataError(f"{path}: {col} is 0 in every buurt with households; the "
                            "synthesis tilts each buurt's income mix by its share relative to "
                            "the city mean, which must be > 0")
    for col, limit in (("centroid_lon", 180), ("centroid_lat", 90)):
        _first(path, buurten[buurten[col].abs() > limit],
               f"{col} = {{{col}}}; expected WGS84 degrees from -{limit} to {limit}")


def _read_gemeente(path: Path) -> tuple[str, str]:
    """The municipality's code and name."""
    table = _read_table(path, GEMEENTE_COLUMNS)
    if len(table) != 1:
        raise DataError(f"{path}: expected exactly one row (the municipality), found "
                        f"{len(table)}")
    return str(table["gm_code"].iloc[0]).strip(), str(table["name"].iloc[0]).strip()


def _graph(path: Path, nodes: list[str], outside: pd.DataFrame, level: str,
           gm_code: str) -> nx.Graph:
    """Adjacency graph of the city's units; neighbours in other municipalities become one
    node per municipality (kind='outside')."""
    adj = _read_table(path, ADJACENCY_COLUMNS)
    g = nx.Graph(level=level)
    g.add_nodes_from(nodes, kind="city")
    g.add_nodes_from(outside["gm_code"], kind="outside")
    known = set(nodes)
    for row in adj.itertuples():
        if row.a not in known:
            raise DataError(f"{path}: '{row.a}' is not a {level[:-2]} of the city")
        if row.b_gm_code == gm_code:
            if row.b not in known:
                raise DataError(f"{path}: '{row.b}' is not a {level[:-2]} of the city")
            g.add_edge(row.a, row.b)
        elif row.b_gm_code in g:
            g.add_edge(row.a, row.b_gm_code)
        else:
            raise DataError(f"{path}: municipality {row.b_gm_code} is neither the city "
                            f"({gm_code}, gemeente.csv) nor in outside.csv")
    return g


def _check_boundaries(path: Path, codes, level: str) -> None:
    """A GeoJSON FeatureCollection with a (Multi)Polygon of numbers for every code."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise DataError(f"{path}: cannot be read as GeoJSON ({exc})") from None
    features = data.get("features") if isinstance(data, dict) else None
    if not isinstance(features, list):
        raise DataError(f"{path}: expected a GeoJSON FeatureCollection (an object with a "
                        "'features' list)")
    found = set()
    for i, feature in enumerate(features):
        props = (feature.get("properties") or {}) if isinstance(feature, dict) else {}
        geom = (feature.get("geometry") or {}) if isinstance(feature, dict) else {}
        depth = {"Polygon": 3, "MultiPolygon": 4}.get(geom.get("type"))
        if depth is None or not _numeric_rings(geom.get("coordinates"), depth - 1):
            raise DataError(f"{path}: feature {i} ({props.get('code', 'no code')}): expected "
                            "a Polygon or MultiPolygon of longitude-latitude numbers")
        found.add(str(props.get("code", "")))
    missing = [c for c in codes if c not in found]
    if missing:
        raise DataError(f"{path}: no boundary for {level} {', '.join(missing[:5])}"
                        + (f" and {len(missing) - 5} more" if len(missing) > 5 else "")
                        + "; every feature needs its code in properties 'code'")


def _numeric_rings(coords, depth: int) -> bool:
    """(Multi)Polygon coordinates, `depth` lists deep above the [lon, lat] number pairs."""
    if depth == 0:
        return (isinstance(coords, list) and len(coords) >= 2
                and all(isinstance(v, int | float) and not isinstance(v, bool)
                        for v in coords[:2]))
    return isinstance(coords, list) and len(coords) > 0 and all(
        _numeric_rings(c, depth - 1) for c in coords)


def _distances_km(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """Great-circle distances between centroids (haversine), in km."""
    lon, lat = np.radians(lon), np.radians(lat)
    dlon = lon[:, None] - lon[None, :]
    dlat = lat[:, None] - lat[None, :]
    a = np.sin(dlat / 2) ** 2 + np.cos(lat[:, None]) * np.cos(lat[None, :]) * np.sin(dlon / 2) ** 2
    return 2 * 6371.0 * np.arcsin(np.sqrt(np.clip(a, 0, 1)))


def load_city(data_dir: str | Path | None = None) -> City:
    """Load and check the city data in `data_dir` (default: the packaged Heerlen data)."""
    return _load_city(Path(data_dir) if data_dir else DEFAULT_DATA_DIR)


@cache
def _load_city(data_dir: Path) -> City:
    if not data_dir.exists():
        raise DataError(f"{data_dir}: city data folder is missing")
    if not data_dir.is_dir():
        raise DataError(f"{data_dir}: is a file, not a city data folder")
    gm_code, name = _read_gemeente(data_dir / "gemeente.csv")
    wijken = _read_table(data_dir / "wijken.csv", WIJK_COLUMNS)
    buurten = _read_table(data_dir / "buurten.csv", BUURT_COLUMNS)
    outside = _read_table(data_dir / "outside.csv", OUTSIDE_COLUMNS)
    if wijken["wijk_code"].duplicated().any():
        dup = wijken.loc[wijken["wijk_code"].duplicated(), "wijk_code"].iloc[0]
        raise DataError(f"{data_dir / 'wijken.csv'}: wijk_code {dup} appears twice")
    if gm_code in set(outside["gm_code"]):
        raise DataError(f"{data_dir / 'outside.csv'}: lists the city itself ({gm_code}) as "
                        "a neighbour")
    wijken = wijken.sort_values("wijk_code").reset_index(drop=True)
    buurten = buurten.sort_values("buurt_code").reset_index(drop=True)
    _check_buurten(data_dir / "buurten.csv", buurten, wijken)
    wijk_index = {code: i for i, code in enumerate(wijken["wijk_code"])}
    buurten["wijk_index"] = buurten["wijk_code"].map(wijk_index).astype(int)
    for file, (level, required) in BOUNDARY_FILES.items():
        path = data_dir / file
        if not path.is_file():
            if required:
                raise DataError(f"{path}: boundary file is missing")
            continue
        codes = {"wijk": wijken["wijk_code"], "buurt": buurten["buurt_code"]}.get(level, [])
        _check_boundaries(path, list(codes), level)
    return City(
        name=name,
        gm_code=gm_code,
        wijken=wijken,
        buurten=buurten,
        outside=outside,
        wijk_graph=_graph(data_dir / "wijk_adjacency.csv", list(wijken["wijk_code"]), outside,
                          "wijken", gm_code),
        buurt_graph=_graph(data_dir / "buurt_adjacency.csv", list(buurten["buurt_code"]),
                           outside, "buurten", gm_code),
        buurt_distance_km=_distances_km(buurten["centroid_lon"].to_numpy(),
                                        buurten["centroid_lat"].to_numpy()),
        data_dir=data_dir,
    )
