"""The run report (report.html): one offline page a policy maker can read without the code.

Why one self-contained file: the report is mailed around, opened on municipal laptops and
archived with the results folder. So it has no JavaScript, no web fonts, no external images
and no links to the internet; its charts are inline SVG drawn by `viz/svg.py`.

The page follows the questions of the housing vision (Nieuw Heerlens Woonfundament 2024):
  1. headline: how many households, who came and left, how segregated, how many wijken in
     the 21-51% corporation band, how much demand went unmet;
  2. segregation indices over time, at wijk and buurt level;
  3. maps: corporation share (the band) and low-income share per wijk in the last year;
  4. the income distribution against the Netherlands (the vision's Table 1);
  5. flows in and out of the city by income class, and per year;
  6. households and inhabitants over time;
  7. a table of the wijken in the last year.
Every chart has a caption in plain language that says what it shows and how to read it.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd

from model.categories import INCOME_CLASSES
from viz import svg
from viz.svg import Series, esc

# The Netherlands' income distribution over the five classes, from the vision's Table 1.
NATIONAL_SHARES = {"low_pt": 0.37, "low_daeb": 0.15, "middle": 0.11, "high_afford": 0.10,
                   "high": 0.27}
NATIONAL_SOURCE = "Nieuw Heerlens Woonfundament 2024, Table 1 (CBS microdata 2024)"
CBS_CREDIT = "Bron: CBS (CC BY 4.0)"

# The vision's target: every wijk of at least 100 dwellings has 21-51% corporation dwellings.
BAND_LOW, BAND_HIGH, BAND_MIN_DWELLINGS = 0.21, 0.51, 100

CLASS_LABELS = {  # short names for charts ('\n' wraps an axis label)
    "low_pt": "Low\n(to PT limit)",
    "low_daeb": "Low\n(to DAEB limit)",
    "middle": "Middle\n ",
    "high_afford": "High (to afford-\nable purchase)",
    "high": "High\n ",
}
CLASS_NAMES = {  # the same in one line, for tables and text
    "low_pt": "Low, to the passend-toewijzen limit",
    "low_daeb": "Low, to the DAEB limit",
    "middle": "Middle",
    "high_afford": "High, to affordable purchase",
    "high": "High",
}
CLASS_LIMITS = (  # yearly household income, 2024 limits (single / multi-person), Table 1
    "Low, to the passend-toewijzen (PT) limit: up to €27,725 (single) / €37,625 "
    "(multi-person); low, to the DAEB limit: up to €47,699 / €52,671; middle: up to "
    "€63,355; high, to affordable purchase: €63,355 to €78,500; high: above €78,500.")

# Colours: blue for the city, grey for the national reference; the band map uses a distinct
# green for 'within the band' and blue/orange for below/above it.
COL_START, COL_END, COL_NATIONAL = "#9cc3e6", "#0b5ea8", "#8a8a8a"
COL_WIJK, COL_BUURT, COL_REFERENCE = "#0b5ea8", "#d55e00", "#7a7a7a"
BAND_COLOURS = {"below": "#9cc3e6", "in": "#3a9e6f", "above": "#e8894a", "small": svg.HATCH}
LOW_INCOME_BREAKS = (0.20, 0.30, 0.40, 0.50)
LOW_INCOME_COLOURS = ("#fdf0dc", "#fcd19c", "#f7a35c", "#e06a1f", "#a63b06")
MINUS = "\u2212"


# --- formatting -----------------------------------------------------------------------------
def _int(v) -> str:
    """A count with thousands separators ('45,370'); '–' for a missing value."""
    return "–" if v is None or not math.isfinite(float(v)) else f"{round(float(v)):,}"


def _pct(v, digits: int = 0) -> str:
    """A share as a percentage ('36.6%'); '–' for a missing value."""
    return "–" if v is None or not math.isfinite(float(v)) else f"{float(v) * 100:.{digits}f}%"


def _signed(v: float, fmt: str = "{:,.0f}") -> str:
    """A change with an explicit sign, using a real minus sign ('+120', '−85')."""
    text = fmt.format(abs(v))
    return ("+" if v > 0 else MINUS if v < 0 else "±") + text


def _dec(v, digits: int = 3) -> str:
    return "–" if v is None or not math.isfinite(float(v)) else f"{float(v):.{digits}f}"


def _score(v) -> str:
    """A score around zero with a real minus sign ('−1.55', '+0.20')."""
    return "–" if v is None or not math.isfinite(float(v)) else _signed(float(v), "{:.2f}")


def _trend(a: float, b: float, tolerance: float) -> str:
    """'rose', 'fell' or 'stayed about the same': words a reader takes in faster than
    numbers; changes within `tolerance` are called 'about the same' (sampling noise)."""
    if not (math.isfinite(a) and math.isfinite(b)) or abs(b - a) <= tolerance:
        return "stayed about the same"
    return "rose" if b > a else "fell"


# --- data preparation -----------------------------------------------------------------------
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


def _band_pct(share: float) -> str:
    """A corporation share rounded so that it never seems to contradict its band colour:
    one decimal where a whole percentage would read as 21% or 51% (20.6% is below the
    band, yet '21%' would look inside it)."""
    text = _pct(share)
    return _pct(share, 1) if text in (f"{BAND_LOW:.0%}", f"{BAND_HIGH:.0%}") else text


def _low_income_colour(share: float) -> str:
    """Colour of a low-income share on the fixed class breaks (20/30/40/50%): fixed so that
    maps of different runs and years can be compared by colour."""
    return LOW_INCOME_COLOURS[int(np.searchsorted(LOW_INCOME_BREAKS, share, side="right"))]


def _shapes(path: Path) -> list[svg.Shape]:
    """Polygons of a GeoJSON file, or none if the file is missing (the map is then skipped,
    the rest of the report still renders)."""
    if not path.is_file():
        return []
    return svg.shapes_from_geojson(json.loads(path.read_text(encoding="utf-8")))


def _wijk_numbers(city) -> dict[str, str]:
    """The CBS wijk number (10, 11, ...) per code, used as a short label on the maps."""
    w = city.wijken
    if "wijk_number" in w.columns:
        return {c: str(int(n)) for c, n in zip(w["wijk_code"], w["wijk_number"], strict=True)}
    return {c: str(c)[-2:] for c in w["wijk_code"]}


# --- page parts -----------------------------------------------------------------------------
def _figure(chart: str, caption: str, wide: bool = False) -> str:
    """A chart with its plain-language caption underneath."""
    cls = "fig wide" if wide else "fig"
    return f'<figure class="{cls}">{chart}<figcaption>{caption}</figcaption></figure>'


def _section(ident: str, title: str, intro: str, body: str) -> str:
    return (f'<section id="{esc(ident)}"><h2>{esc(title)}</h2>'
            + (f'<p class="intro">{intro}</p>' if intro else "") + body + "</section>")


def _one_year_note(years: list[int]) -> str:
    """The note printed in a time chart of a run that has only its start year."""
    return f"Only {years[0]} was simulated: no trend to show yet." if len(years) == 1 else ""


def _header(results, years: list[int]) -> str:
    """Title, the facts that identify the run, and the parameters that differ from the
    defaults (so a reader can tell two reports apart and repeat the run)."""
    p, city = results.params, results.geography
    scenario_name, seed = results.scenario, results.seed
    scale = float(p.scale)
    scale_text = "1 (the whole city)" if scale >= 1 else f"{scale:g} ({scale:.0%} of the city)"
    period = f"{years[0]}–{years[-1]}" if len(years) > 1 else f"{years[0]} (start year only)"
    facts = [("Scenario", scenario_name), ("Policy", results.policy), ("Seed", str(seed)),
             ("Years", period),
             ("Scale", scale_text),
             ("Model version", f"sorteermachine {results.meta.get('version', 'unknown')}")]
    description = _scenario_description(scenario_name)
    rows = "".join(f"<div><dt>{esc(k)}</dt><dd>{esc(v)}</dd></div>" for k, v in facts)
    out = [f"<header><h1>{esc(city.name)} housing market simulation: "
           f"{esc(scenario_name)}</h1>",
           '<p class="sub">Run report of the sorteermachine, an agent-based model of how '
           f"{esc(city.name)}'s housing market sorts households of five income classes over "
           f"its {city.n_wijken} wijken and {city.n_buurten} buurten.</p>",
           f'<dl class="facts">{rows}</dl>']
    if description:
        out.append(f'<p class="scenario">{esc(description)}</p>')
    if scale < 1:
        out.append(f'<p class="notice">This run simulates {scale:.0%} of the city. Counts '
                   f"(households, inhabitants, flows) are for that sample: multiply by "
                   f"{1 / scale:.3g} for {esc(city.name)} as a whole. Shares and indices need no "
                   "correction.</p>")
    out.append(_changed_parameters(p))
    out.append("</header>")
    return "".join(out)


def _scenario_description(name: str) -> str:
    """The built-in scenario's one-line description, if `name` is a built-in one."""
    try:
        from model.scenarios import builtin_names, load_scenario

        return load_scenario(name).description if name in builtin_names() else ""
    except Exception:  # a report must not fail on a missing description
        return ""


