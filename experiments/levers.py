"""docs/LEVERS.md: every lever's mechanism, parameters and measured effect, and the
woonfundament package against no policy. The whole page is this script's output, so a
recalibration only reruns it:

    .venv/bin/python -m experiments.levers [--seeds 10] [--scale 1.0] [--jobs 2]
                                            [--out docs/LEVERS.md]

Each lever is run on its own, switched on in a scenario, against the same scenario without
it, for the same seeds (a seed gives both runs the same start state). Tables give the mean
over the seeds and, in brackets, the lowest and highest seed; a difference is called an
effect only when it exceeds twice its standard error over the seeds (otherwise: "no clear
effect"). The page also says, from the figures, where a lever does or does not do what the
vision hopes.
"""

import argparse
import datetime
import math
import os
import subprocess
import sys
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
END = 2050


@dataclass(frozen=True)
class Variant:
    """A run setting: a scenario, a policy package and single overrides."""

    scenario: str
    policy: str = "no-policy"
    overrides: tuple = ()

    def key(self) -> tuple:
        return (self.scenario, self.policy, self.overrides)


# --- one run, summarised ---------------------------------------------------------------------
MARRIAGE_WIJKEN = ("Heerlerbaan-Centrum", "Welten-Benzenrade", "Heerlerheide-Passart")


def summarise(model) -> dict:
    """The figures every table may read, from one finished run."""
    from model.levers import selective_allocation

    c, w = model.city_frame(), model.wijk_frame()
    p = model.params
    last = c.iloc[-1]
    acting = c[c["year"] >= 2025]
    big = w[(w["year"] == END) & (w["dwellings"] >= 500 * p.scale)]
    inside = big["corp_share"].between(p.bandwidth_low, p.bandwidth_high)
    corp = c["dwellings_corp_social"] + c["dwellings_corp_middle"]
    out = {
        "D": last["dissimilarity"], "H": last["theil_h"],
        "D_buurt": last["dissimilarity_buurt"],
        "band_100": last["wijken_in_band"],
        "band_500": int(inside.sum()), "band_500_of": len(big),
        "out_of_band": "; ".join(f"{n} ({s:.0%})" for n, s in
                                 zip(big.loc[~inside, "wijk_name"],
                                     big.loc[~inside, "corp_share"], strict=True)),
        "corp_share": last["corp_share"], "corp_share_min": c["corp_share"].min(),
        "corp_share_max": c["corp_share"].max(),
        "out_mh": c[["out_middle", "out_high_afford", "out_high"]].sum().sum(),
        "in_mh": c[["in_middle", "in_high_afford", "in_high"]].sum().sum(),
        "fit_middle": last["fit_middle"], "fit_high": last["fit_high"],
        "fit_high_afford": last["fit_high_afford"],
        "max_vuln": last["max_buurt_vulnerable_share"],
        "vuln_placed_failing": acting["vulnerable_placed_failing"].sum(),
        "failing_buurten": last["capacity_failing_buurten"],
        "in_vulnerable": acting["in_vulnerable"].sum(),
        "in_total": acting["in_total"].sum(),
        "vacancy": last["vacancy"], "vacancy_max": acting["vacancy"].max(),
        "households": last["households"], "inhabitants": last["inhabitants"],
        "unmet": c["unmet_demand"].sum(),
        "new_lettings": c["new_lettings"].sum(),
        "new_in_group": (c["new_lettings"] * c["new_lettings_target_share"]).sum(),
        "regulated": c["regulated_lettings"].sum(),
        "regulated_in_group": (c["regulated_lettings"]
                               * c["regulated_lettings_target_share"]).sum(),
        "corp_middle_share": float((c["dwellings_corp_middle"] / corp).iloc[-1]),
        "corp_middle_share_2035": float((c["dwellings_corp_middle"] / corp)[
            c["year"] == 2035].iloc[0]),
        "scale": p.scale,
    }
    for name in ("displaced", "displaced_out_of_city", "displaced_cost_up",
                 "displaced_same_buurt", "displaced_same_wijk", "displaced_elsewhere_city",
                 "displaced_to_partner", "demolished", "sold", "acquired", "relabelled",
                 "renovated", "split", "split_units", "built", "built_outside",
                 "displaced_splitting", "displaced_bandwidth", "displaced_demolition",
                 "displaced_city_marriage"):
        out[name] = c[name].sum()
    for rule in ("capacity_test", "fair_share", "local_binding", "selective_allocation",
                 "target_group"):
        out[f"refused_{rule}"] = c[f"refused_{rule}"].sum()
        out[f"refused_{rule}_region"] = c[f"refused_{rule}_to_region"].sum()
    # Corporation dwellings in the wijken the city marriages pair, start and end.
    for name in MARRIAGE_WIJKEN:
        rows = w[w["wijk_name"] == name]
        first, end = rows.iloc[0], rows.iloc[-1]
        out[f"corp_{name}_0"] = first["corp_share"] * first["dwellings"]
        out[f"corp_{name}"] = end["corp_share"] * end["dwellings"]
    # Vulnerable share in the wijken designated for selective allocation.
    areas = selective_allocation._areas(p.replace(selective_allocation=True,
                                                  selective_allocation_areas=DESIGNATED),
                                        model.city)
    b = model.buurt_frame()
    b = b[b["year"] == END]
    sel = areas[np.searchsorted(model.city.buurt_codes, b["buurt_code"])]
    out["vuln_designated"] = float((b["vulnerable_share"] * b["households"])[sel].sum()
                                   / max(b["households"][sel].sum(), 1))
    return out


