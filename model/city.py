"""The city's data: wijken, buurten, their neighbours and boundaries, loaded from package data.

The files in `model/data/heerlen/` are the project's own derived copy of CBS open data
(made by `scripts/derive_city_data.py`; see PROVENANCE.md there; "Bron: CBS"). Nothing here
reads anything outside the package. Every file is checked on load, and a problem is reported
as a `DataError` naming the file, the field and what was expected.
"""

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd

DEFAULT_DATA_DIR = Path(__file__).parent / "data" / "heerlen"


class DataError(ValueError):
    """A city data file that is missing, unreadable or inconsistent."""


BUURT_COLUMNS = {
    "buurt_code": str, "buurt_name": str, "wijk_code": str,
    "dwellings": int, "inhabitants": int, "households": int,
    "pct_owner": float, "pct_corporation": float, "pct_other_landlord": float,
    "woz_2019_keur": float, "pct_single_family": float,
    "hh_single": float, "hh_no_children": float, "hh_with_children": float,
    "age_15_25": float, "age_25_45": float, "age_45_65": float, "age_65_plus": float,
    "pct_low40": float, "pct_top20": float, "pct_low_income": float,
    "bijstand_persons": float, "wmo_clients": float, "youth_care": float,
    "centroid_lon": float, "centroid_lat": float,
}
WIJK_COLUMNS = {
    "wijk_code": str, "wijk_name": str, "dwellings": int, "inhabitants": int,
    "pct_owner": "optional", "pct_corporation": "optional", "pct_other_landlord": "optional",
    "pct_low_income": "optional", "pct_low40": "optional", "pct_top20": "optional",
    "centroid_lon": float, "centroid_lat": float,
}
OUTSIDE_COLUMNS = {"gm_code": str, "name": str, "dwellings": int, "inhabitants": int}
ADJACENCY_COLUMNS = {"a": str, "b": str, "b_gm_code": str}
CITY_GM_CODE = "GM0917"


@dataclass(frozen=True, eq=False)  # compared and hashed by identity
class City:
    """Everything the model knows about the city's geography, indexed 0..n-1."""

    name: str
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
        """Boundaries of 'wijken', 'buurten' or 'parkstad_neighbours' (WGS84 GeoJSON)."""
        return self.data_dir / f"{level}.geojson"


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
        bad |= values < 0
        if kind is int:
            bad |= values.notna() & (values != values.round())
        if bad.any():
            row = int(np.flatnonzero(bad.to_numpy())[0])
            what = "a whole number >= 0" if kind is int else "a number >= 0"
            if kind == "optional":
                what += " or empty"
            raise DataError(f"{path}: line {row + 2}: field '{col}' = {df[col].iloc[row]!r}; "
                            f"expected {what}")
        df[col] = values.astype(int) if kind is int else values
    return df


def _check_buurten(path: Path, buurten: pd.DataFrame, wijken: pd.DataFrame) -> None:
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
        if sums.get(w.wijk_code, 0) != w.dwellings:
            raise DataError(f"{path}: the buurten of {w.wijk_code} hold {sums.get(w.wijk_code, 0)}"
                            f" dwellings, but wijken.csv says {w.dwellings}")


def _graph(path: Path, nodes: list[str], outside: pd.DataFrame, level: str) -> nx.Graph:
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
        if row.b_gm_code == CITY_GM_CODE:
            if row.b not in known:
                raise DataError(f"{path}: '{row.b}' is not a {level[:-2]} of the city")
            g.add_edge(row.a, row.b)
        elif row.b_gm_code in g:
            g.add_edge(row.a, row.b_gm_code)
        else:
            raise DataError(f"{path}: municipality {row.b_gm_code} is not in outside.csv")
    return g


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
    if not data_dir.is_dir():
        raise DataError(f"{data_dir}: city data folder is missing")
    wijken = _read_table(data_dir / "wijken.csv", WIJK_COLUMNS)
    buurten = _read_table(data_dir / "buurten.csv", BUURT_COLUMNS)
    outside = _read_table(data_dir / "outside.csv", OUTSIDE_COLUMNS)
    if wijken["wijk_code"].duplicated().any():
        dup = wijken.loc[wijken["wijk_code"].duplicated(), "wijk_code"].iloc[0]
        raise DataError(f"{data_dir / 'wijken.csv'}: wijk_code {dup} appears twice")
    wijken = wijken.sort_values("wijk_code").reset_index(drop=True)
    buurten = buurten.sort_values("buurt_code").reset_index(drop=True)
    _check_buurten(data_dir / "buurten.csv", buurten, wijken)
    wijk_index = {code: i for i, code in enumerate(wijken["wijk_code"])}
    buurten["wijk_index"] = buurten["wijk_code"].map(wijk_index).astype(int)
    for level in ("wijken", "buurten"):
        if not (data_dir / f"{level}.geojson").is_file():
            raise DataError(f"{data_dir / f'{level}.geojson'}: boundary file is missing")
    return City(
        name="Heerlen",
        wijken=wijken,
        buurten=buurten,
        outside=outside,
        wijk_graph=_graph(data_dir / "wijk_adjacency.csv", list(wijken["wijk_code"]), outside,
                          "wijken"),
        buurt_graph=_graph(data_dir / "buurt_adjacency.csv", list(buurten["buurt_code"]),
                           outside, "buurten"),
        buurt_distance_km=_distances_km(buurten["centroid_lon"].to_numpy(),
                                        buurten["centroid_lat"].to_numpy()),
        data_dir=data_dir,
    )