def _changed_parameters(params) -> str:
    """The non-default parameters as a small table with their meaning."""
    changed = params.changed()
    if not changed:
        return '<p class="params">All parameters at their default values.</p>'
    from model.register import REGISTER

    def show(v):
        if isinstance(v, tuple):
            return ", ".join(show(x) for x in v)
        if isinstance(v, bool) or not isinstance(v, int | float):
            return f"{v}"
        return f"{v:,g}"  # 8395.0 -> '8,395'

    rows = []
    for name, value in changed.items():
        reg = REGISTER.get(name)
        default = show(reg.default) if reg else ""
        unit = reg.unit if reg and not isinstance(value, str) else ""
        doc = reg.doc if reg else ""
        rows.append(f"<tr><td><code>{esc(name)}</code></td><td>{esc(show(value))}</td>"
                    f"<td>{esc(default)}</td><td>{esc(unit)}</td><td>{esc(doc)}</td></tr>")
    return ('<details class="params" open><summary>Parameters that differ from the defaults '
            f"({len(changed)})</summary><table><thead><tr><th>parameter</th><th>value</th>"
            "<th>default</th><th>unit</th><th>meaning</th></tr></thead><tbody>"
            + "".join(rows) + "</tbody></table></details>")


def _toc() -> str:
    items = [("headline", "Headline"), ("segregation", "Segregation"),
             ("maps", "Maps"), ("income", "Income distribution"),
             ("flows", "Moving in and out"), ("population", "Population"),
             ("wijken", "Wijken table")]
    links = "".join(f'<li><a href="#{a}">{i}. {esc(t)}</a></li>'
                    for i, (a, t) in enumerate(items, 1))
    return f'<nav><ul class="toc">{links}</ul></nav>'