def run_one(job: tuple) -> tuple:
    """(variant, seed, scale) -> (variant key, seed, summary); in a worker process."""
    variant, seed, scale = job
    from experiments.single import resolve
    from model import SortingModel

    setup = resolve(variant.scenario, variant.policy, {**dict(variant.overrides),
                                                       "scale": scale})
    model = SortingModel(rng=seed, params=setup.params)
    model.run_until_year(END)
    return variant.key(), seed, summarise(model)


# --- the levers and what each table reads -----------------------------------------------------
DESIGNATED = "Vrieheide-De Stack, Heerlerheide-Passart, Hoensbroek-De Dem"
PROGRAMME = (("programme_per_year", (105.0, 35.0, 0.0, 105.0, 0.0, 175.0, 175.0, 105.0)),
             ("programme_start", 2025), ("programme_end", 2034))


@dataclass
class Lever:
    """One section of the page: a lever (register group), its run settings, its rows."""

    name: str
    title: str
    scenario: str
    on: tuple
    rows: tuple  # (label, metric, kind)
    setting: str  # the settings in words
    variants: tuple = ()  # extra (label, overrides) columns
    without: tuple = ()  # overrides of the run without the lever (e.g. demolition on)
    notes: list = field(default_factory=list)


def _ratio(a, b):
    return a / b if b else math.nan


