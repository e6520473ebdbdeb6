"""The run report (report.html): one offline page a policy maker can read without the code.

Why one self-contained file: the report is mailed around, opened on municipal laptops and
archived with the results folder. So it has no JavaScript, no web fonts, no external images
and no links to the internet. Its charts are the project's figures (`viz/figures.py`, the same
ones the workshop app draws), rendered to inline SVG by `viz.charts.to_svg`.

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

import math
from html import escape
from pathlib import Path

import pandas as pd

from model.categories import INCOME_CLASSES
from viz import charts, figures, report_levers
from viz.figures import (  # noqa: F401  (re-exported: the report's rules are the figures')
    BAND_COLOURS,
    BAND_HIGH,
    BAND_LOW,
    BAND_MIN_DWELLINGS,
    band_status,
)

# The Netherlands' income distribution over the five classes, from the vision's Table 1.
NATIONAL_SHARES = {"low_pt": 0.37, "low_daeb": 0.15, "middle": 0.11, "high_afford": 0.10,
                   "high": 0.27}
NATIONAL_SOURCE = "Nieuw Heerlens Woonfundament 2024, Table 1 (CBS microdata 2024)"
CBS_CREDIT = "Bron: CBS (CC BY 4.0)"

CLASS_LABELS = figures.TEXT["en"]["classes"]  # short names for charts ('\n' wraps)
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

MINUS = "\u2212"


# --- formatting -----------------------------------------------------------------------------
def esc(text) -> str:
    """Text made safe for HTML (element content and quoted attributes)."""
    return escape(str(text), quote=True)


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
def _band_pct(share: float) -> str:
    return figures.band_pct(share)


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
    """The non-default parameters as a small table with their meaning (those of the levers
    that are on are listed under 'Policy levers' instead)."""
    from model import levers
    from model.register import REGISTER

    shown = {k for lever in levers.active(params) for k in levers.settings(params, lever)}
    changed = {k: v for k, v in params.changed().items() if k not in shown}
    if not changed:
        return ('<p class="params">All parameters at their default values'
                + (", apart from the levers below." if shown else ".") + "</p>")

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


def _toc(baseline: bool = False) -> str:
    items = [("headline", "Headline"), ("segregation", "Segregation"),
             ("maps", "Maps"), ("income", "Income distribution"),
             ("flows", "Moving in and out"), ("population", "Population"),
             ("wijken", "Wijken table"), ("value", "Real-estate value"),
             *([("baseline", "Against the baseline")] if baseline else [])]
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
        *report_levers.headline_cards(cf),
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
    def chart(index):
        return charts.to_svg(figures.segregation_chart(cf, index))

    figs = [
        _figure(chart("D"),
                "The share of low-income households (the two low classes) that would have to "
                "move to another area for them to be spread over the city like the high "
                "incomes (the two high classes). <b>Higher means more segregated.</b> Buurten "
                "are smaller than wijken, so the buurt line is always higher: compare the "
                "slopes, not the levels."),
        _figure(chart("H"),
                "How much less mixed the areas are than the city as a whole, over all five "
                "classes at once. 0 means every area has the city's mix; 1 means every area "
                "holds one class only. <b>Higher means more segregated.</b>"),
        _figure(chart("iso"),
                "The share of lowest-income (PT) households in the area of the average "
                "lowest-income household: how often they meet their own class. The dotted "
                "line is their share in the whole city, the value if they were spread evenly. "
                "<b>The further above the dotted line, the more isolated.</b>"),
        _figure(chart("moran"),
                "Whether wijken with many low-income households lie next to each other. "
                "Around 0: no spatial pattern; <b>positive: poor wijken border poor wijken "
                "(clusters)</b>; negative: poor and rich wijken alternate. Wijken under 100 "
                f"dwellings are left out. With {n_counted} wijken this index moves a lot from "
                "year to year by chance."),
    ]
    intro = ("Segregation indices summarise, in one number per year, how unevenly the income "
             "classes are spread over the wijken (and over the smaller buurten). Hover over a "
             "point to see its value.")
    return _section("segregation", "2. Segregation over time", intro,
                    '<div class="grid">' + "".join(figs) + "</div>")


# --- 3. maps --------------------------------------------------------------------------------
def _maps(results, wf: pd.DataFrame) -> str:
    """Corporation share against the vision's band, and the low-income share, per wijk in
    the last year, on the map of the city with its neighbours in grey."""
    city = results.geography
    year = int(wf["year"].max())
    if not city.geojson_path("wijken").is_file():
        return _section("maps", "3. Maps of the wijken", "", "<p>No wijk boundaries found in "
                        f"{esc(city.data_dir.name)}: maps skipped.</p>")
    scale = float(results.params.scale)

    def draw(indicator):
        return charts.to_svg(figures.map_chart(wf, city, indicator, year, scale=scale,
                                               width=400), css_class="map")

    last = wf[wf["year"] == year]
    figs = [
        _figure(draw("corp_share"),
                "The share of dwellings owned by housing corporations in each wijk. The vision "
                "wants every wijk <b>within 21–51%</b> (green): enough social rent everywhere, "
                "but no wijk dominated by it. Blue wijken have too little, orange too much. "
                f"Grey wijken have fewer than {BAND_MIN_DWELLINGS} dwellings and do not "
                "count. Labels give the share; hover for details. Neighbouring municipalities "
                "are shown in light grey."),
        _figure(draw("low_income_share"),
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


# --- 4. income distribution -----------------------------------------------------------------
def _income(cf: pd.DataFrame, name: str) -> str:
    """The city's class shares at start and end next to the Netherlands' (Table 1)."""
    chart = charts.to_svg(figures.income_chart(cf, NATIONAL_SHARES, city_name=name))
    caption = ("Each group of bars is one income class; the bars give its share of all "
               f"households. Where {esc(name)}'s bar is above the grey national bar, "
               f"{esc(name)} has more of that class than the Netherlands. The vision's aim "
               f"is a distribution closer to the national one. {esc(CLASS_LIMITS)} National "
               f"shares: {esc(NATIONAL_SOURCE)}.")
    return _section("income", "4. Income distribution against the Netherlands", "",
                    _figure(chart, caption, wide=True))


# --- 5. flows -------------------------------------------------------------------------------
def _flows(cf: pd.DataFrame, name: str) -> str:
    """Who moved in and who left, by class over the run, and the yearly totals."""
    if len(cf) < 2:
        return _section("flows", "5. Moving in and out", "",
                        '<p class="note">The run covers only its start year, so no household '
                        "has moved yet: there are no flows to show.</p>")
    figs = [
        _figure(charts.to_svg(figures.flows_chart(cf, city_name=name)),
                "All households that moved into the city from outside (green) and that "
                "left it (orange) over the whole run, per income class. <b>Where green is "
                "higher than orange the class grew by migration</b>; the difference is the net "
                "migration in the headline table."),
        _figure(charts.to_svg(figures.moves_chart(cf, city_name=name, width=820)),
                "Moves per year: into the city, out of it, and from one dwelling to "
                "another within it. <b>Unmet demand</b> counts households that wanted to move "
                f"to {esc(name)} but found no dwelling they were allowed and able to rent or "
                "buy."),
    ]
    return _section("flows", "5. Moving in and out", "", '<div class="stack">' + "".join(figs)
                    + "</div>")


# --- 6. population --------------------------------------------------------------------------
def _population(cf: pd.DataFrame, name: str, scale: float) -> str:
    """Households and inhabitants over time, each on its own axis."""
    figs = [
        _figure(charts.to_svg(figures.count_chart(cf, "households")),
                f"The number of households living in {esc(name)} at the end of each year. The "
                "vertical axis does not start at zero, so changes of a few percent are "
                "visible."),
        _figure(charts.to_svg(figures.count_chart(cf, "inhabitants", scale=scale)),
                "The number of inhabitants at the end of each year; the dotted line is the "
                "vision's ambition of about 100,000 inhabitants in 2050"
                + (" (scaled to the simulated share of the city)" if scale < 1 else "")
                + ". The vertical axis does not start at zero."),
    ]
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


# --- 8. real-estate value ------------------------------------------------------------------
# The vision's social cost-benefit analysis, Table 2, pillar 1 (real estate): billion euros
# of benefit over 2024-2050 per scenario of the vision, and which built-in scenario stands
# for which (the growth scenarios for its scenario 2, economic growth with intervention).
PILLAR_1 = (("base", "Base: nothing is done", 13.44),
            ("migration", "Scenario 1: migration", 19.78),
            ("economic", "Scenario 2: economic growth, strong intervention", 27.99),
            ("", "Scenario 3: theoretical maximum (national averages)", 49.99))
PILLAR_1_SOURCE = "Nieuw Heerlens Woonfundament 2024, Table 2 (social cost-benefit analysis)"


def _real_estate(results, wf: pd.DataFrame) -> str:
    """The stock's WOZ value at start and end, over time and per wijk, next to the
    direction of the vision's Table 2 (pillar 1: base lags the growth scenarios)."""
    cf, scale = results.city, float(results.params.scale)
    title = "8. Real-estate value"
    if "stock_value" not in cf.columns:
        return _section("value", title, "", '<p class="note">This run has no value figures '
                        "(it was made by a model version without prices).</p>")
    first, last = cf.iloc[0], cf.iloc[-1]
    y0, y1 = int(first["year"]), int(last["year"])
    v0, v1 = float(first["stock_value"]) / scale, float(last["stock_value"]) / scale
    existing = float(last["stock_value_existing"]) / scale
    if len(cf) == 1:
        summary = (f"The {_int(first['dwellings'] / scale)} dwellings are worth "
                   f"€{v0 / 1e9:,.2f} billion in {y0} (WOZ values, mean "
                   f"€{_int(first['mean_woz'])}). Only {y0} was simulated: no change yet.")
    else:
        summary = (f"The stock's WOZ value went from €{v0 / 1e9:,.2f} billion in {y0} to "
                   f"€{v1 / 1e9:,.2f} billion in {y1} ({_signed((v1 / v0 - 1) * 100, '{:.1f}')}"
                   f"%), in {y0} euros. The dwellings that stood in {y0} changed by "
                   f"{_signed((existing / v0 - 1) * 100, '{:.1f}')}%: that is what prices did; "
                   "the rest is construction and demolition. The mean WOZ value of a dwelling "
                   f"went from €{_int(first['mean_woz'])} to €{_int(last['mean_woz'])}.")
    kind = ("economic" if results.scenario.startswith("economic") else results.scenario)
    rows = "".join(
        f'<tr{" class=\"this\"" if key and key == kind else ""}><td>{esc(name)}</td>'
        f"<td>{bn:,.2f}</td></tr>" for key, name, bn in PILLAR_1)
    table = ('<table class="net"><caption>The vision\'s expectation: real-estate benefit '
             f"2024–2050 per scenario, billion euros ({esc(PILLAR_1_SOURCE)}, pillar 1)"
             "</caption><thead><tr><th>scenario of the vision</th><th>pillar 1</th></tr>"
             f"</thead><tbody>{rows}</tbody></table>")
    intro = (f"{summary} WOZ values and free-sector rents follow each buurt's vacancy, the "
             "competition for its homes, its status and its liveability; regulated rents "
             "follow the rent rules (docs/ODD.md, the prices phase). The vision expects "
             "real-estate values to lag each year when nothing is done: in its cost-benefit "
             "analysis <b>base lags the growth scenarios</b> (table below"
             + ("; this run's kind of scenario in bold" if any(k == kind for k, _, _ in
                                                               PILLAR_1) else "")
             + "). Its figures are benefits over the period, not stock values, so compare "
             "the order of scenarios, not the amounts; docs/ODD.md gives the model's value "
             "change for every scenario over ten seeds.")
    figs = [_figure(charts.to_svg(figures.value_chart(cf, scale=scale)),
                    "The WOZ value of all dwellings (solid) and of those that stood at the "
                    "start (dashed), for the whole city, in billion euros of 2024. Where the "
                    "lines part, new dwellings were built (or old ones demolished).")]
    city = results.geography
    if len(cf) > 1 and city.geojson_path("wijken").is_file():
        figs.append(_figure(
            charts.to_svg(figures.map_chart(wf, city, "woz_change", y1, scale=scale,
                                            width=400), css_class="map"),
            f"How much the mean real WOZ value of a dwelling changed in each wijk since {y0}. "
            "<b>Red: values fell</b> (typically where vacancy rose), blue: they rose. New "
            "dwellings count with their own value."))
    return _section("value", title, intro, table + '<div class="grid">' + "".join(figs)
                    + "</div>")


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
table.net tr.this td { font-weight: 700; }
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
svg.chart, svg.map { width: 100%; height: auto; display: block; }
svg.map { max-width: 460px; }
svg path[role="graphics-symbol"]:hover { opacity: 0.8; }
footer { margin-top: 44px; padding-top: 12px; border-top: 1px solid var(--line);
  color: var(--muted); font-size: 13px; }