# --- 1. headline ----------------------------------------------------------------------------
def _card(label: str, value: str, detail: str = "") -> str:
    return (f'<div class="card"><div class="label">{esc(label)}</div>'
            f'<div class="value">{value}</div>'
            + (f'<div class="detail">{detail}</div>' if detail else "") + "</div>")


def _from_to(a: str, b: str, single: bool) -> str:
    """'a → b', or only `a` when start and end are the same year."""
    return esc(a) if single else f'{esc(a)} <span class="arrow">→</span> {esc(b)}'


def _headline(cf: pd.DataFrame, wf: pd.DataFrame, name: str) -> str:
    """The box a reader who reads nothing else should see: start against end."""
    first, last = cf.iloc[0], cf.iloc[-1]
    y0, y1 = int(first["year"]), int(last["year"])
    single = len(cf) == 1
    counted = {y: int((wf.loc[wf["year"] == y, "real_dwellings"] >= BAND_MIN_DWELLINGS).sum())
               for y in (y0, y1)}

    def change(col):
        a, b = float(first[col]), float(last[col])
        return "" if single else (f"{_signed(b - a)} ({_signed((b - a) / a * 100, '{:.1f}')}%)"
                                  if a else _signed(b - a))

    cards = [
        _card(f"Households {y0}" + ("" if single else f" → {y1}"),
              _from_to(_int(first["households"]), _int(last["households"]), single),
              esc(change("households"))),
        _card("Inhabitants", _from_to(_int(first["inhabitants"]), _int(last["inhabitants"]),
                                      single), esc(change("inhabitants"))),
        _card("Segregation D (low vs high incomes)",
              _from_to(_dec(first["dissimilarity"]), _dec(last["dissimilarity"]), single),
              "0 = evenly mixed, 1 = fully separated"),
        _card("Segregation H (all five classes)",
              _from_to(_dec(first["theil_h"]), _dec(last["theil_h"]), single),
              "0 = every wijk like the city, higher = more segregated"),
        _card("Wijken in the 21–51% corporation band",
              _from_to(f"{int(first['wijken_in_band'])} of {counted[y0]}",
                       f"{int(last['wijken_in_band'])} of {counted[y1]}", single),
              f"the vision's target for 2050; wijken under {BAND_MIN_DWELLINGS} dwellings "
              "are not counted"),
        _card("Unmet demand", _int(cf["unmet_demand"].sum()),
              f"households that wanted to move to {esc(name)} but found no dwelling"
              + ("" if not single else " (none in a start-year-only run)")),
    ]
    summary = "" if single else f'<p class="summary">{_summary_sentence(cf, counted)}</p>'
    return _section("headline", "1. Headline", "", summary + '<div class="cards">' + "".join(cards)
                    + "</div>" + _net_migration_table(cf))


def _summary_sentence(cf: pd.DataFrame, counted: dict) -> str:
    """The run in two sentences, in words; numbers follow in the cards."""
    first, last = cf.iloc[0], cf.iloc[-1]
    y0, y1 = int(first["year"]), int(last["year"])
    hh_a, hh_b = float(first["households"]), float(last["households"])
    d_a, d_b = float(first["dissimilarity"]), float(last["dissimilarity"])
    hh = _trend(hh_a, hh_b, 0.005 * hh_a)
    hh_text = (f"the number of households {hh}" if hh.startswith("stayed")
               else f"the number of households {hh} by {abs(hh_b - hh_a) / hh_a:.1%}")
    return esc(f"From {y0} to {y1} {hh_text}. Segregation between low and high incomes over "
               f"the wijken (D) {_trend(d_a, d_b, 0.01)} ({d_a:.3f} → {d_b:.3f}), and "
               f"{int(last['wijken_in_band'])} of {counted[y1]} wijken were within the "
               f"vision's corporation band in {y1} ({int(first['wijken_in_band'])} in {y0}).")