LEVERS = (
    Lever("bandwidth", "Bandwidth: corporation shares into 21-51%", "base",
          (("bandwidth", True),),
          (("wijken of 500+ dwellings in the band, 2050", "band_500", "int"),
           ("... of", "band_500_of", "int"),
           ("wijken of 100+ dwellings in the band, 2050", "band_100", "int"),
           ("city corporation share, lowest year", "corp_share_min", "pct"),
           ("city corporation share, highest year", "corp_share_max", "pct"),
           ("corporation dwellings sold", "sold", "int"),
           ("... demolished (all levers)", "demolished", "int"),
           ("private rentals bought by corporations", "acquired", "int"),
           ("dwellings built", "built", "int"),
           ("households displaced by the band", "displaced_bandwidth", "int"),
           ("households displaced by any lever or landlord", "displaced", "int"),
           ("... of whom left the city", "displaced_out_of_city", "int"),
           ("segregation D (wijken), 2050", "D", "dec"),
           ("segregation H (wijken), 2050", "H", "dec")),
          "bandwidth = true, 2025-2050, the register's defaults"),
    Lever("programme", "Construction programme: 7,000 dwellings, missing segments first",
          "economic-asml", PROGRAMME,
          (("middle and high incomes that left the city", "out_mh", "int"),
           ("middle and high incomes that moved in", "in_mh", "int"),
           ("middle incomes in a fitting dwelling, 2050", "fit_middle", "pct"),
           ("high (to affordable) in a fitting dwelling, 2050", "fit_high_afford", "pct"),
           ("high incomes in a fitting dwelling, 2050", "fit_high", "pct"),
           ("segregation D (wijken), 2050", "D", "dec"),
           ("vacancy, 2050", "vacancy", "pct"),
           ("dwellings built (programme and to demand)", "built", "int")),
          "the vision's 7,000 dwellings in 2025-2034 (per year: 105 corp_social, 35 "
          "corp_middle, 105 private_free, 175 own_2, 175 own_3, 105 own_4) in the growth "
          "scenario economic-asml, which also builds to demand",
          variants=(("market-led", (("programme_location", "market"),)),)),
    Lever("demolition", "Demolition and replacement", "base", (("demolition", True),),
          (("vacancy, highest year from 2025", "vacancy_max", "pct"),
           ("vacancy, 2050", "vacancy", "pct"),
           ("dwellings demolished", "demolished", "int"),
           ("dwellings built (replacement)", "built", "int"),
           ("households displaced by demolition", "displaced_demolition", "int"),
           ("households displaced by any lever or landlord", "displaced", "int"),
           ("... of whom left the city", "displaced_out_of_city", "int"),
           ("... who pay more", "displaced_cost_up", "int"),
           ("households, 2050", "households", "int"),
           ("segregation D (wijken), 2050", "D", "dec")),
          "demolition = true, 2025-2050, vacancy cap 5%"),
    Lever("target_group", "Target-group regulation", "economic-asml",
          (("target_group", True),),
          (("lettings of new dwellings", "new_lettings", "int"),
           ("... to their target group", "new_in_group", "int"),
           ("lettings of reserved dwellings", "regulated", "int"),
           ("... to their target group", "regulated_in_group", "int"),
           ("searches refused by the regulation", "refused_target_group", "int"),
           ("unmet demand (households)", "unmet", "int"),
           ("segregation D (wijken), 2050", "D", "dec")),
          "target_group = true in every simulated year (2025-2050), lock-in 10 years, in "
          "economic-asml (which builds to demand, so there are new dwellings to regulate)"),
    Lever("capacity_test", "Capacity test (draagkrachtstoets)", "base",
          (("capacity_test", True),),
          (("vulnerable households placed in failing buurten, 2025-2050",
            "vuln_placed_failing", "int"),
           ("highest vulnerable share of a buurt, 2050", "max_vuln", "pct"),
           ("buurten failing the test, 2050", "failing_buurten", "int"),
           ("households refused (each once a year)", "refused_capacity_test", "int"),
           ("... of them ending outside the city (region)", "refused_capacity_test_region",
            "int"),
           ("vulnerable in-movers, 2025-2050", "in_vulnerable", "int"),
           ("segregation D (wijken), 2050", "D", "dec")),
          "capacity_test = true in every simulated year (2025-2050): a buurt fails below "
          "average liveability or above 12% vulnerable households"),
    Lever("private_renting", "Vulnerable private renting", "base",
          (("splitting_ban", True), ("local_binding", True), ("private_upgrade_share", 0.01),
           ("private_upgrade_zero_step_share", 0.3)),
          (("dwellings split by landlords", "split", "int"),
           ("units made by splitting", "split_units", "int"),
           ("households displaced by splitting", "displaced_splitting", "int"),
           ("cheap private rentals relabelled to middle rent", "relabelled", "int"),
           ("searches refused by local binding", "refused_local_binding", "int"),
           ("highest vulnerable share of a buurt, 2050", "max_vuln", "pct"),
           ("segregation D (wijken), 2050", "D", "dec")),
          "splitting ban and local binding in every simulated year (2025-2050), 1% of cheap "
          "private rent a year to middle rent (30% of it zero-step); without policy "
          "landlords split 1% of the large private rentals a year"),
    Lever("selective_allocation", "Selective allocation (Wbmgp)", "base",
          (("selective_allocation", True), ("selective_allocation_areas", DESIGNATED),
           ("selective_allocation_start", 2026), ("selective_allocation_end", 2045)),
          (("searches refused", "refused_selective_allocation", "int"),
           ("... of them ending outside the city", "refused_selective_allocation_region",
            "int"),
           ("vulnerable share of the designated wijken, 2050", "vuln_designated", "pct"),
           ("highest vulnerable share of a buurt, 2050", "max_vuln", "pct"),
           ("segregation D (wijken), 2050", "D", "dec")),
          f"selective allocation in {DESIGNATED}, 2026-2045"),
    Lever("fair_share", "Fair share of priority groups", "base",
          (("fair_share_cut", 0.25),),
          (("vulnerable in-movers, 2025-2050", "in_vulnerable", "int"),
           ("all in-movers, 2025-2050", "in_total", "int"),
           ("vulnerable in-movers refused", "refused_fair_share", "int"),
           ("highest vulnerable share of a buurt, 2050", "max_vuln", "pct"),
           ("households, 2050", "households", "int")),
          "a quarter of the vulnerable in-movers kept out, 2025-2050"),
    Lever("city_marriage", "City marriages", "base",
          (("city_marriages", "Heerlerbaan-Centrum>Welten-Benzenrade; "
                              "Heerlerheide-Passart>Voerendaal"),
           ("city_marriage_start", 2026), ("city_marriage_end", 2040)),
          (("corporation dwellings demolished", "demolished", "int"),
           ("corporation dwellings built in Heerlen", "built", "int"),
           ("... added in the partner municipality", "built_outside", "int"),
           ("corporation dwellings, Heerlerbaan-Centrum, 2050", "corp_Heerlerbaan-Centrum",
            "int"),
           ("corporation dwellings, Welten-Benzenrade, 2050", "corp_Welten-Benzenrade", "int"),
           ("corporation dwellings, Heerlerheide-Passart, 2050",
            "corp_Heerlerheide-Passart", "int"),
           ("households displaced by the marriages", "displaced_city_marriage", "int"),
           ("... housed in the partner municipality", "displaced_to_partner", "int"),
           ("displaced households (any cause) that left the city, those housed in the "
            "partner included", "displaced_out_of_city", "int"),
           ("segregation D (wijken), 2050", "D", "dec")),
          "Heerlerbaan-Centrum with Welten-Benzenrade and Heerlerheide-Passart with Voerendaal, "
          "20 corporation dwellings per pair a year demolished and rebuilt in the partner, "
          "2026-2040"),
    Lever("renovation", "Renovation (Verduurzamingsoffensief)", "base",
          (("renovation_per_year", 600), ("renovation_middle_share", 0.2),
           ("renovation_start", 2024), ("renovation_end", 2028)),
          (("dwellings renovated", "renovated", "int"),
           ("dwellings relabelled (re-let as middle rent)", "relabelled", "int"),
           ("corporation middle-rent share, 2050", "corp_middle_share", "pct"),
           ("households displaced (all levers)", "displaced", "int"),
           ("middle incomes in a fitting dwelling, 2050", "fit_middle", "pct"),
           ("segregation D (wijken), 2050", "D", "dec")),
          "600 corporation dwellings a year over the schedule 2024-2028, 3,000 in all (2024 is the "
          "start state: 1,200 in 2025, then 600 a year), a fifth re-let as middle rent"),
    Lever("corp_middle", "Middle rent in the corporation stock", "base",
          (("corp_middle_target", 0.08),),
          (("corporation middle-rent share, 2035", "corp_middle_share_2035", "pct"),
           ("corporation middle-rent share, 2050", "corp_middle_share", "pct"),
           ("middle incomes in a fitting dwelling, 2050", "fit_middle", "pct"),
           ("middle and high incomes that left the city", "out_mh", "int"),
           ("segregation D (wijken), 2050", "D", "dec")),
          "8% of the corporation stock middle rent by 2035"),
)

