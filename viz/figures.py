"""The project's figures: each chart and map of the reports and the app, defined once.

A figure here is a function of results tables (a `RunResults` frame, or the frames of several
runs, which are then drawn as their median and 90% band) and a language ('en' or 'nl'); it
returns a `viz.charts.Chart` (a Vega-Lite spec). The run report renders it to static SVG
(`charts.to_svg`), the workshop app draws it interactively: the same definition in both.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

from model.categories import INCOME_CLASSES
from viz import charts

# The vision's target: every wijk of at least 100 dwellings has 21-51% corporation dwellings.
BAND_LOW, BAND_HIGH, BAND_MIN_DWELLINGS = 0.21, 0.51, 100
AMBITION_INHABITANTS = 100_000  # the vision's ambition for 2050
COL_WIJK, COL_BUURT, COL_REFERENCE = "#0b5ea8", "#d55e00", "#7a7a7a"
COL_IN, COL_OUT, COL_WITHIN = "#3a9e6f", "#d55e00", "#0b5ea8"
BAND_COLOURS = {"below": "#9cc3e6", "in": "#3a9e6f", "above": "#e8894a",
                "small": charts.SMALL_AREA}
CLASS_COLOURS = dict(zip(INCOME_CLASSES, ("#D55E00", "#E69F00", "#009E73", "#56B4E9",
                                          "#0072B2"), strict=True))
# Fixed class breaks per map indicator, so maps of different runs and years compare by colour.
SEQUENTIAL = ("#fdf0dc", "#fcd19c", "#f7a35c", "#e06a1f", "#a63b06")
DIVERGING = ("#2166ac", "#92c5de", "#f2f2f2", "#f4a582", "#b2182b")
MAP_BREAKS = {
    "low_income_share": ((0.20, 0.30, 0.40, 0.50), SEQUENTIAL, ".0%"),
    "vulnerable_share": ((0.05, 0.10, 0.15, 0.20), SEQUENTIAL, ".0%"),
    "vacancy": ((0.02, 0.04, 0.06, 0.08), SEQUENTIAL, ".0%"),
    "liveability": ((-1.0, -0.3, 0.3, 1.0), DIVERGING[::-1], "+.1f"),
    "change": ((-0.05, -0.01, 0.01, 0.05), DIVERGING, "+.0%"),
    "woz_change": ((-0.15, -0.05, 0.05, 0.15), DIVERGING[::-1], "+.0%"),
}

TEXT = {
    "en": {
        "year": "year", "wijken": "wijken", "buurten": "buurten",
        "D": "Dissimilarity D: low vs high incomes", "D_y": "index D (0–1)",
        "H": "Theil's H: all five income classes", "H_y": "index H (0–1)",
        "iso": "Isolation of the lowest-income class", "iso_y": "share of neighbours",
        "iso_ref": "city-wide share (no isolation)",
        "moran": "Clustering of low incomes: Moran's I", "moran_y": "Moran's I",
        "band": "Wijken in the 21–51% corporation band", "band_y": "wijken",
        "inhabitants": "Inhabitants", "households": "Households",
        "ambition": "ambition: 100,000 inhabitants",
        "out": "Households leaving {city} per year, by income class",
        "out_y": "households per year",
        "vacancy": "Vacant dwellings", "vacancy_y": "share of dwellings",
        "value": "Real-estate value (2024 euros)", "value_y": "billion euros",
        "value_all": "all dwellings", "value_existing": "dwellings standing in {y0}",
        "displaced": "Households that had to move", "displaced_y": "households per year",
        "moves": "Moves per year", "moves_y": "households per year",
        "moved_in": "moved into {city}", "left": "left {city}",
        "within": "moved within {city}", "unmet": "unmet demand",
        "flows": "Households moving in and out by income class, {a}–{b}",
        "income": "Households by income class: {city} and the Netherlands",
        "income_y": "share of households", "national": "Netherlands (Table 1)",
        "one_year": "Only {y} was simulated: no trend to show yet.",
        "classes": {"low_pt": "Low\n(to PT limit)", "low_daeb": "Low\n(to DAEB limit)",
                    "middle": "Middle\n ", "high_afford": "High (to afford-\nable purchase)",
                    "high": "High\n "},
        "map": {"corp_share": "Corporation share", "low_income_share": "Low-income share",
                "vulnerable_share": "Vulnerable share", "liveability": "Liveability",
                "vacancy": "Vacancy", "change": "Change in low-income share since {y0}",
                "woz_change": "Change in mean real WOZ value since {y0}"},
        "per": {"wijken": "per wijk", "buurten": "per buurt"},
        "difference": "Difference in {what} against the baseline, {year}",
        "baseline_word": "baseline", "points": "points",
        "below": "below {lo}", "in": "within the band, {lo}–{hi}", "above": "above {hi}",
        "small": "fewer than {n} dwellings (not counted)",
        "small_tip": "under {n} dwellings, not counted", "below_tip": "below the band",
        "in_tip": "within the band", "above_tip": "above the band",
        "under": "under {a}", "to": "{a} to {b}", "over": "{a} or more",
        "dwellings": "dwellings", "hh": "households", "small_grey": " (small, shown grey)",
    },
    "nl": {
        "year": "jaar", "wijken": "wijken", "buurten": "buurten",
        "D": "Dissimilariteit D: lage vs hoge inkomens", "D_y": "index D (0–1)",
        "H": "Theils H: alle vijf inkomensklassen", "H_y": "index H (0–1)",
        "iso": "Isolatie van de laagste inkomensklasse", "iso_y": "aandeel buren",
        "iso_ref": "aandeel in de stad (geen isolatie)",
        "moran": "Clustering van lage inkomens: Moran's I", "moran_y": "Moran's I",
        "band": "Wijken binnen de corporatieband 21–51%", "band_y": "wijken",
        "inhabitants": "Inwoners", "households": "Huishoudens",
        "ambition": "ambitie: 100.000 inwoners",
        "out": "Vertrekkende huishoudens per jaar, naar inkomensklasse",
        "out_y": "huishoudens per jaar",
        "vacancy": "Leegstaande woningen", "vacancy_y": "aandeel woningen",
        "value": "Vastgoedwaarde (euro's van 2024)", "value_y": "miljard euro",
        "value_all": "alle woningen", "value_existing": "woningen die er in {y0} stonden",
        "displaced": "Huishoudens die moesten verhuizen", "displaced_y": "huishoudens per jaar",
        "moves": "Verhuizingen per jaar", "moves_y": "huishoudens per jaar",
        "moved_in": "naar {city} verhuisd", "left": "{city} verlaten",
        "within": "binnen {city} verhuisd", "unmet": "onvervulde vraag",
        "flows": "Vestiging en vertrek naar inkomensklasse, {a}–{b}",
        "income": "Huishoudens naar inkomensklasse: {city} en Nederland",
        "income_y": "aandeel huishoudens", "national": "Nederland (Tabel 1)",
        "one_year": "Alleen {y} is gesimuleerd: nog geen verloop.",
        "classes": {"low_pt": "Laag\n(tot PT-grens)", "low_daeb": "Laag\n(tot DAEB-grens)",
                    "middle": "Midden\n ", "high_afford": "Hoog (tot betaal-\nbare koop)",
                    "high": "Hoog\n "},
        "map": {"corp_share": "Aandeel corporatiewoningen",
                "low_income_share": "Aandeel lage inkomens",
                "vulnerable_share": "Aandeel kwetsbare huishoudens",
                "liveability": "Leefbaarheid", "vacancy": "Leegstand",
                "change": "Verandering aandeel lage inkomens sinds {y0}",
                "woz_change": "Verandering gemiddelde reële WOZ-waarde sinds {y0}"},
        "per": {"wijken": "per wijk", "buurten": "per buurt"},
        "difference": "Verschil in {what} met de basisrun, {year}",
        "baseline_word": "basisrun", "points": "procentpunt",
        "below": "onder {lo}", "in": "binnen de band, {lo}–{hi}", "above": "boven {hi}",
        "small": "minder dan {n} woningen (telt niet mee)",
        "small_tip": "minder dan {n} woningen, telt niet mee", "below_tip": "onder de band",
        "in_tip": "binnen de band", "above_tip": "boven de band",
        "under": "onder {a}", "to": "{a} tot {b}", "over": "{a} of meer",
        "dwellings": "woningen", "hh": "huishoudens", "small_grey": " (klein, grijs)",
    },
}


def text(lang: str) -> dict:
    """The figure texts in `lang` ('en' or 'nl')."""
    return TEXT["nl" if lang == "nl" else "en"]


def pct(v, digits: int = 0) -> str:
    """A share as a percentage ('36.6%'); '–' for a missing value."""
    return "–" if v is None or not math.isfinite(float(v)) else f"{float(v) * 100:.{digits}f}%"


def band_status(share: float, dwellings: float) -> str:
    """'small', 'below', 'in' or 'above' the vision's 21-51% corporation band.

    Same rule as `model.metrics.count_in_band` (inclusive bounds, wijken under 100
    dwellings not counted), so the map and the headline count always agree.
    """
    if not dwellings >= BAND_MIN_DWELLINGS or not math.isfinite(share):
        return "small"
    if share < BAND_LOW:
        return "below"
    return "in" if share <= BAND_HIGH else "above"


def band_pct(share: float) -> str:
    """A corporation share rounded so that it never seems to contradict its band colour:
    one decimal where a whole percentage would read as 21% or 51% (20.6% is below the
    band, yet '21%' would look inside it)."""
    out = pct(share)
    return pct(share, 1) if out in (f"{BAND_LOW:.0%}", f"{BAND_HIGH:.0%}") else out


# --- over time ---------------------------------------------------------------------------------
def _as_runs(runs) -> list[pd.DataFrame]:
    return [runs] if isinstance(runs, pd.DataFrame) else list(runs)


def _series(runs: list[pd.DataFrame], columns: dict[str, str]) -> pd.DataFrame:
    """One run: its values; several runs: median, 5th and 95th percentile per year."""
    if len(runs) == 1:
        return charts.long_series(runs[0], columns)
    long = charts.summarise_runs(runs, list(columns))
    long["series"] = long["series"].map(columns)
    return long


def _note(runs: list[pd.DataFrame], t: dict) -> str:
    years = runs[0]["year"]
    return t["one_year"].format(y=int(years.iloc[0])) if len(years) == 1 else ""


def segregation_chart(runs, index: str, lang: str = "en", **size) -> charts.Chart:
    """A segregation index over time at wijk level (solid) and buurt level (dashed).
    `index`: 'D' (dissimilarity), 'H' (Theil's H), 'iso' (isolation of the lowest class,
    with its city-wide share dotted as the no-isolation reference) or 'moran'."""
    runs, t = _as_runs(runs), text(lang)
    spec = {
        "D": ({"dissimilarity": t["wijken"], "dissimilarity_buurt": t["buurten"]}, 0.1, ".2f",
              ".3f", False),
        "H": ({"theil_h": t["wijken"], "theil_h_buurt": t["buurten"]}, 0.05, ".2f", ".3f",
              False),
        "iso": ({"isolation_low": t["wijken"], "isolation_low_buurt": t["buurten"],
                 "_low_share": t["iso_ref"]}, 0.1, ".0%", ".1%", False),
        "moran": ({"moran_low": t["wijken"]}, 0.4, ".1f", ".3f", True),
    }
    columns, span, fmt, tip, zero = spec[index]
    if "_low_share" in columns:
        runs = [r.assign(_low_share=r["hh_low_pt"] / r["households"]) for r in runs]
    colours = dict(zip(columns.values(), (COL_WIJK, COL_BUURT, COL_REFERENCE), strict=False))
    return charts.time_chart(
        _series(runs, columns), title=t[index], y_title=t[f"{index}_y"], colours=colours,
        dashes={t["buurten"]: "dashed", t["iso_ref"]: "dotted"}, y_format=fmt,
        tip_format=tip, zero=zero, min_span=span, note=_note(runs, t), x_title=t["year"],
        **size)


def count_chart(runs, what: str, lang: str = "en", scale: float = 1.0, **size
                ) -> charts.Chart:
    """A count over time: 'households', 'inhabitants' (with the 100,000 ambition as a
    dotted line, times `scale` for a reduced run), 'band' (wijken in the corporation
    band), 'vacancy' (share of dwellings vacant) or 'displaced' (households displaced by
    policy, where the run records it)."""
    runs, t = _as_runs(runs), text(lang)
    col, title, y_title, fmt, colour, zero = {
        "households": ("households", t["households"], t["households"].lower(), ",.0f",
                       COL_WIJK, False),
        "inhabitants": ("inhabitants", t["inhabitants"], t["inhabitants"].lower(), ",.0f",
                        "#6a51a3", False),
        "band": ("wijken_in_band", t["band"], t["band_y"], ",.0f", "#3a9e6f", True),
        "vacancy": ("_vacancy", t["vacancy"], t["vacancy_y"], ".1%", COL_REFERENCE, True),
        "displaced": ("displaced", t["displaced"], t["displaced_y"], ",.0f", COL_OUT, True),
    }[what]
    if what == "vacancy":
        runs = [r.assign(_vacancy=r["vacant_dwellings"] / r["dwellings"]) for r in runs]
    if col not in runs[0].columns:
        runs = [r.assign(**{col: np.nan}) for r in runs]
    columns, colours, dashes = {col: title.lower()}, {title.lower(): colour}, {}
    if what == "inhabitants":
        runs = [r.assign(_ambition=AMBITION_INHABITANTS * scale) for r in runs]
        columns["_ambition"] = t["ambition"]
        colours[t["ambition"]] = COL_REFERENCE
        dashes[t["ambition"]] = "dotted"
    values = np.concatenate([r[col].to_numpy(float) for r in runs])
    span = 0.06 * float(np.nanmax(values)) if np.isfinite(values).any() else 0.0
    return charts.time_chart(
        _series(runs, columns), title=title, y_title=y_title, colours=colours, dashes=dashes,
        y_format=fmt, zero=zero, min_span=0 if zero else span, note=_note(runs, t),
        x_title=t["year"], **size)


def value_chart(runs, lang: str = "en", scale: float = 1.0, **size) -> charts.Chart:
    """The stock's total WOZ value over time in billion 2024 euros (for the whole city: a
    reduced run's value divided by `scale`), and, dashed, that of the dwellings that stood
    at the start: what prices alone did, without construction or demolition."""
    runs, t = _as_runs(runs), text(lang)
    y0 = int(runs[0]["year"].iloc[0])
    existing = t["value_existing"].format(y0=y0)
    runs = [r.assign(_value=r["stock_value"] / scale / 1e9,
                     _existing=r["stock_value_existing"] / scale / 1e9) for r in runs]
    columns = {"_value": t["value_all"], "_existing": existing}
    return charts.time_chart(
        _series(runs, columns), title=t["value"], y_title=t["value_y"],
        colours={t["value_all"]: COL_WIJK, existing: COL_REFERENCE},
        dashes={existing: "dashed"}, y_format=",.1f", tip_format=",.2f", zero=False,
        min_span=0.1 * float(runs[0]["_value"].iloc[0]), note=_note(runs, t),
        x_title=t["year"], **size)


def outmigration_chart(runs, lang: str = "en", city_name: str = "Heerlen", **size
                       ) -> charts.Chart:
    """Households leaving the city each year, one line per income class."""
    runs, t = _as_runs(runs), text(lang)
    names = {f"out_{c}": " ".join(t["classes"][c].split()) for c in INCOME_CLASSES}
    runs = [r.iloc[1:] if len(r) > 1 else r for r in runs]  # the start year has no flows
    colours = {names[f"out_{c}"]: CLASS_COLOURS[c] for c in INCOME_CLASSES}
    return charts.time_chart(_series(runs, names), title=t["out"].format(city=city_name),
                             y_title=t["out_y"],
                             colours=colours, y_format=",.0f", zero=True,
                             note=_note(runs, t), x_title=t["year"], **size)


def moves_chart(cf: pd.DataFrame, lang: str = "en", city_name: str = "Heerlen", **size
                ) -> charts.Chart:
    """Moves per year: into the city, out of it, within it, and unmet demand (dashed)."""
    t = {k: v.format(city=city_name) if isinstance(v, str) and "{city}" in v else v
         for k, v in text(lang).items()}
    flows = cf.iloc[1:] if len(cf) > 1 else cf
    columns = {"in_total": t["moved_in"], "out_total": t["left"],
               "moves_within": t["within"], "unmet_demand": t["unmet"]}
    colours = dict(zip(columns.values(), (COL_IN, COL_OUT, COL_WITHIN, COL_REFERENCE),
                       strict=True))
    return charts.time_chart(charts.long_series(flows, columns), title=t["moves"],
                             y_title=t["moves_y"], colours=colours, dashes={t["unmet"]: "dashed"},
                             y_format=",.0f", zero=True, x_title=t["year"], **size)


# --- bars ----------------------------------------------------------------------------------------
def income_chart(cf: pd.DataFrame, national: dict[str, float], lang: str = "en",
                 city_name: str = "Heerlen", **size) -> charts.Chart:
    """Households by income class at start and end, next to the Netherlands (Table 1)."""
    t = text(lang)
    first, last = cf.iloc[0], cf.iloc[-1]
    rows = []

    def add(series, row=None, values=None):
        total = sum(float(row[f"hh_{c}"]) for c in INCOME_CLASSES) if row is not None else 1
        for c in INCOME_CLASSES:
            v = float(row[f"hh_{c}"]) / total if row is not None else values[c]
            rows.append({"category": t["classes"][c], "series": series, "value": v})

    colours = {f"{city_name} {int(first['year'])}": "#9cc3e6"}
    add(f"{city_name} {int(first['year'])}", first)
    if len(cf) > 1:
        colours[f"{city_name} {int(last['year'])}"] = "#0b5ea8"
        add(f"{city_name} {int(last['year'])}", last)
    colours[t["national"]] = "#8a8a8a"
    add(t["national"], values=national)
    return charts.bar_chart(pd.DataFrame(rows), title=t["income"].format(city=city_name),
                            y_title=t["income_y"],
                            colours=colours, y_format=".0%",
                            categories=[t["classes"][c] for c in INCOME_CLASSES], **size)


def flows_chart(cf: pd.DataFrame, lang: str = "en", city_name: str = "Heerlen", **size
                ) -> charts.Chart:
    """Households that moved into and out of the city over the run, per income class."""
    t = {k: v.format(city=city_name) if isinstance(v, str) and "{city}" in v else v
         for k, v in text(lang).items()}
    flows = cf.iloc[1:]
    years = flows["year"].astype(int)
    rows = [{"category": t["classes"][c], "series": s, "value": float(flows[f"{d}_{c}"].sum())}
            for c in INCOME_CLASSES for d, s in (("in", t["moved_in"]), ("out", t["left"]))]
    return charts.bar_chart(pd.DataFrame(rows), title=t["flows"].format(a=years.min(),
                                                                         b=years.max()),
                            y_title=t["hh"], colours={t["moved_in"]: COL_IN, t["left"]: COL_OUT},
                            categories=[t["classes"][c] for c in INCOME_CLASSES], **size)


# --- maps ----------------------------------------------------------------------------------------
MAP_INDICATORS = ("corp_share", "low_income_share", "vulnerable_share", "liveability",
                  "vacancy", "change", "woz_change")


def area_values(frame: pd.DataFrame, indicator: str, year: int, scale: float = 1.0,
                level: str = "wijken", lang: str = "en") -> pd.DataFrame:
    """Per area of `frame` (wijken or buurten rows) in `year`: its colour key, hover text
    and label for the map of `indicator` (see MAP_INDICATORS). Areas under 100 dwellings in
    the real city (dwellings / scale) are grey: their shares rest on few households."""
    t = text(lang)
    code = "wijk_code" if level == "wijken" else "buurt_code"
    name = "wijk_name" if level == "wijken" else "buurt_name"
    rows = frame[frame["year"] == year].set_index(code)
    real = rows["dwellings"] / scale
    out = pd.DataFrame({"code": rows.index})
    if indicator == "corp_share":
        status = [band_status(float(s), float(d)) for s, d in zip(rows["corp_share"], real,
                                                                  strict=True)]
        out["colour"] = status
        out["tip"] = [f"{n}: {t['map']['corp_share'].lower()} {pct(s, 1)} ("
                      + (t["small_tip"].format(n=BAND_MIN_DWELLINGS) if k == "small"
                         else t[f"{k}_tip"]) + f"); {int(d):,} {t['dwellings']}, "
                      f"{int(h):,} {t['hh']}"
                      for n, s, k, d, h in zip(rows[name], rows["corp_share"], status,
                                               rows["dwellings"], rows["households"],
                                               strict=True)]
        out["label"] = ["" if k == "small" else band_pct(s)
                        for k, s in zip(status, rows["corp_share"], strict=True)]
        return out
    values = _indicator_values(frame, rows, indicator, code)
    breaks, _, fmt = MAP_BREAKS[indicator]
    small = ~(real.to_numpy(float) >= BAND_MIN_DWELLINGS) | ~np.isfinite(values)
    keys = np.searchsorted(breaks, values, side="right").astype(str)
    out["colour"] = np.where(small, "small", keys)
    label = t["map"][indicator].format(y0=int(frame["year"].min())).lower()
    out["tip"] = [f"{n}: {label} {charts._fmt(v, fmt.replace('0%', '1%'))}"
                  + (t["small_grey"] if s else "") + f"; {int(d):,} {t['dwellings']}, "
                  f"{int(h):,} {t['hh']}"
                  for n, v, s, d, h in zip(rows[name], values, small, rows["dwellings"],
                                           rows["households"], strict=True)]
    out["label"] = ["" if s else charts._fmt(v, fmt) for v, s in zip(values, small,
                                                                      strict=True)]
    return out


def _indicator_values(frame, rows, indicator, code) -> np.ndarray:
    if indicator == "vacancy":
        return (rows["vacant_dwellings"] / rows["dwellings"]).to_numpy(float)
    if indicator == "change":
        start = frame[frame["year"] == frame["year"].min()].set_index(code)
        return (rows["low_income_share"] - start["low_income_share"].reindex(rows.index)
                ).to_numpy(float)
    if indicator == "woz_change":
        start = frame[frame["year"] == frame["year"].min()].set_index(code)
        return (rows["mean_woz"] / start["mean_woz"].reindex(rows.index) - 1).to_numpy(float)
    return rows[indicator].to_numpy(float)


def legend(indicator: str, lang: str = "en") -> list[tuple[str, str, str]]:
    """(key, colour, text) of a map's legend, in order."""
    t = text(lang)
    small = ("small", charts.SMALL_AREA, t["small"].format(n=BAND_MIN_DWELLINGS))
    if indicator == "corp_share":
        lo, hi = f"{BAND_LOW:.0%}", f"{BAND_HIGH:.0%}"
        return [("below", BAND_COLOURS["below"], t["below"].format(lo=lo)),
                ("in", BAND_COLOURS["in"], t["in"].format(lo=lo, hi=hi)),
                ("above", BAND_COLOURS["above"], t["above"].format(hi=hi)), small]
    breaks, colours, fmt = MAP_BREAKS[indicator]
    b = [charts._fmt(x, fmt) for x in breaks]
    texts = [t["under"].format(a=b[0]),
             *(t["to"].format(a=lo, b=hi) for lo, hi in zip(b, b[1:], strict=False)),
             t["over"].format(a=b[-1])]
    return [*((str(i), c, x) for i, (c, x) in enumerate(zip(colours, texts, strict=True))),
            small]