def _net_migration_table(cf: pd.DataFrame) -> str:
    """In, out and net migration per income class over the whole run."""
    if len(cf) < 2:
        return ""  # the start year has no flows: a table of zeros would say nothing
    rows = []
    for c in INCOME_CLASSES:
        n_in, n_out = int(cf[f"in_{c}"].sum()), int(cf[f"out_{c}"].sum())
        net = n_in - n_out
        cls = "pos" if net > 0 else "neg" if net < 0 else ""
        rows.append(f"<tr><td>{esc(CLASS_NAMES[c])}</td><td>{_int(n_in)}</td><td>{_int(n_out)}"
                    f'</td><td class="{cls}">{esc(_signed(net))}</td></tr>')
    n_in, n_out = int(cf["in_total"].sum()), int(cf["out_total"].sum())
    rows.append(f'<tr class="total"><td>All households</td><td>{_int(n_in)}</td>'
                f"<td>{_int(n_out)}</td><td>{esc(_signed(n_in - n_out))}</td></tr>")
    return ('<table class="net"><caption>Net migration by income class, whole run '
            "(households moving into the city minus households leaving it)</caption><thead>"
            "<tr><th>income class</th><th>moved in</th><th>left</th><th>net</th></tr></thead>"
            "<tbody>" + "".join(rows) + "</tbody></table>")


# --- 2. segregation -------------------------------------------------------------------------
def _segregation(cf: pd.DataFrame, n_counted: int) -> str:
    """The indices over time: the wijk level (solid) and the finer buurt level (dashed)."""
    years = cf["year"].astype(int).tolist()
    note = _one_year_note(years)
    low_share = (cf["hh_low_pt"] / cf["households"]).to_numpy(float)

    def chart(title, series, y_label, **kw):
        kw = {"y_format": "{:.3f}", "tick_format": "{:.2f}", **kw}
        return svg.line_chart(years, series, title=title, x_label="year", y_label=y_label,
                              note=note, **kw)

    figs = [
        _figure(chart("Dissimilarity D: low vs high incomes", [
            Series("wijken", cf["dissimilarity"], COL_WIJK),
            Series("buurten", cf["dissimilarity_buurt"], COL_BUURT, dashed=True)],
            "index D (0–1)", min_span=0.1),
            "The share of low-income households (the two low classes) that would have to move "
            "to another area for them to be spread over the city like the high incomes (the "
            "two high classes). <b>Higher means more segregated.</b> Buurten are smaller than "
            "wijken, so the buurt line is always higher: compare the slopes, not the levels."),
        _figure(chart("Theil's H: all five income classes", [
            Series("wijken", cf["theil_h"], COL_WIJK),
            Series("buurten", cf["theil_h_buurt"], COL_BUURT, dashed=True)],
            "index H (0–1)", min_span=0.05),
            "How much less mixed the areas are than the city as a whole, over all five "
            "classes at once. 0 means every area has the city's mix; 1 means every area holds "
            "one class only. <b>Higher means more segregated.</b>"),
        _figure(chart("Isolation of the lowest-income class", [
            Series("wijken", cf["isolation_low"], COL_WIJK),
            Series("buurten", cf["isolation_low_buurt"], COL_BUURT, dashed=True),
            Series("city-wide share (no isolation)", low_share, COL_REFERENCE, dotted=True)],
            "share of neighbours", min_span=0.1, y_format=_pct_fmt(1), tick_format=_pct_fmt(0)),
            "The share of lowest-income (PT) households in the area of the average "
            "lowest-income household: how often they meet their own class. The dotted line is "
            "their share in the whole city, the value if they were spread evenly. <b>The "
            "further above the dotted line, the more isolated.</b>"),
        _figure(chart("Clustering of low incomes: Moran's I", [
            Series("wijken", cf["moran_low"], COL_WIJK)],
            "Moran's I", include_zero=True, min_span=0.4),
            "Whether wijken with many low-income households lie next to each other. Around 0: "
            "no spatial pattern; <b>positive: poor wijken border poor wijken (clusters)</b>; "
            "negative: poor and rich wijken alternate. Wijken under 100 dwellings are left "
            f"out. With {n_counted} wijken this index moves a lot from year to year by "
            "chance."),
    ]
    intro = ("Segregation indices summarise, in one number per year, how unevenly the income "
             "classes are spread over the wijken (and over the smaller buurten). Hover over a "
             "line to see the values.")
    return _section("segregation", "2. Segregation over time", intro,
                    '<div class="grid">' + "".join(figs) + "</div>")


def _pct_fmt(digits: int):
    return lambda v: _pct(v, digits)