PACKAGE_ROWS = (
    ("segregation D (wijken), 2050", "D", "dec"),
    ("segregation H (wijken), 2050", "H", "dec"),
    ("wijken of 100+ dwellings in the band, 2050", "band_100", "int"),
    ("wijken of 500+ dwellings in the band, 2050", "band_500", "int"),
    ("middle and high incomes that left the city", "out_mh", "int"),
    ("highest vulnerable share of a buurt, 2050", "max_vuln", "pct"),
    ("households displaced", "displaced", "int"),
    ("... who stayed in the city", "displaced_in_city", "int"),
    ("... who left the city", "displaced_out_of_city", "int"),
    ("vacancy, 2050", "vacancy", "pct"),
    ("households, 2050", "households", "int"),
    ("inhabitants, 2050", "inhabitants", "int"),
)


def variants(lever: Lever) -> list[Variant]:
    base = Variant(lever.scenario, overrides=tuple(lever.without))
    on = Variant(lever.scenario, overrides=tuple(lever.without) + tuple(lever.on))
    extra = [Variant(lever.scenario, overrides=tuple(lever.without) + tuple(lever.on)
                     + tuple(o)) for _, o in lever.variants]
    return [base, on, *extra]


def all_variants() -> list[Variant]:
    out = {}
    for lever in LEVERS:
        for v in variants(lever):
            out[v.key()] = v
    for scenario in ("base", "economic-asml"):
        for policy in ("no-policy", "woonfundament"):
            v = Variant(scenario, policy)
            out[v.key()] = v
    return list(out.values())