def map_chart(frame: pd.DataFrame, city, indicator: str, year: int, *, scale: float = 1.0,
              level: str = "wijken", lang: str = "en", width: int = 400,
              title: str | None = None) -> charts.Chart:
    """The map of the city's wijken (or buurten) coloured by `indicator` in `year`, over
    the neighbouring municipalities in grey (named where there is room)."""
    t = text(lang)
    areas = charts.features(city.geojson_path(level))
    context, labels = neighbours(city, width)
    if title is None:
        title = (f"{t['map'][indicator].format(y0=int(frame['year'].min()))} "
                 f"{t['per'][level]}, {year}")
    return charts.choropleth(areas, area_values(frame, indicator, year, scale, level, lang),
                             title=title, legend=legend(indicator, lang), context=context,
                             context_labels=labels, width=width)


_NEIGHBOURS: dict = {}


def neighbours(city, width: int = 400) -> tuple[list[dict], pd.DataFrame]:
    """The neighbouring municipalities' wijken (hover: 'wijk (municipality)') and where to
    print the municipalities' names on a map `width` pixels wide (computed once)."""
    key = (str(city.data_dir), width)
    if key not in _NEIGHBOURS:
        path = city.geojson_path("neighbours")
        feats = charts.features(path) if path.is_file() else []
        names = (dict(zip(city.outside["gm_code"], city.outside["name"], strict=True))
                 if "gm_code" in city.outside.columns else {})
        groups = {}
        for f in feats:
            p = f["properties"]
            gm = names.get(str(p.get("gm_code", "")), "")
            p["tip"] = f"{p.get('name', '')} ({gm})" if gm else str(p.get("name", ""))
            groups[str(p.get("code", ""))] = gm
        areas = charts.features(city.geojson_path("wijken"))
        labels = charts.group_labels(feats, groups, areas, width_px=width) if feats else None
        _NEIGHBOURS[key] = (feats, labels)
    return _NEIGHBOURS[key]