# --- 3. maps --------------------------------------------------------------------------------
def _maps(results, wf: pd.DataFrame) -> str:
    """Corporation share against the vision's band, and the low-income share, per wijk in
    the last year, on the map of the city with its neighbours in grey."""
    city = results.geography
    shapes = _shapes(city.geojson_path("wijken"))
    year = int(wf["year"].max())
    last = wf[wf["year"] == year].set_index("wijk_code")
    if not shapes:
        return _section("maps", "3. Maps of the wijken", "", "<p>No wijk boundaries found in "
                        f"{esc(city.data_dir.name)}: maps skipped.</p>")
    context = _shapes(city.geojson_path("neighbours"))
    names = dict(zip(city.outside["gm_code"], city.outside["name"], strict=True)) \
        if "gm_code" in city.outside.columns else {}
    context_codes = _context_municipalities(city.geojson_path("neighbours"))

    def context_tip(shape):
        municipality = names.get(context_codes.get(shape.code, ""), "")
        return f"{shape.name} ({municipality})" if municipality else shape.name

    groups = {code: names.get(gm, "") for code, gm in context_codes.items()}
    common = {"context": context, "context_tooltip": context_tip, "context_groups": groups,
              "width": 460}
    fills, tips, labels = _corp_fills(last, shapes)
    corp_map = svg.choropleth(shapes, fills, tips, labels=labels, ident="corp",
                              title=f"Corporation share per wijk, {year}",
                              legend_items=_band_legend(), **common)
    fills, tips, labels = _low_income_fills(last, shapes)
    low_map = svg.choropleth(shapes, fills, tips, labels=labels, ident="low",
                             title=f"Low-income share per wijk, {year}",
                             legend_items=_low_income_legend(), **common)
    figs = [
        _figure(corp_map,
                "The share of dwellings owned by housing corporations in each wijk. The vision "
                "wants every wijk <b>within 21–51%</b> (green): enough social rent everywhere, "
                "but no wijk dominated by it. Blue wijken have too little, orange too much. "
                f"Hatched wijken have fewer than {BAND_MIN_DWELLINGS} dwellings and do not "
                "count. "
                "Labels give the share; hover for details. Neighbouring municipalities are "
                "shown in light grey."),
        _figure(low_map,
                "The share of households in the lowest income class (up to the "
                "passend-toewijzen limit) in each wijk. <b>Darker means more low-income "
                "households.</b> The colour classes are fixed, so maps of different runs can "
                f"be compared. {esc(city.name)} as a whole: "
                f"{_pct(last['hh_low_pt'].sum() / max(last['households'].sum(), 1))}."),
    ]
    intro = ("Where the city stands at the end of the run. The number in each wijk is its "
             "share; the table in section 7 lists the same wijken by name.")
    return _section("maps", "3. Maps of the wijken", intro,
                    '<div class="grid maps">' + "".join(figs) + "</div>")


def _context_municipalities(path: Path) -> dict[str, str]:
    """Municipality code (gm_code) of each context shape, to name it in the tooltip."""
    if not path.is_file():
        return {}
    data = json.loads(path.read_text(encoding="utf-8"))
    return {str((f.get("properties") or {}).get("code", "")):
            str((f.get("properties") or {}).get("gm_code", "")) for f in data.get("features", [])}


def _wijk_tip(name: str, row, extra: str) -> str:
    return (f"{name}: {extra}; {_int(row['dwellings'])} dwellings, "
            f"{_int(row['households'])} households")


def _corp_fills(last: pd.DataFrame, shapes) -> tuple[dict, dict, dict]:
    """Fill colour, tooltip and label of each wijk on the band map."""
    fills, tips, labels = {}, {}, {}
    words = {"below": "below the band", "in": "within the band", "above": "above the band",
             "small": f"under {BAND_MIN_DWELLINGS} dwellings, not counted"}
    for s in shapes:
        if s.code not in last.index:
            continue
        row = last.loc[s.code]
        status = band_status(float(row["corp_share"]), float(row["real_dwellings"]))
        fills[s.code] = BAND_COLOURS[status]
        tips[s.code] = _wijk_tip(s.name, row, f"corporation share {_pct(row['corp_share'], 1)}"
                                 f" ({words[status]})")
        labels[s.code] = "" if status == "small" else _band_pct(row["corp_share"])
    return fills, tips, labels


def _band_legend() -> list[tuple[str, str]]:
    return [(BAND_COLOURS["below"], f"below {BAND_LOW:.0%}"),
            (BAND_COLOURS["in"], f"within the band, {BAND_LOW:.0%}–{BAND_HIGH:.0%}"),
            (BAND_COLOURS["above"], f"above {BAND_HIGH:.0%}"),
            (BAND_COLOURS["small"], f"fewer than {BAND_MIN_DWELLINGS} dwellings (not counted)")]


def _low_income_fills(last: pd.DataFrame, shapes) -> tuple[dict, dict, dict]:
    fills, tips, labels = {}, {}, {}
    for s in shapes:
        if s.code not in last.index:
            continue
        row = last.loc[s.code]
        share = float(row["low_income_share"])
        small = (not float(row["real_dwellings"]) >= BAND_MIN_DWELLINGS
                 or not math.isfinite(share))
        fills[s.code] = BAND_COLOURS["small"] if small else _low_income_colour(share)
        tips[s.code] = _wijk_tip(s.name, row, f"low-income share {_pct(share, 1)}"
                                 + (" (small wijk, shown grey)" if small else ""))
        labels[s.code] = "" if small else _pct(share)
    return fills, tips, labels