# --- tables ---------------------------------------------------------------------------------
def _fmt(value: float, kind: str) -> str:
    if not math.isfinite(value):
        return "–"
    if kind == "pct":
        return f"{value:.1%}"
    if kind == "dec":
        return f"{value:.3f}"
    return f"{value:,.0f}"


def _cell(values: np.ndarray, kind: str) -> str:
    return (f"{_fmt(values.mean(), kind)} ({_fmt(values.min(), kind)}–"
            f"{_fmt(values.max(), kind)})")


def _diff(a: np.ndarray, b: np.ndarray, kind: str) -> tuple[str, int]:
    """The mean paired difference b - a, and its sign if it exceeds two standard errors."""
    d = b - a
    mean = d.mean()
    se = d.std(ddof=1) / math.sqrt(d.size) if d.size > 1 else math.inf
    clear = abs(mean) > 2 * se and abs(mean) > 1e-12
    unit = " pt" if kind == "pct" else ""
    text = (f"{mean * 100:+.1f}{unit}" if kind == "pct" else f"{mean:+.3f}" if kind == "dec"
            else f"{mean:+,.0f}")
    return (text if clear else f"{text} (noise)"), (int(np.sign(mean)) if clear else 0)


def _values(results: dict, variant: Variant, metric: str, seeds: list[int]) -> np.ndarray:
    rows = [results[(variant.key(), s)] for s in seeds]
    if metric == "displaced_in_city":
        return np.array([r["displaced"] - r["displaced_out_of_city"] for r in rows], float)
    return np.array([r[metric] for r in rows], dtype=float)


def effect_table(results: dict, columns: list[tuple[str, Variant]], rows, seeds) -> tuple:
    """Markdown table: one row per metric, one column per variant, and the difference of
    each later column with the first; also the clear signs per (metric, column)."""
    head = ["measure"] + [label for label, _ in columns] + [
        f"difference ({label})" for label, _ in columns[1:]]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    signs = {}
    for label, metric, kind in rows:
        vals = [_values(results, v, metric, seeds) for _, v in columns]
        cells = [_cell(v, kind) for v in vals]
        for (col, _), v in zip(columns[1:], vals[1:], strict=True):
            text, sign = _diff(vals[0], v, kind)
            cells.append(text)
            signs[(metric, col)] = (sign, v.mean() - vals[0].mean())
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return "\n".join(lines), signs


# --- findings in words ------------------------------------------------------------------------
def _word(sign: int, up: str, down: str, none: str = "has no clear effect on") -> str:
    return up if sign > 0 else down if sign < 0 else none