def class_labels(lang: str = "en") -> dict[str, str]:
    """Income class names on one line."""
    return {c: " ".join(v.split()) for c, v in text(lang)["classes"].items()}


def last_year(frames: Sequence[pd.DataFrame]) -> int:
    return int(max(f["year"].max() for f in frames))


# --- batches: groups of runs side by side, sensitivity indices ------------------------------
def group_chart(groups: dict[str, Sequence[pd.DataFrame]], column: str, *, title: str,
                y_title: str, y_format: str = ",.0f", tip_format: str | None = None,
                zero: bool = False, min_span: float = 0.0, lang: str = "en", **size
                ) -> charts.Chart:
    """One indicator (a column of the city frames) over time for several groups of runs
    (scenario x policy of a batch): per group its median over the runs and the 90% band, in
    the colours of `charts.PALETTE`, in the order of `groups`."""
    parts = []
    for label, frames in groups.items():
        long = charts.summarise_runs(list(frames), [column])
        long["series"] = label
        parts.append(long)
    colours = {label: charts.PALETTE[i % len(charts.PALETTE)]
               for i, label in enumerate(groups)}
    return charts.time_chart(pd.concat(parts, ignore_index=True), title=title,
                             y_title=y_title, colours=colours, y_format=y_format,
                             tip_format=tip_format, zero=zero, min_span=min_span,
                             x_title=text(lang)["year"], **size)