@media (max-width: 760px) { .grid, .cards { grid-template-columns: 1fr; } }
@media print { main { max-width: none; padding: 0; } nav { display: none; }
  section { break-inside: avoid-page; } }
"""


def _chip_css() -> str:
    """Table dots in the band colours of the map."""
    return "\n".join(f".chip.band-{k} {{ background: {c}; }}" for k, c in BAND_COLOURS.items()
                     ) + "\n"


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


def build_report(results, baseline=None) -> str:
    """The whole page for one run's `RunResults`, as one string (kept apart from writing
    it, so tests need no files); with a `baseline` RunResults (`run --baseline`), a section
    of differences against it."""
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
        report_levers.levers_section(results),
        _toc(baseline is not None),
        _headline(cf, wf, name),
        _segregation(cf, n_counted),
        _maps(results, wf),
        _income(cf, name),
        _flows(cf, name),
        _population(cf, name, float(results.params.scale)),
        _wijk_table(results, wf),
        _real_estate(results, wf),
        report_levers.baseline_section(results, baseline, wf) if baseline is not None else "",
        _footer(years, results.data_dir),
    ]
    title = f"sorteermachine: {results.scenario}, seed {results.seed}, {years[0]}–{years[-1]}"
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{esc(title)}</title><style>{CSS}{_chip_css()}{report_levers.CSS}</style>"
            "</head><body><main>"
            + "\n".join(body) + "</main></body></html>\n")


def write_report(results, path: Path, baseline=None) -> None:
    """Write report.html for one run's `RunResults` (called by `sorteermachine run`)."""
    Path(path).write_text(build_report(results, baseline), encoding="utf-8")