def findings(lever: Lever, results: dict, signs: dict, seeds) -> list[str]:
    """What the figures say about the vision's hope for this lever, in sentences."""
    on = variants(lever)[1]
    label = "with the lever"

    def s(metric, col=label):
        return signs.get((metric, col), (0, 0.0))[0]

    def mean(metric, variant=on):
        return float(_values(results, variant, metric, seeds).mean())

    out = []
    if lever.name == "bandwidth":
        share = mean("band_500") / max(mean("band_500_of"), 1)
        lo, hi = mean("corp_share_min"), mean("corp_share_max")
        names = sorted({n for sd in seeds for n in results[(on.key(), sd)]["out_of_band"]
                        .split("; ") if n})
        out.append(f"By 2050 {share:.0%} of the wijken of 500+ dwellings lie inside 21-51% "
                   f"(the acceptance asks for 90%), and the city's corporation share stays "
                   f"between {lo:.1%} and {hi:.1%} in every year (asked: 35-37%).")
        out.append("Wijken outside the band in some seed: " + (", ".join(names) if names
                   else "none") + ".")
        out.append(f"The band {_word(s('D'), 'raises', 'lowers')} segregation D: mixing "
                   "tenure mixes incomes in the model because social rent houses the low "
                   "incomes.")
    elif lever.name == "programme":
        keep = _word(-s("out_mh"), "lowers", "raises", "does not clearly change")
        came = _word(s("in_mh"), "draws more in", "draws fewer in",
                     "does not clearly change how many move in")
        fit_m = _word(s("fit_middle"), "rises", "falls", "does not clearly change")
        fit_h = _word(s("fit_high"), "rises", "falls", "does not clearly change")
        mix = _word(s("D"), "rises", "falls", "does not clearly change")
        out.append(f"Building in missing segments {keep} the number of middle and high "
                   f"incomes that leave the city and {came}; the middle incomes' fit "
                   f"{fit_m} and the high incomes' fit {fit_h}; segregation D {mix}.")
        keep = _word(-s("out_mh", "market-led"), "lowers", "raises", "does not clearly change")
        mix = _word(s("D", "market-led"), "raises", "lowers", "does not clearly change")
        out.append(f"Market-led building {keep} middle and high out-migration and {mix} "
                   "segregation D. Where the two rows disagree, the model finds a trade-off "
                   "the vision does not expect: middle and high in-movers take new homes in "
                   "low-status buurten (in-movers in the model take what they find) and many "
                   "leave again (buurt status weighs in every move, beta_status), so building "
                   "where segments are missing mixes the city more than it keeps these "
                   "households.")
    elif lever.name == "demolition":
        cap = 0.05
        out.append(f"Vacancy from 2025 peaks at {mean('vacancy_max'):.1%} with the lever (cap "
                   f"{cap:.0%}) against {mean('vacancy_max', variants(lever)[0]):.1%} without. "
                   f"It costs {mean('demolished'):,.0f} demolished dwellings and "
                   f"{mean('displaced_demolition'):,.0f} displaced households "
                   f"({mean('displaced_out_of_city'):,.0f} of whom leave the city) over the run.")
    elif lever.name == "target_group":
        share = mean("regulated_in_group") / max(mean("regulated"), 1)
        free = mean("new_in_group", variants(lever)[0]) / max(
            mean("new_lettings", variants(lever)[0]), 1)
        out.append(f"{share:.0%} of the lettings of reserved dwellings go to their target "
                   f"group (asked: at least 90%); without the regulation {free:.0%} of the "
                   "lettings of new dwellings do.")
    elif lever.name == "capacity_test":
        out.append(f"After the test starts, {mean('vuln_placed_failing'):,.0f} vulnerable "
                   "households are placed in failing buurten (asked: zero) against "
                   f"{mean('vuln_placed_failing', variants(lever)[0]):,.0f} without; "
                   f"the highest buurt vulnerable share in 2050 "
                   f"{_word(s('max_vuln'), 'rises', 'falls', 'does not clearly change')} "
                   f"({mean('max_vuln'):.1%} against "
                   f"{mean('max_vuln', variants(lever)[0]):.1%}). "
                   f"{mean('refused_capacity_test'):,.0f} households are refused (each "
                   "counted once a year), "
                   f"{mean('refused_capacity_test_region'):,.0f} of them ending outside the "
                   "city.")
    elif lever.name == "fair_share":
        ratio = mean("in_vulnerable") / max(mean("in_vulnerable", variants(lever)[0]), 1)
        out.append(f"The vulnerable inflow falls to {ratio:.0%} of what it is without the cap "
                   "(set: a cut of 25%, so 75%), while the household path is kept: "
                   "others move in instead.")
    elif lever.name == "city_marriage":
        out.append(f"The stock changes as configured: {mean('demolished'):,.0f} corporation "
                   f"dwellings demolished, {mean('built'):,.0f} built in Welten-Benzenrade and "
                   f"{mean('built_outside'):,.0f} added in Voerendaal (configured: "
                   f"{20 * 15 * 2 * mean('scale'):,.0f}, {20 * 15 * mean('scale'):,.0f} and "
                   f"{20 * 15 * mean('scale'):,.0f}). Of {mean('displaced_city_marriage'):,.0f} "
                   "displaced "
                   f"households, {mean('displaced_to_partner'):,.0f} are counted as housed in "
                   "the partner municipality; every displaced household ends in a dwelling or "
                   "is recorded as leaving, with the lever as reason.")
    elif lever.name == "renovation":
        out.append(f"{mean('renovated'):,.0f} dwellings are renovated (configured: "
                   f"{600 * 5 * mean('scale'):,.0f}) and a fifth marked for middle rent; "
                   f"{mean('relabelled'):,.0f} of them have been re-let as middle rent by "
                   "2050 (the rest still house their tenants: nobody is moved).")
    elif lever.name == "private_renting":
        out.append(f"Without policy landlords split "
                   f"{mean('split', variants(lever)[0]):,.0f} dwellings over the run, "
                   f"displacing {mean('displaced_splitting', variants(lever)[0]):,.0f} "
                   f"households; the ban stops it ({mean('split'):,.0f}). Local binding "
                   f"refuses {mean('refused_local_binding'):,.0f} searches by in-movers "
                   "without binding.")
    elif lever.name == "selective_allocation":
        out.append(f"{mean('refused_selective_allocation'):,.0f} searches are refused; the "
                   "vulnerable share of the designated wijken "
                   f"{_word(s('vuln_designated'), 'rises', 'falls', 'does not clearly change')}"
                   f" ({mean('vuln_designated'):.1%} against "
                   f"{mean('vuln_designated', variants(lever)[0]):.1%}).")
    elif lever.name == "corp_middle":
        out.append(f"The corporations' middle-rent share reaches "
                   f"{mean('corp_middle_share_2035'):.1%} in 2035 and "
                   f"{mean('corp_middle_share'):.1%} in 2050 (target 8% by 2035: dwellings "
                   "become middle rent only when re-let); middle incomes' fit "
                   f"{_word(s('fit_middle'), 'rises', 'falls', 'does not clearly change')}.")
    return out