def sensitivity_chart(indices: pd.DataFrame, method: str, *, title: str, width: int = 430
                      ) -> charts.Chart:
    """Sensitivity indices of one output as horizontal bars, most influential on top, with
    their 95% confidence interval as a line: Morris' mu* (mean absolute elementary effect)
    or Sobol's total-order index ST."""
    key, conf, name = (("mu_star", "mu_star_conf", "mu* (mean absolute effect)")
                       if method == "morris" else ("ST", "ST_conf", "total-order index ST"))
    data = indices[["parameter", "label", key, conf]].rename(
        columns={key: "value", conf: "conf"}).copy()
    data["low"] = (data["value"] - data["conf"]).clip(lower=0)
    data["high"] = data["value"] + data["conf"]
    data["tip"] = [f"{par} ({lab}): {v:.3g} (95% interval {lo:.3g} to {hi:.3g})"
                   for par, lab, v, lo, hi in zip(data["parameter"], data["label"],
                                                  data["value"], data["low"], data["high"],
                                                  strict=True)]
    data["label"] = data["parameter"]  # the register's name: labels alone can be ambiguous
    order = list(data.sort_values("value", ascending=False)["label"])
    y = charts.field("label", sort=order, title=None,
                     axis={"labelLimit": 260, "labelColor": "#222222"})
    x = charts.field("value", "quantitative", title=name, scale={"zero": True})
    layers = [
        {"mark": {"type": "bar", "color": charts.PALETTE[0], "height": 14},
         "encoding": {"y": y, "x": x, **charts.tip()}},
        {"mark": {"type": "rule", "color": "#222222", "strokeWidth": 1.5, "aria": False},
         "encoding": {"y": y, "x": charts.field("low", "quantitative"), "x2": {"field": "high"}}},
    ]
    return charts.layered(layers, datasets={"indices": charts._records(data)},
                          data={"name": "indices"}, title=title, width=width,
                          height=22 * len(data))


