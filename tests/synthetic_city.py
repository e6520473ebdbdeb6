"""A small made-up city in the data-folder format (`sorteermachine check-data --spec`).

Proefstad (GM9999) has three wijken of two buurten each on a 3 x 2 grid of squares near
Utrecht, and one neighbouring municipality. Its figures are invented but plausible, and
differ between buurten so that sorting has something to work on. Tests write it into a
fresh folder, so nothing in it depends on Heerlen's data.
"""

import csv
import json
from pathlib import Path

GM_CODE, NAME = "GM9999", "Proefstad"
NEIGHBOUR = ("GM9998", "Buurdorp")
LON0, LAT0, SIDE = 5.10, 52.10, 0.01  # south-west corner and square size, degrees

# buurt: wijk, dwellings, households, owner/corporation/other %, WOZ 2019 (k), single-family %,
#        low-income %, bottom-40 %, top-20 %, bijstand persons
BUURTEN = {
    "BU99990100": ("WK999901", 420, 405, 25, 60, 15, 105, 40, 16.0, 62.0, 5.0, 40),
    "BU99990101": ("WK999901", 380, 366, 40, 45, 15, 120, 55, 11.0, 52.0, 8.0, 20),
    "BU99990200": ("WK999902", 300, 292, 70, 15, 15, 220, 80, 4.0, 30.0, 22.0, 4),
    "BU99990201": ("WK999902", 260, 255, 80, 10, 10, 290, 90, 3.0, 22.0, 30.0, 2),
    "BU99990300": ("WK999903", 350, 330, 50, 30, 20, 160, 65, 8.0, 45.0, 12.0, 12),
    "BU99990301": ("WK999903", 290, 281, 55, 25, 20, 175, 70, 7.0, 40.0, 15.0, 8),
}
WIJK_NAMES = {"WK999901": "Oud-Proef", "WK999902": "Proefhoven", "WK999903": "Nieuw-Proef"}


def _square(col: int, row: int) -> list:
    x, y = LON0 + col * SIDE, LAT0 + row * SIDE
    return [[[x, y], [x + SIDE, y], [x + SIDE, y + SIDE], [x, y + SIDE], [x, y]]]


def _write_csv(path: Path, rows: list[dict]) -> None:
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def _feature(code: str, name: str, rings: list, **extra) -> dict:
    return {"type": "Feature", "properties": {"code": code, "name": name, **extra},
            "geometry": {"type": "Polygon", "coordinates": rings}}


def write_city(folder: Path) -> Path:
    """Write Proefstad's data folder into `folder` (created) and return it."""
    folder.mkdir(parents=True, exist_ok=True)
    codes = list(BUURTEN)
    buurten, buurt_shapes = [], []
    for i, (code, v) in enumerate(BUURTEN.items()):
        wijk, dw, hh, own, corp, other, woz, sf, low, low40, top20, bijstand = v
        col, row = i // 2, i % 2  # one wijk per column, its two buurten stacked
        persons = round(hh * 2.0)
        buurten.append({
            "buurt_code": code, "buurt_name": f"Buurt {i + 1}", "wijk_code": wijk,
            "dwellings": dw, "inhabitants": persons, "households": hh,
            "pct_owner": own, "pct_corporation": corp, "pct_other_landlord": other,
            "woz_2019_keur": woz, "pct_single_family": sf,
            "hh_single": round(hh * 0.40), "hh_no_children": round(hh * 0.30),
            "hh_with_children": round(hh * 0.30),
            "age_15_25": round(persons * 0.12), "age_25_45": round(persons * 0.26),
            "age_45_65": round(persons * 0.28), "age_65_plus": round(persons * 0.20),
            "pct_low40": low40, "pct_top20": top20, "pct_low_income": low,
            "bijstand_persons": bijstand, "wmo_clients": round(persons * 0.05),
            "youth_care": round(persons * 0.02),
            "centroid_lon": LON0 + (col + 0.5) * SIDE, "centroid_lat": LAT0 + (row + 0.5) * SIDE,
        })
        buurt_shapes.append(_feature(code, f"Buurt {i + 1}", _square(col, row), wijk_code=wijk,
                                     gm_code=GM_CODE))
    _write_csv(folder / "buurten.csv", buurten)

    wijken, wijk_shapes = [], []
    for col, (wijk, name) in enumerate(WIJK_NAMES.items()):
        mine = [b for b in buurten if b["wijk_code"] == wijk]
        x = LON0 + col * SIDE
        wijken.append({
            "wijk_code": wijk, "wijk_number": col + 1, "wijk_name": name,
            "dwellings": sum(b["dwellings"] for b in mine),
            "inhabitants": sum(b["inhabitants"] for b in mine),
            "pct_owner": "", "pct_corporation": "", "pct_other_landlord": "",
            "pct_low_income": "", "pct_low40": "", "pct_top20": "",
            "centroid_lon": x + SIDE / 2, "centroid_lat": LAT0 + SIDE,
        })
        rect = [[[x, LAT0], [x + SIDE, LAT0], [x + SIDE, LAT0 + 2 * SIDE], [x, LAT0 + 2 * SIDE],
                 [x, LAT0]]]
        wijk_shapes.append(_feature(wijk, name, rect, gm_code=GM_CODE))
    _write_csv(folder / "wijken.csv", wijken)

    _write_csv(folder / "gemeente.csv", [{"gm_code": GM_CODE, "name": NAME}])
    _write_csv(folder / "outside.csv", [{"gm_code": NEIGHBOUR[0], "name": NEIGHBOUR[1],
                                         "dwellings": 5000, "inhabitants": 11000}])
    wijk_codes = list(WIJK_NAMES)
    wijk_pairs = [(a, b, GM_CODE) for a, b in zip(wijk_codes, wijk_codes[1:], strict=False)]
    wijk_pairs.append((wijk_codes[-1], "WK999801", NEIGHBOUR[0]))
    _write_csv(folder / "wijk_adjacency.csv",
               [{"a": a, "b": b, "b_gm_code": g, "shared_edges": 1} for a, b, g in wijk_pairs])
    buurt_pairs = [(codes[i], codes[i + 1], GM_CODE) for i in range(0, len(codes), 2)]
    buurt_pairs += [(codes[i], codes[i + 2], GM_CODE) for i in range(len(codes) - 2)]
    buurt_pairs.append((codes[-1], "BU99980100", NEIGHBOUR[0]))
    _write_csv(folder / "buurt_adjacency.csv",
               [{"a": a, "b": b, "b_gm_code": g, "shared_edges": 1} for a, b, g in buurt_pairs])

    def geojson(name: str, features: list) -> None:
        (folder / name).write_text(json.dumps({"type": "FeatureCollection",
                                               "features": features}), encoding="utf-8")

    geojson("wijken.geojson", wijk_shapes)
    geojson("buurten.geojson", buurt_shapes)
    x = LON0 + 3 * SIDE
    geojson("neighbours.geojson", [_feature(
        "WK999801", "Buurdorp-Centrum",
        [[[x, LAT0], [x + SIDE, LAT0], [x + SIDE, LAT0 + 2 * SIDE], [x, LAT0 + 2 * SIDE],
          [x, LAT0]]], gm_code=NEIGHBOUR[0])])
    (folder / "PROVENANCE.md").write_text("Made-up data for tests (tests/synthetic_city.py).\n",
                                          encoding="utf-8")
    return folder