# --- the page --------------------------------------------------------------------------------
def parameter_table(group: str) -> str:
    from model.register import REGISTER

    def show(v):
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, tuple):
            return "[" + ", ".join(f"{x:g}" for x in v) + "]"
        return repr(v) if isinstance(v, str) else f"{v}"

    lines = ["| parameter | label (en / nl) | default | unit | allowed | source |",
             "|---|---|---|---|---|---|"]
    for p in REGISTER.values():
        if p.group == group:
            lines.append(f"| `{p.name}` | {p.label('en')} / {p.label('nl')} | "
                         f"{show(p.default)} | {p.unit} | {p.allowed()} | {p.source} |")
    return "\n".join(lines)


def mechanism(group: str) -> str:
    from model import levers

    doc = (levers.MODULES[group].__doc__ or "").strip()
    return "\n".join(line.rstrip() for line in doc.splitlines())


def _duration(minutes: float) -> str:
    """'1 minute', '12 minutes', 'under a minute'."""
    whole = round(minutes)
    return "under a minute" if whole < 1 else f"{whole} minute{'s' if whole != 1 else ''}"


def build_page(results: dict, seeds: list[int], scale: float, minutes: float) -> str:
    from model import levers

    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT,
                            capture_output=True, text=True).stdout.strip() or "unknown"
    out = [
        "# The levers of the Woonfundament: mechanism, parameters and measured effect",
        "",
        "<!-- Generated by `python -m experiments.levers`; do not edit by hand: rerun it "
        "(e.g. after a recalibration). -->",
        "",
        f"Made by `python -m experiments.levers --seeds {len(seeds)} --scale {scale:g}` on "
        f"{datetime.date.today().isoformat()} (commit {commit}, {_duration(minutes)}). "
        f"Every figure is the mean over seeds {seeds[0]}-{seeds[-1]}, with the lowest and "
        "highest seed in brackets; the difference is paired by seed (the same start state "
        "with and without the lever) and marked '(noise)' when it is within two standard "
        "errors of zero. Counts are for "
        + ("the whole city" if scale >= 1 else f"a {scale:.0%} sample of the city")
        + "; sums run over 2024-2050 unless a year is named.",
        "",
        "Each lever is run on its own, in the scenario named, against the same scenario "
        "without it. The order in which the policy phase applies the levers each year, and "
        "the allocation-rule hook through which the letting rules act, are described in "
        "`model/levers/__init__.py` and `model/allocation.py`; `sorteermachine params "
        "--levers` lists the parameters a policy package may set, and `sorteermachine params "
        "--group <lever>` all of a lever's parameters.",
        "",
        "## Contents",
        "",
        *[f"- [{lever.title}](#{lever.name.replace('_', '-')})" for lever in LEVERS],
        "- [The woonfundament package against no policy](#woonfundament-against-no-policy)",
        "",
    ]
    for lever in LEVERS:
        cols = [("without", variants(lever)[0]), ("with the lever", variants(lever)[1])]
        cols += [(label, v) for (label, _), v in zip(lever.variants, variants(lever)[2:],
                                                     strict=True)]
        table, signs = effect_table(results, cols, lever.rows, seeds)
        out += [f'<a id="{lever.name.replace("_", "-")}"></a>', "",
                f"## {lever.title}", "",
                f"*{levers.label(lever.name)} / {levers.label(lever.name, 'nl')}; module "
                f"`model/levers/{lever.name}.py`*", "",
                "### Mechanism", "", mechanism(lever.name), "",
                "### Parameters", "", parameter_table(lever.name), "",
                f"### Effect ({lever.scenario}; {lever.setting})", "", table, "",
                "### What the model finds", "",
                *[f"- {line}" for line in findings(lever, results, signs, seeds)], ""]
    out += ['<a id="woonfundament-against-no-policy"></a>', "",
            "## The woonfundament package against no policy", "",
            "The package `model/policies/woonfundament.toml` pulls every lever with the years "
            "the vision names (amounts and areas it does not name are assumptions, stated in "
            "the file). Under two demographic scenarios:", ""]
    for scenario in ("base", "economic-asml"):
        cols = [("no-policy", Variant(scenario)), ("woonfundament",
                                                   Variant(scenario, "woonfundament"))]
        table, signs = effect_table(results, cols, PACKAGE_ROWS, seeds)
        out += [f"### {scenario}", "", table, ""]
        out += package_findings(scenario, signs, results, seeds)
    out += ["## Limits of these figures", "",
            "- The levers act on a model: each lever's mechanism above is the model's reading "
            "of the vision and POLICY_RULES.md, with assumptions where the sources give no "
            "figure (marked 'Assumption' in the parameter tables).",
            "- The figures rest on the calibration of docs/ODD.md 1.3-1.4 (churn, vacancy, the "
            "hindcast) and the price rules of 7.5a; after a recalibration, "
            "`python scripts/refresh_docs.py` reruns this script.",
            "- Seeds differ in their start state as well as in their future; the paired "
            "difference removes most of that.", ""]
    return "\n".join(out)


