"""The workshop app: the map of Heerlen, the levers, the charts, and a comparison with doing
nothing. Started by `sorteermachine ui`; every figure comes from `viz/figures.py`, the same
definitions the offline reports render, and every lever from the parameter register.

Per browser tab (Solara's reactive variables are per session): the settings, the last run's
results (a `RunResults`, the results layer), the baseline run, and the runs of N seeds.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from pathlib import Path

import reacton.ipyvuetify as rv
import solara
import solara.lab

from model.params import ParameterError
from model.register import REGISTER
from model.scenarios import ScenarioError
from sorteermachine.app import session, upload, vega
from sorteermachine.app.session import Settings
from viz import charts, figures

UPLOADS = Path(tempfile.gettempdir()) / "sorteermachine-ui-uploads"
NATIONAL = {"low_pt": 0.37, "low_daeb": 0.15, "middle": 0.11, "high_afford": 0.10, "high": 0.27}
CHART_SIZE = {"width": 380, "height": 190}

UI = {
    "en": {
        "title": "Sorteermachine Heerlen: the housing market workshop",
        "scenario": "Demographic scenario", "policy": "Policy package", "seed": "Seed",
        "scale": "Scale", "full": "full city", "reduced": "reduced (10%)",
        "levers": "Levers", "run": "Run to 2050", "step": "One year", "reset": "Start again",
        "running": "Simulating {y} of {last}", "done": "Simulated {a}–{b}",
        "stepped": "Simulated {a}–{b} ({s:.2f} s)",
        "map_tab": "Map and charts", "compare_tab": "Compare", "level": "Areas",
        "wijken": "wijken", "buurten": "buurten", "indicator": "Colour by", "year": "Year",
        "play": "Play", "stop": "Stop", "clicked": "Selected",
        "baseline": "Baseline (compare with)", "current": "Current settings",
        "difference": "Differences: current settings minus baseline",
        "no_baseline": "Press 'Run to 2050' to compare with the baseline.",
        "figure": "figure", "cur": "current", "base": "baseline", "diff": "difference",
        "seeds": "Seeds for the uncertainty band", "run_seeds": "Run {n} seeds",
        "seeds_running": "Seed {a} of {b}", "bands": "Median and 90% band of {n} seeds",
        "one_run": "One run (seed {s}); run several seeds for the uncertainty band.",
        "save": "Save settings (TOML)", "load": "Load a scenario file (TOML): drop it here",
        "choose": "or choose a file", "too_big": "{name} has {n:,} bytes; a scenario file "
        "has a few thousand", "loaded": "Loaded {name}",
        "bad_file": "Not loaded, nothing changed: {msg}",
        "facilitator": "Facilitator", "fix": "fix", "fixed": "fixed by the facilitator",
        "facilitator_mode": "Facilitator mode (fix levers)",
        "png": "PNG", "range": "{allowed}; default {default}",
        "lang": "Taal: Nederlands",
    },
    "nl": {
        "title": "Sorteermachine Heerlen: workshop woningmarkt",
        "scenario": "Demografisch scenario", "policy": "Beleidspakket", "seed": "Seed",
        "scale": "Schaal", "full": "hele stad", "reduced": "verkleind (10%)",
        "levers": "Knoppen", "run": "Simuleer tot 2050", "step": "Eén jaar",
        "reset": "Opnieuw beginnen",
        "running": "Simuleert {y} van {last}", "done": "Gesimuleerd {a}–{b}",
        "stepped": "Gesimuleerd {a}–{b} ({s:.2f} s)",
        "map_tab": "Kaart en grafieken", "compare_tab": "Vergelijken", "level": "Gebieden",
        "wijken": "wijken", "buurten": "buurten", "indicator": "Kleur naar", "year": "Jaar",
        "play": "Afspelen", "stop": "Stop", "clicked": "Gekozen",
        "baseline": "Basis (vergelijk met)", "current": "Huidige instellingen",
        "difference": "Verschillen: huidige instellingen min basis",
        "no_baseline": "Druk op 'Simuleer tot 2050' om met de basis te vergelijken.",
        "figure": "grootheid", "cur": "huidig", "base": "basis", "diff": "verschil",
        "seeds": "Seeds voor de onzekerheidsband", "run_seeds": "Simuleer {n} seeds",
        "seeds_running": "Seed {a} van {b}", "bands": "Mediaan en 90%-band van {n} seeds",
        "one_run": "Eén run (seed {s}); simuleer meer seeds voor de onzekerheidsband.",
        "save": "Instellingen opslaan (TOML)",
        "load": "Scenariobestand laden (TOML): sleep het hierheen",
        "choose": "of kies een bestand", "too_big": "{name} heeft {n:,} bytes; een "
        "scenariobestand heeft er een paar duizend",
        "loaded": "Geladen: {name}", "bad_file": "Niet geladen, niets veranderd: {msg}",
        "facilitator": "Facilitator", "fix": "vast", "fixed": "vastgezet door de facilitator",
        "facilitator_mode": "Facilitatormodus (knoppen vastzetten)",
        "png": "PNG", "range": "{allowed}; standaard {default}",
        "lang": "Language: English",
    },
}
GROUP_NAMES = {  # groups without a lever of their own name (others take that lever's label)
    "en": {"market": "Letting rules", "migration": "Migration", "programme": "Building programme",
           "renovation": "Renovation", "fair_share": "Fair share",
           "city_marriage": "City marriages", "private_renting": "Private renting",
           "corp_middle": "Corporation middle rent"},
    "nl": {"market": "Toewijzing", "migration": "Migratie", "programme": "Bouwprogramma",
           "renovation": "Renovatie", "fair_share": "Eerlijke verdeling",
           "city_marriage": "Stadshuwelijken", "private_renting": "Particuliere huur",
           "corp_middle": "Middenhuur corporaties"},
}

# --- per-session state ----------------------------------------------------------------------
lang = solara.reactive("en")
settings = solara.reactive(Settings())
results = solara.reactive(None)  # RunResults of the current settings (None before any)
results_key = solara.reactive(None)  # settings.key() the results belong to
live = solara.reactive(None)  # the LiveRun behind the results (for 'one year' steps)
baseline_policy = solara.reactive("no-policy")
baseline = solara.reactive(None)  # (settings key, RunResults) of the baseline run
bands = solara.reactive(None)  # (settings key without seed, [city frames]) of N seeds
n_seeds = solara.reactive(10)
progress = solara.reactive(("", {}))  # (UI text key, its values): shown in the language
# chosen when it is drawn, not when the work began
seed_progress = solara.reactive((0, 0))
tab = solara.reactive(0)  # 0: map and charts, 1: compare
level = solara.reactive("wijken")
indicator = solara.reactive("corp_share")
map_year = solara.reactive(None)  # None: the last year simulated
playing = solara.reactive(False)
clicked = solara.reactive(None)  # (level, area code) of the area last clicked on the map
file_message = solara.reactive(("", False))  # (text, is_error)
facilitator = solara.reactive(False)
locked = solara.reactive(frozenset())  # lever names the facilitator fixed
# Levers fixed from the start by `sorteermachine ui --lock NAME[=VALUE]` (passed by server.py)
PRESET_LOCKS: dict = json.loads(os.environ.get("SORTEERMACHINE_UI_LOCKS", "{}") or "{}")


def t(key: str, **kw) -> str:
    text = UI[lang.value][key]
    return text.format(**kw) if kw else text


def _without_seed(key: tuple) -> tuple:
    return key[:3] + key[4:]


# --- background work ------------------------------------------------------------------------
@solara.lab.task
def run_task(current: Settings, with_baseline: bool = True) -> None:
    """Simulate the settings, showing the results as they come; then the baseline."""
    results_key.value = current.key()
    map_year.value = None
    run = session.LiveRun(current)
    live.value = run

    def show(r):
        results.value = r
        progress.value = ("running", {"y": r.years[-1], "last": current.until})

    session.simulate(current, on_year=show, cancelled=lambda: not run_task.is_current(),
                     live=run)
    progress.value = ("done", {"a": results.value.years[0], "b": results.value.years[-1]})
    if with_baseline:
        base = current.baseline(baseline_policy.value)
        if baseline.value is None or baseline.value[0] != base.key():
            baseline.value = (base.key(), session.simulate(base))


@solara.lab.task
def step_task(current: Settings) -> None:
    """One more year of the current run (or the first year of a new one)."""
    started = time.perf_counter()
    run = live.value
    if run is None or run.key != current.key()[:-1] or run.year >= current.until:
        run = session.LiveRun(current)
        live.value = run
    run.step()
    new = run.results()
    map_year.value = None
    results_key.value = current.key()
    progress.value = ("stepped", {"a": new.years[0], "b": run.year,
                                  "s": time.perf_counter() - started})
    results.value = new


@solara.lab.task
def seeds_task(current: Settings, n: int) -> None:
    seed_progress.value = (0, n)
    runs = session.replicate(current, range(current.seed, current.seed + n),
                             on_run=lambda a, b: seed_progress.set((a, b)),
                             cancelled=lambda: not seeds_task.is_current())
    if len(runs) == n:
        bands.value = (_without_seed(current.key()), [r.city for r in runs])


@solara.lab.task
def play_task() -> None:
    r = results.value
    if r is None:
        return
    years = r.years
    if map_year.value is None or map_year.value >= years[-1]:
        map_year.value = years[0]
    while playing.value and map_year.value < years[-1]:
        time.sleep(0.8)
        map_year.value += 1
    playing.value = False


def start_state() -> None:
    """What the page shows before the first run: the 2024 start state."""
    s = settings.value
    import dataclasses

    run_task(dataclasses.replace(s, until=s.setup().params.start_year), with_baseline=False)


# --- pieces of the page ---------------------------------------------------------------------
@solara.component
def Figure(chart, name: str, on_click=None):
    """One chart of the figure layer, drawn by Vega in the browser, with a PNG download.
    The browser gets the whole chart once; when only its data change (a new year), it gets
    only those (`vega.split`), and Vega redraws in place."""
    drawn = solara.use_ref(None)

    def update() -> str:
        drawn.current, patch = vega.split(chart, drawn.current)
        return patch

    patch = solara.use_memo(update, dependencies=[chart])
    with solara.Column(gap="0px", classes=["sm-figure", f"sm-{name}"]):
        vega.VegaView.element(spec=drawn.current.spec, patch=patch, on_click=on_click,
                              listen_to_click=on_click is not None)
        solara.FileDownload(lambda: charts.to_png(chart), filename=f"{name}.png",
                            label=t("png"), icon_name="mdi-image")


@solara.component
def LeverInput(p, value, disabled: bool):
    """One lever: a field that takes only what the register allows, with unit and range
    under it and the source on hover."""
    text, set_text = solara.use_state(session.show_value(value))
    error, set_error = solara.use_state("")
    solara.use_effect(lambda: set_text(session.show_value(value)), [value])
    label = f"{p.label(lang.value)} ({p.unit})"
    hint = t("range", allowed=p.allowed(lang.value), default=p.default)

    def accept(new):
        set_text(new)
        try:
            checked = session.read_input(p, new)
        except ParameterError as exc:
            set_error(str(exc).split(": ", 1)[-1])
            return
        set_error("")
        set_text(session.show_value(checked))  # as the app reads it (0,1 -> 0.1)
        settings.value = settings.value.with_lever(p.name, checked)

    with solara.Tooltip(session.tooltip(p, lang.value)):
        with solara.Column(gap="0px", classes=["sm-lever", f"sm-lever-{p.name}"]):
            if p.choices:
                solara.Select(label, value=str(value), values=list(p.choices),
                              on_value=accept, disabled=disabled)
            elif p.kind is bool:
                solara.Checkbox(label=label, value=bool(value),
                                on_value=lambda v: accept(str(v)), disabled=disabled)
            else:
                solara.InputText(label, value=text, on_value=accept, disabled=disabled,
                                 error=error or False, message=error or hint,
                                 continuous_update=False)


@solara.component
def LeverPanel():
    s = settings.value
    try:
        params = s.setup().params
    except (ParameterError, ScenarioError):
        params = {name: p.default for name, p in REGISTER.items()}
    names = GROUP_NAMES[lang.value]
    solara.HTML(tag="h4", unsafe_innerHTML=t("levers"))
    for i, (group, levers) in enumerate(session.lever_groups().items()):
        title = names.get(group) or session.group_label(group, lang.value)
        LeverGroup(title, levers, params, first=i == 0)


@solara.component
def LeverGroup(title: str, levers: list, params, first: bool = False):
    """The levers of one group under a header that opens them. A closed group draws none
    of its fields: the page stays small, so a redraw elsewhere (a new year) is quicker."""
    is_open, set_open = solara.use_state(first)
    with rv.ExpansionPanels(v_model=0 if is_open else None,
                            on_v_model=lambda v: set_open(v == 0)):
        with rv.ExpansionPanel():
            rv.ExpansionPanelHeader(children=[title])
            with rv.ExpansionPanelContent():
                if is_open:
                    for p in levers:
                        LeverRow(p, params[p.name])


@solara.component
def LeverRow(p, value):
    fixed = p.name in locked.value
    with solara.Row(gap="4px", style={"align-items": "center"}):
        LeverInput(p, value, disabled=fixed)
        if facilitator.value:
            with solara.Div(classes=[f"sm-fix-{p.name}"]):
                solara.Checkbox(label=t("fix"), value=fixed,
                                on_value=lambda v, n=p.name: _lock(n, v))
        elif fixed:
            solara.Text("🔒", style={"title": t("fixed")})


def _lock(name: str, on: bool) -> None:
    locked.value = locked.value | {name} if on else locked.value - {name}


@solara.component
def RunButtons():
    """Run, one year, and what the background work is doing: a component of its own, so
    that a run starting or ending redraws these and not the whole lever panel."""
    busy = run_task.pending or step_task.pending
    with solara.Row():
        solara.Button(t("run"), on_click=lambda: run_task(settings.value), disabled=busy,
                      color="primary", icon_name="mdi-play", classes=["sm-run"])
        solara.Button(t("step"), on_click=lambda: step_task(settings.value), disabled=busy,
                      icon_name="mdi-step-forward", classes=["sm-step"])
    if busy:
        solara.ProgressLinear(True)
    key, values = progress.value
    solara.Text(t(key, **values) if key else "", classes=["sm-progress"])


@solara.component
def Controls():
    s = settings.value

    def choose(field):
        import dataclasses

        return lambda v: settings.set(dataclasses.replace(settings.value, **{field: v}))

    scenarios = session.scenarios()
    if s.scenario not in scenarios:
        scenarios = [*scenarios, s.scenario]
    solara.Select(t("scenario"), value=s.scenario, values=scenarios, on_value=choose("scenario"),
                  classes=["sm-scenario"])
    solara.Select(t("policy"), value=s.policy, values=session.policies(),
                  on_value=choose("policy"))
    with solara.Row():
        solara.InputInt(t("seed"), value=s.seed, on_value=choose("seed"), classes=["sm-seed"])
        names = {t("full"): 1.0, t("reduced"): 0.1}
        solara.ToggleButtonsSingle(
            value=t("full") if s.scale >= 1 else t("reduced"), values=list(names),
            on_value=lambda v: choose("scale")(names[v]))
    RunButtons()
    LeverPanel()
    with solara.Details(t("facilitator")):
        solara.Switch(label=t("facilitator_mode"), value=facilitator)
    with solara.Row():
        solara.FileDownload(lambda: session.settings_toml(settings.value).encode(),
                            filename="sorteermachine-settings.toml", label=t("save"))
    upload.ScenarioUpload.element(label=t("load"), button=t("choose"), on_file=_load_file)
    text, bad = file_message.value
    if text:
        (solara.Error if bad else solara.Success)(text, classes=["sm-file-message"])


def _load_file(info) -> None:
    if info["data"] is None:
        msg = t("too_big", name=info["name"], n=info["size"])
        file_message.value = (t("bad_file", msg=msg), True)
        return
    try:
        new = session.load_settings(info["data"], info["name"], settings.value, UPLOADS)
    except ScenarioError as exc:
        file_message.value = (t("bad_file", msg=str(exc)), True)
        return
    settings.value = new
    file_message.value = (t("loaded", name=info["name"]), False)


@solara.component
def MapPanel(r, width: int = 440, title_prefix: str = "", name: str = "map"):
    year = map_year.value if map_year.value in r.years else r.years[-1]
    frame = r.wijken if level.value == "wijken" else r.buurten
    key = (id(r), year, indicator.value, level.value, lang.value, width, title_prefix)
    chart = solara.use_memo(lambda: figures.map_chart(
        frame, r.geography, indicator.value, year, scale=float(r.params.scale),
        level=level.value, lang=lang.value, width=width,
        title=f"{title_prefix}: {year}" if title_prefix else None), dependencies=[key])

    def on_click(datum):
        datum = datum or {}
        code = datum.get("code") or (datum.get("properties") or {}).get("code")
        clicked.value = (level.value, str(code)) if code else None

    Figure(chart, name, on_click=on_click)


def clicked_text(r) -> str:
    """What the map says of the area last clicked, for the map's year, indicator and
    language as they are now (so it follows the year slider and the language toggle)."""
    if clicked.value is None or clicked.value[0] != level.value:
        return ""
    year = map_year.value if map_year.value in r.years else r.years[-1]
    frame = r.wijken if level.value == "wijken" else r.buurten
    values = figures.area_values(frame, indicator.value, year, scale=float(r.params.scale),
                                 level=level.value, lang=lang.value).set_index("code")
    code = clicked.value[1]
    return str(values.at[code, "tip"]) if code in values.index else ""


@solara.component
def MapControls(r):
    with solara.Row(style={"align-items": "center", "flex-wrap": "wrap"}):
        solara.ToggleButtonsSingle(value=level, values=["wijken", "buurten"])  # same in NL
        names = {k: figures.text(lang.value)["map"][k].format(y0=r.years[0] if r else 2024)
                 for k in figures.MAP_INDICATORS}
        solara.Select(t("indicator"), value=names[indicator.value], values=list(names.values()),
                      on_value=lambda v: indicator.set({n: k for k, n in names.items()}[v]),
                      style={"max-width": "360px"})
        if r is not None and len(r.years) > 1:
            solara.SliderInt(t("year"), value=map_year.value or r.years[-1], min=r.years[0],
                             max=r.years[-1], on_value=map_year.set, thumb_label="always")

            def toggle():
                playing.value = not playing.value
                if playing.value:
                    play_task()

            solara.Button(t("stop") if playing.value else t("play"), on_click=toggle,
                          icon_name="mdi-stop" if playing.value else "mdi-play",
                          classes=["sm-play"])


@solara.component
def Charts(r):
    s = settings.value
    b = bands.value
    use_bands = b is not None and b[0] == _without_seed(s.key())  # runs of these settings
    runs = b[1] if use_bands else [r.city]
    lg = lang.value
    name = r.geography.name
    solara.Text(t("bands", n=len(runs)) if use_bands else t("one_run", s=r.seed),
                classes=["sm-band-note"])
    key = (id(r), lg, id(b) if use_bands else None)

    def make():
        return [
            ("dissimilarity", figures.segregation_chart(runs, "D", lg, **CHART_SIZE)),
            ("theil_h", figures.segregation_chart(runs, "H", lg, **CHART_SIZE)),
            ("wijken_in_band", figures.count_chart(runs, "band", lg, **CHART_SIZE)),
            ("inhabitants", figures.count_chart(runs, "inhabitants", lg,
                                                scale=float(r.params.scale), **CHART_SIZE)),
            ("outmigration", figures.outmigration_chart(runs, lg, city_name=name,
                                                        **CHART_SIZE)),
            ("displaced", figures.count_chart(runs, "displaced", lg, **CHART_SIZE)),
            ("vacancy", figures.count_chart(runs, "vacancy", lg, **CHART_SIZE)),
        ]

    made = solara.use_memo(make, dependencies=[key])
    with solara.GridFixed(columns=2):
        for fig_name, chart in made:
            Figure(chart, fig_name)


@solara.component
def Uncertainty():
    busy = seeds_task.pending
    with solara.Row(style={"align-items": "center"}):
        solara.InputInt(t("seeds"), value=n_seeds, style={"max-width": "220px"},
                        classes=["sm-seeds-n"])
        solara.Button(t("run_seeds", n=n_seeds.value),
                      on_click=lambda: seeds_task(settings.value, max(2, min(n_seeds.value,
                                                                              100))),
                      disabled=busy, icon_name="mdi-chart-bell-curve", classes=["sm-seeds"])
        if busy:
            a, b = seed_progress.value
            solara.ProgressLinear(value=100 * a / max(b, 1))
            solara.Text(t("seeds_running", a=a + 1, b=b), classes=["sm-seed-progress"])


@solara.component
def MainView():
    r = results.value
    if r is None:
        solara.ProgressLinear(True)
        return
    MapControls(r)
    with solara.Columns([3, 2]):
        MapPanel(r)
        with solara.Column():
            text = clicked_text(r)
            if text:
                solara.Info(f"{t('clicked')}: {text}", classes=["sm-clicked"])
            Uncertainty()
    Charts(r)


@solara.component
def CompareView():
    r = results.value
    solara.Select(t("baseline"), value=baseline_policy, values=session.policies(),
                  style={"max-width": "300px"})
    b = baseline.value
    base_key = settings.value.baseline(baseline_policy.value).key()
    if r is None or b is None or b[0] != base_key or len(r.years) < 2:
        solara.Info(t("no_baseline"))
        return
    MapControls(r)
    with solara.Columns([1, 1]):
        MapPanel(r, width=380, title_prefix=t("current"), name="map_current")
        MapPanel(b[1], width=380, title_prefix=f"{t('base')} ({b[1].policy})",
                 name="map_baseline")
    DifferenceTable(r, b[1])


@solara.component
def DifferenceTable(current, base):
    rows = session.difference_table(current, base, lang=lang.value)
    years = [y for y in (2030, 2040, 2050) if rows and y in rows[0]]
    head = "".join(f"<th colspan='3'>{y}</th>" for y in years)
    sub = "".join(f"<th>{t('cur')}</th><th>{t('base')}</th><th>{t('diff')}</th>"
                  for _ in years)
    body = ""
    for row in rows:
        cells = "".join(
            f"<td>{session.format_figure(row['key'], row[y][0])}</td>"
            f"<td>{session.format_figure(row['key'], row[y][1])}</td>"
            f"<td><b>{session.format_difference(row['key'], row[y][2])}</b></td>"
            for y in years)
        body += f"<tr><td>{row['figure']}</td>{cells}</tr>"
    solara.HTML(tag="h4", unsafe_innerHTML=t("difference"))
    solara.HTML(tag="div", unsafe_innerHTML=(
        "<table class='sm-difference' style='border-collapse:collapse;font-size:14px'>"
        f"<thead><tr><th>{t('figure')}</th>{head}</tr><tr><th></th>{sub}</tr></thead>"
        f"<tbody>{body}</tbody></table>"))


STYLE = """
.sm-difference th, .sm-difference td { padding: 3px 8px; border-bottom: 1px solid #ddd;
  text-align: right; }
.sm-difference td:first-child, .sm-difference th:first-child { text-align: left; }
.sm-figure .v-btn { align-self: flex-start; }
"""


@solara.component
def Page():
    solara.use_effect(lambda: (start_state() if results.value is None else None), [])
    solara.use_effect(_apply_preset_locks, [])
    solara.Style(STYLE)
    solara.Title("Sorteermachine")
    with solara.AppBar():
        solara.AppBarTitle(t("title"))
        solara.Button(t("lang"), on_click=lambda: lang.set("en" if lang.value == "nl" else "nl"),
                      text=True, classes=["sm-lang"], style={"color": "white"})
    with solara.Sidebar():
        Controls()
    with solara.lab.Tabs(value=tab):  # only the open tab is drawn (and redrawn)
        with solara.lab.Tab(t("map_tab")):
            if tab.value == 0:
                MainView()
        with solara.lab.Tab(t("compare_tab")):
            if tab.value == 1:
                CompareView()


def _apply_preset_locks() -> None:
    if PRESET_LOCKS and not locked.value:
        s = settings.value
        for name, value in PRESET_LOCKS.items():
            if value is not None:
                s = s.with_lever(name, value)
        settings.value = s
        locked.value = frozenset(PRESET_LOCKS)