def _low_income_legend() -> list[tuple[str, str]]:
    b = [f"{x:.0%}" for x in LOW_INCOME_BREAKS]
    texts = [f"under {b[0]}", *(f"{lo} to {hi}" for lo, hi in zip(b, b[1:], strict=False)),
             f"{b[-1]} or more"]
    return [*zip(LOW_INCOME_COLOURS, texts, strict=True),
            (BAND_COLOURS["small"], f"fewer than {BAND_MIN_DWELLINGS} dwellings (too small)")]


# --- 4. income distribution -----------------------------------------------------------------
def _income(cf: pd.DataFrame, name: str) -> str:
    """The city's class shares at start and end next to the Netherlands' (Table 1)."""
    first, last = cf.iloc[0], cf.iloc[-1]
    y0, y1 = int(first["year"]), int(last["year"])

    def shares(row):
        total = sum(float(row[f"hh_{c}"]) for c in INCOME_CLASSES)
        return [float(row[f"hh_{c}"]) / total if total else math.nan for c in INCOME_CLASSES]

    series = [Series(f"{name} {y0}", shares(first), COL_START)]
    if len(cf) > 1:
        series.append(Series(f"{name} {y1}", shares(last), COL_END))
    series.append(Series("Netherlands (Table 1)", [NATIONAL_SHARES[c] for c in INCOME_CLASSES],
                         COL_NATIONAL))
    chart = svg.bar_chart([CLASS_LABELS[c] for c in INCOME_CLASSES], series,
                          title=f"Households by income class: {name} and the Netherlands",
                          y_label="share of households", y_format=_pct_fmt(0),
                          show_values=True, width=900, height=340)
    caption = ("Each group of bars is one income class; the bars give its share of all "
               f"households. Where {esc(name)}'s bar is above the grey national bar, "
               f"{esc(name)} has "
               "more of that class than the Netherlands. The vision's aim is a distribution "
               f"closer to the national one. {esc(CLASS_LIMITS)} National shares: "
               f"{esc(NATIONAL_SOURCE)}.")
    return _section("income", "4. Income distribution against the Netherlands", "",
                    _figure(chart, caption, wide=True))


# --- 5. flows -------------------------------------------------------------------------------
def _flows(cf: pd.DataFrame, name: str) -> str:
    """Who moved in and who left, by class over the run, and the yearly totals."""
    if len(cf) < 2:
        return _section("flows", "5. Moving in and out", "",
                        '<p class="note">The run covers only its start year, so no household '
                        "has moved yet: there are no flows to show.</p>")
    flows = cf.iloc[1:]  # the start year is recorded with zero flows by construction
    years = flows["year"].astype(int).tolist()
    bars = svg.bar_chart(
        [CLASS_LABELS[c] for c in INCOME_CLASSES],
        [Series(f"moved into {name}", [flows[f"in_{c}"].sum() for c in INCOME_CLASSES],
                "#3a9e6f"),
         Series(f"left {name}", [flows[f"out_{c}"].sum() for c in INCOME_CLASSES], "#d55e00")],
        title=f"Households moving in and out by income class, {years[0]}–{years[-1]}",
        y_label="households", show_values=True, width=900, height=320)
    lines = svg.line_chart(
        years,
        [Series(f"moved into {name}", flows["in_total"], "#3a9e6f"),
         Series(f"left {name}", flows["out_total"], "#d55e00"),
         Series(f"moved within {name}", flows["moves_within"], "#0b5ea8"),
         Series("unmet demand", flows["unmet_demand"], "#7a7a7a", dashed=True)],
        title="Moves per year", x_label="year", y_label="households per year",
        y_format="{:,.0f}", include_zero=True, width=900, height=300,
        note=_one_year_note(years))
    figs = [
        _figure(bars, "All households that moved into the city from outside (green) and that "
                "left it (orange) over the whole run, per income class. <b>Where green is "
                "higher than orange the class grew by migration</b>; the difference is the net "
                "migration in the headline table."),
        _figure(lines, "Moves per year: into the city, out of it, and from one dwelling to "
                "another within it. <b>Unmet demand</b> counts households that wanted to move "
                f"to {esc(name)} but found no dwelling they were allowed and able to rent or "
                "buy."),
    ]
    return _section("flows", "5. Moving in and out", "", '<div class="stack">' + "".join(figs)
                    + "</div>")


# --- 6. population --------------------------------------------------------------------------
def _population(cf: pd.DataFrame, name: str) -> str:
    """Households and inhabitants over time, each on its own axis."""
    years = cf["year"].astype(int).tolist()
    note = _one_year_note(years)
    figs = []
    for col, title, colour in (("households", "Households", COL_WIJK),
                               ("inhabitants", "Inhabitants", "#6a51a3")):
        values = cf[col].to_numpy(float)
        chart = svg.line_chart(years, [Series(title.lower(), values, colour)], title=title,
                               x_label="year", y_label=title.lower(), y_format="{:,.0f}",
                               min_span=0.06 * float(np.nanmax(values)), note=note)
        figs.append(_figure(chart, f"The number of {title.lower()} living in {esc(name)} at the "
                            "end of each year. The vertical axis does not start at zero, so "
                            "changes of a few percent are visible."))
    return _section("population", "6. Population", "",
                    '<div class="grid">' + "".join(figs) + "</div>")