def package_findings(scenario, signs, results, seeds) -> list[str]:
    def s(metric):
        return signs.get((metric, "woonfundament"), (0, 0.0))[0]

    words = {
        "D": _word(s("D"), "raises", "lowers", "does not clearly change"),
        "out_mh": _word(s("out_mh"), "more", "fewer", "about as many"),
        "max_vuln": _word(s("max_vuln"), "raises", "lowers", "does not clearly change"),
    }
    displaced = float(_values(results, Variant(scenario, "woonfundament"), "displaced",
                              seeds).mean())
    left = float(_values(results, Variant(scenario, "woonfundament"), "displaced_out_of_city",
                         seeds).mean())
    return [f"In {scenario}, the package {words['D']} segregation between low and high "
            f"incomes, sees {words['out_mh']} middle and high incomes leave, and "
            f"{words['max_vuln']} the highest vulnerable share of a buurt. It displaces "
            f"{displaced:,.0f} households over the run, {left:,.0f} of whom leave the city: "
            "'mix without displacing' holds only as far as these figures are small.", ""]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--out", default=str(ROOT / "docs" / "LEVERS.md"))
    args = parser.parse_args(argv)
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = "1"
    seeds = list(range(1, args.seeds + 1))
    jobs = [(v, s, args.scale) for v in all_variants() for s in seeds]
    started = datetime.datetime.now()
    results = {}
    with ProcessPoolExecutor(max_workers=args.jobs) as pool:
        for i, (key, seed, summary) in enumerate(pool.map(run_one, jobs, chunksize=1), 1):
            results[(key, seed)] = summary
            print(f"\r{i}/{len(jobs)} runs", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)
    minutes = (datetime.datetime.now() - started).total_seconds() / 60
    page = build_page(results, seeds, args.scale, minutes)
    Path(args.out).write_text(page + "\n", encoding="utf-8")
    print(f"wrote {args.out} ({len(jobs)} runs, {minutes:.1f} minutes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