# --- a run against a baseline (run --baseline; the app's package comparison) --------------------
DIFFERENCE_BREAKS = (-0.05, -0.02, 0.02, 0.05)  # difference in share, points / 100


def difference_values(frame: pd.DataFrame, baseline: pd.DataFrame, indicator: str, year: int,
                      scale: float = 1.0, lang: str = "en") -> pd.DataFrame:
    """Per wijk: the colour key, hover text and label (in points) of the difference in
    `indicator` (a share column of wijken.csv) between a run and its baseline in `year`;
    wijken under 100 dwellings in the real city are grey, as on the other maps."""
    t = text(lang)
    a = frame[frame["year"] == year].set_index("wijk_code")
    b = baseline[baseline["year"] == year].set_index("wijk_code")
    diff = (a[indicator] - b[indicator].reindex(a.index)).to_numpy(float)
    small = ~np.isfinite(diff) | ~(a["dwellings"].to_numpy(float) / scale
                                   >= BAND_MIN_DWELLINGS)
    keys = np.searchsorted(DIFFERENCE_BREAKS, diff, side="right").astype(str)
    label = t["map"].get(indicator, indicator).lower()
    return pd.DataFrame({
        "code": a.index,
        "colour": np.where(small, "small", keys),
        "tip": [f"{n}: {label} {pct(x, 1)} ({t['baseline_word']} {pct(y, 1)})"
                for n, x, y in zip(a["wijk_name"], a[indicator],
                                   b[indicator].reindex(a.index), strict=True)],
        "label": ["" if s else f"{d * 100:+.0f}" for d, s in zip(diff, small, strict=True)],
    })