# --- 7. wijk table --------------------------------------------------------------------------
def _wijk_table(results, wf: pd.DataFrame) -> str:
    """The wijken of the last year, those with the most low-income households first."""
    year = int(wf["year"].max())
    last = wf[wf["year"] == year].sort_values("low_income_share", ascending=False,
                                              na_position="last")
    numbers = _wijk_numbers(results.geography)
    rows = []
    for r in last.itertuples():
        status = band_status(float(r.corp_share), float(r.dwellings))
        small = ' class="small"' if status == "small" else ""
        rows.append(
            f"<tr{small}><td>{esc(numbers.get(r.wijk_code, ''))}</td><td>{esc(r.wijk_name)}</td>"
            f"<td>{_int(r.dwellings)}</td><td>{_int(r.households)}</td>"
            f'<td><span class="chip band-{status}"></span>'
            f"{_band_pct(r.corp_share)}</td><td>{_pct(r.low_income_share)}</td>"
            f"<td>{_pct(r.vulnerable_share)}</td><td>{_score(r.liveability)}</td></tr>")
    head = ("<tr><th>no.</th><th>wijk</th><th>dwellings</th><th>households</th>"
            "<th>corporation share</th><th>low-income share</th><th>vulnerable share</th>"
            "<th>liveability</th></tr>")
    intro = (f"All wijken in {year}, those with the largest share of low-income households "
             "first. <b>Corporation share</b>: dwellings owned by housing corporations (the "
             "dot shows the band colour of the map). <b>Low-income share</b>: households up "
             "to the passend-toewijzen limit. <b>Vulnerable share</b>: households the model "
             "counts as vulnerable (estimated from CBS figures on social assistance, Wmo and "
             "youth care). <b>Liveability</b>: a Leefbarometer-like score in standard "
             "deviations, 0 = the average buurt, positive = better. Grey rows are wijken "
             f"under {BAND_MIN_DWELLINGS} dwellings, where shares rest on few households.")
    table = (f'<table class="wijken"><thead>{head}</thead><tbody>{"".join(rows)}</tbody>'
             "</table>")
    return _section("wijken", f"7. The wijken in {year}", intro, table)


# --- the page -------------------------------------------------------------------------------
CSS = """
:root { --ink: #222; --muted: #666; --line: #d8dde3; --soft: #f4f6f8; --accent: #0b5ea8; }
* { box-sizing: border-box; }
body { margin: 0; background: #fff; color: var(--ink); font: 15px/1.5 system-ui, -apple-system,
  "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
main { max-width: 1080px; margin: 0 auto; padding: 28px 32px 48px; }
h1 { font-size: 26px; margin: 0 0 4px; line-height: 1.25; }
h2 { font-size: 20px; margin: 40px 0 10px; padding-bottom: 6px; border-bottom: 2px solid
  var(--accent); }
p.sub { color: var(--muted); margin: 0 0 14px; }
dl.facts { display: flex; flex-wrap: wrap; gap: 6px 28px; margin: 0 0 12px; }
dl.facts div { display: flex; gap: 6px; }
dt { color: var(--muted); } dt::after { content: ":"; } dd { margin: 0; font-weight: 600; }
p.scenario { margin: 0 0 12px; font-style: italic; }
.notice { background: #fff6e0; border-left: 4px solid #e0a100; padding: 8px 12px; }
.note { color: var(--muted); font-style: italic; }
details.params summary { cursor: pointer; color: var(--muted); }
nav ul.toc { display: flex; flex-wrap: wrap; gap: 4px 24px; list-style: none;
  padding: 10px 16px; background: var(--soft); border-radius: 6px; margin: 18px 0 0; }
nav a { color: var(--accent); text-decoration: none; }
p.summary { font-size: 16.5px; margin: 0 0 14px; }
.cards { display: grid; grid-template-columns: repeat(3, 1fr); gap: 12px; }
.card { background: var(--soft); border: 1px solid var(--line); border-radius: 8px;
  padding: 12px 14px; }
.card .label { color: var(--muted); font-size: 13px; }
.card .value { font-size: 22px; font-weight: 650; margin: 2px 0; font-variant-numeric:
  tabular-nums; }
.card .arrow { color: var(--muted); font-weight: 400; }
.card .detail { color: var(--muted); font-size: 12.5px; }
table { border-collapse: collapse; font-variant-numeric: tabular-nums; }
table.wijken td:nth-child(2) { white-space: nowrap; }
th, td { padding: 4px 10px; border-bottom: 1px solid var(--line); text-align: right; }
th { font-weight: 600; color: var(--muted); font-size: 13px; vertical-align: bottom; }
td:first-child, th:first-child { text-align: left; }
table caption { text-align: left; color: var(--muted); font-size: 13px; padding: 6px 0; }
table.net { margin-top: 16px; }
table.net td.pos { color: #1f7a4d; } table.net td.neg { color: #b34700; }
table.net tr.total td { font-weight: 600; border-top: 1px solid #999; }
table.wijken { width: 100%; font-size: 14px; }
table.wijken td:nth-child(2), table.wijken th:nth-child(2) { text-align: left; }
table.wijken tbody tr:nth-child(even) { background: #fafbfc; }
table.wijken tr.small td { color: #999; }
.chip { display: inline-block; width: 10px; height: 10px; border-radius: 50%;
  margin-right: 6px; vertical-align: baseline; }
details.params table { font-size: 13px; margin-top: 6px; }
details.params th, details.params td { text-align: left; vertical-align: top; }
details.params td:nth-child(2), details.params td:nth-child(3) { white-space: nowrap; }
details.params td:nth-child(4), details.params td:nth-child(5) { color: var(--muted); }
.stack { display: grid; gap: 22px; }
.grid { display: grid; grid-template-columns: 1fr 1fr; gap: 18px 28px; }
figure { margin: 0; }
figure.fig { break-inside: avoid; }
figcaption { color: #444; font-size: 13.5px; margin-top: 4px; }
svg.chart, svg.map { width: 100%; height: auto; display: block; overflow: visible; }
svg text { font-family: inherit; }
circle.pt { fill-opacity: 0; stroke: none; }
circle.pt.solo, circle.pt:hover { fill-opacity: 1; }
rect.bar:hover { opacity: 0.8; }
path.area:hover { stroke: #222; stroke-width: 2; }
text.maplabel { paint-order: stroke; stroke: rgba(255,255,255,0.85); stroke-width: 3px; }
footer { margin-top: 44px; padding-top: 12px; border-top: 1px solid var(--line);
  color: var(--muted); font-size: 13px; }
@media (max-width: 760px) { .grid, .cards { grid-template-columns: 1fr; } }
@media print { main { max-width: none; padding: 0; } nav { display: none; }
  section { break-inside: avoid-page; } }
"""