def difference_map(frame: pd.DataFrame, baseline: pd.DataFrame, city, indicator: str,
                   year: int, *, scale: float = 1.0, lang: str = "en", width: int = 400
                   ) -> charts.Chart:
    """Map of how much a wijk share differs from the baseline run, in percentage points:
    blue lower, red higher (fixed classes, so maps of different runs compare)."""
    t = text(lang)
    b = [f"{x * 100:+.0f}" for x in DIFFERENCE_BREAKS]
    texts = [t["under"].format(a=b[0]), *(t["to"].format(a=lo, b=hi)
                                          for lo, hi in zip(b, b[1:], strict=False)),
             t["over"].format(a=b[-1])]
    legend_items = [*((str(i), c, f"{x} {t['points']}") for i, (c, x) in
                      enumerate(zip(DIVERGING, texts, strict=True))),
                    ("small", charts.SMALL_AREA, t["small"].format(n=BAND_MIN_DWELLINGS))]
    context, labels = neighbours(city, width)
    title = t["difference"].format(what=t["map"].get(indicator, indicator).lower(), year=year)
    return charts.choropleth(charts.features(city.geojson_path("wijken")),
                             difference_values(frame, baseline, indicator, year, scale, lang),
                             title=title, legend=legend_items, context=context,
                             context_labels=labels, width=width)