def _chip_css() -> str:
    """Table dots in the band colours of the map (hatched for wijken that do not count)."""
    rules = [f".chip.band-{k} {{ background: {c}; }}" for k, c in BAND_COLOURS.items()
             if c != svg.HATCH]
    rules.append(".chip.band-small { background: repeating-linear-gradient(45deg, #fff 0 2px, "
                 "#b0b0b0 2px 4px); }")
    return "\n".join(rules) + "\n"


def _provenance(data_dir: Path) -> str:
    """Where the city data's sources are described: the packaged file, or the run's own
    folder (by name only, so a report does not show a path of the machine it ran on)."""
    from model.city import DEFAULT_DATA_DIR

    if Path(data_dir).resolve() == DEFAULT_DATA_DIR.resolve():
        return f"model/data/{DEFAULT_DATA_DIR.name}/PROVENANCE.md"
    return f"PROVENANCE.md in the city data folder '{Path(data_dir).name}'"


def _footer(years: list[int], data_dir: Path) -> str:
    return ("<footer><p>" + esc(CBS_CREDIT) + ". City data: the project's derived copy of CBS "
            f"open data (Kerncijfers wijken en buurten), see {esc(_provenance(data_dir))}. "
            f"National income distribution: {esc(NATIONAL_SOURCE)}. Results are one "
            "simulated future for one random seed, not a forecast: compare scenarios and "
            "seeds before drawing conclusions. Generated by the sorteermachine for "
            f"{years[0]}–{years[-1]}.</p></footer>")


def build_report(results) -> str:
    """The whole page for one run's `RunResults`, as one string (kept apart from writing
    it, so tests need no files)."""
    cf = results.city.copy()
    wf = results.wijken.copy()
    # The band is read for wijken of at least 100 dwellings in the real city (as the model
    # counts wijken_in_band): at --scale 0.1 that is 10 simulated dwellings.
    wf["real_dwellings"] = wf["dwellings"] / results.params.scale
    years = cf["year"].astype(int).tolist()
    name = results.geography.name
    last = wf[wf["year"] == years[-1]]
    n_counted = int((last["real_dwellings"] >= BAND_MIN_DWELLINGS).sum())
    body = [
        _header(results, years),
        _toc(),
        _headline(cf, wf, name),
        _segregation(cf, n_counted),
        _maps(results, wf),
        _income(cf, name),
        _flows(cf, name),
        _population(cf, name),
        _wijk_table(results, wf),
        _footer(years, results.data_dir),
    ]
    title = f"sorteermachine: {results.scenario}, seed {results.seed}, {years[0]}–{years[-1]}"
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{esc(title)}</title><style>{CSS}{_chip_css()}</style></head><body><main>"
            + "\n".join(body) + "</main></body></html>\n")


def write_report(results, path: Path) -> None:
    """Write report.html for one run's `RunResults` (called by `sorteermachine run`)."""
    Path(path).write_text(build_report(results), encoding="utf-8")
