"""What the workshop app knows and does, without any web page: settings, the lever panel's
rows, scenario files in and out, and runs (one streamed year by year, or many seeds).

Kept apart from the page (`page.py`) so that it is tested as plain Python, and so that the
page only draws. Everything about a parameter comes from the register (`model/register.py`):
a lever added there appears in the panel with its unit, range, default and source.
"""

from __future__ import annotations

import math
import re
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from experiments.results import RunResults, scenario_toml
from experiments.single import LAST_YEAR
from model import SortingModel
from model.params import Param, ParameterError, Params
from model.register import REGISTER
from model.scenarios import RunSetup, ScenarioError, builtin_names, combine, load_scenario

FROM_PANEL = "the lever panel"


# --- the lever panel ------------------------------------------------------------------------
def lever_groups() -> dict[str, list[Param]]:
    """The register's levers by group, in register order: the panel's sections."""
    groups: dict[str, list[Param]] = {}
    for p in REGISTER.values():
        if p.lever:
            groups.setdefault(p.group, []).append(p)
    return groups


def step_of(p: Param) -> float:
    """A slider step that lands on round values: about 1/100 of the range."""
    if p.kind is int:
        return max(1, round((p.high - p.low) / 100)) if p.low is not None else 1
    span = (p.high - p.low) if p.low is not None and p.high is not None else 1.0
    return 10 ** math.floor(math.log10(span / 100)) if span > 0 else 0.01


def read_input(p: Param, text: str):
    """A value typed into the panel, converted and checked against the register; raises
    ParameterError with the register's own message (which names the allowed range)."""
    raw = str(text).strip()
    if p.kind == "vector":  # numbers separated by commas (or semicolons)
        try:
            value = [float(x) for x in re.split(r"[;,]\s*|\s+", raw.strip("[]() ")) if x]
        except ValueError:
            raise ParameterError(f"parameter '{p.name}' = {raw!r} is not a list of numbers; "
                                 f"expected {p.allowed()} ({p.unit}).") from None
        return p.validate(value, FROM_PANEL)
    if p.kind is bool:
        value = raw.lower() in ("true", "1", "yes", "ja", "on")
    elif p.kind in (int, float):
        try:
            value = float(raw.replace(",", ".")) if raw else math.nan
        except ValueError:
            raise ParameterError(f"parameter '{p.name}' = {raw!r} is not a number; expected "
                                 f"{p.allowed()} ({p.unit}).") from None
        if p.kind is int and value.is_integer():
            value = int(value)
    else:
        value = raw
    return p.validate(value, FROM_PANEL)


def show_value(value) -> str:
    """A value as the panel shows it (a vector as comma-separated numbers)."""
    if isinstance(value, tuple | list):
        return ", ".join(f"{v:g}" for v in value)
    return str(value)


def group_label(group: str, lang: str = "en") -> str:
    """A lever group's name: the label of the lever named like the group (the lever's
    on/off switch, say 'bandwidth'), else the group's name made readable."""
    p = REGISTER.get(group)
    return p.label(lang) if p is not None else group.replace("_", " ").capitalize()


def tooltip(p: Param, lang: str = "en") -> str:
    """The text shown on hover over a lever: what it does, its range and default, and the
    source of its default."""
    word = {"en": ("allowed", "default", "source"),
            "nl": ("toegestaan", "standaard", "bron")}["nl" if lang == "nl" else "en"]
    return (f"{p.doc} {word[0]}: {p.allowed(lang)} ({p.unit}); {word[1]}: {p.default}; "
            f"{word[2]}: {p.source}")


# --- settings -------------------------------------------------------------------------------
@dataclass(frozen=True)
class Settings:
    """What the next run is: scenario (a built-in name or a loaded file), policy package,
    the levers moved in the panel, seed, scale and last year."""

    scenario: str = "base"
    policy: str = "no-policy"
    levers: dict = field(default_factory=dict)
    seed: int = 1
    scale: float = 1.0
    until: int = LAST_YEAR

    def setup(self) -> RunSetup:
        """Scenario, then the policy package, then the panel's levers and the scale."""
        return combine(self.scenario, self.policy, {**self.levers, "scale": self.scale},
                       where=FROM_PANEL)

    def with_lever(self, name: str, value) -> Settings:
        return replace(self, levers={**self.levers, name: value})

    def key(self) -> tuple:
        """What identifies the runs these settings give (for caches)."""
        return (self.scenario, self.policy, tuple(sorted(self.levers.items())), self.seed,
                self.scale, self.until)

    def baseline(self, policy: str = "no-policy") -> Settings:
        """The same scenario, seed, scale and years with another policy package and no
        levers moved: what the current settings are compared against."""
        return replace(self, policy=policy, levers={})

    def scenario_label(self) -> str:
        return Path(self.scenario).stem if self.scenario.endswith(".toml") else self.scenario


def scenarios() -> list[str]:
    return builtin_names()


def policies() -> list[str]:
    return builtin_names("policy")


def settings_toml(settings: Settings) -> str:
    """The settings as a scenario file (every parameter), which `sorteermachine run
    --scenario FILE`, the batch runner and this app's 'load' all take."""
    setup = settings.setup()
    name = f"{settings.scenario_label()}+{setup.policy}" + ("+levers" if settings.levers else "")
    return scenario_toml(name, setup.params)


def load_settings(data: bytes, filename: str, current: Settings, folder: Path) -> Settings:
    """Settings from an uploaded scenario file: the file becomes the scenario, with no
    policy package and no levers on top (its own values are shown in the panel).

    Raises ScenarioError with a message for the user if the file is not a valid scenario;
    nothing is changed then (the caller keeps `current`)."""
    stem = re.sub(r"[^A-Za-z0-9_.-]+", "_", Path(filename or "uploaded").stem)[:60] or "uploaded"
    folder.mkdir(parents=True, exist_ok=True)
    path = Path(tempfile.mkstemp(prefix=f"{stem}.", suffix=".toml", dir=folder)[1])
    path.write_bytes(data)
    try:
        loaded = load_scenario(path)
    except ScenarioError as exc:
        path.unlink(missing_ok=True)
        raise ScenarioError(str(exc).replace(str(path), filename or "the file")) from None
    scale = loaded.params.get("scale", current.scale)
    return replace(current, scenario=str(path), policy="no-policy", levers={},
                   scale=float(scale))


# --- runs -----------------------------------------------------------------------------------
class LiveRun:
    """A model being run for the app: stepped a year at a time, read through the results
    layer after each step (so the page draws `RunResults`, as it would a stored run)."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.setup = settings.setup()
        self.model = SortingModel(rng=settings.seed, params=self.setup.params)
        self.key = settings.key()[:-1]  # what it simulates, whatever the last year asked

    @property
    def year(self) -> int:
        return self.model.year

    def step(self) -> None:
        self.model.step()

    def results(self) -> RunResults:
        return RunResults.from_model(self.model, self.settings.scenario_label(),
                                     self.settings.seed, policy=self.setup.policy)


def simulate(settings: Settings, on_year: Callable[[RunResults], None] | None = None,
             every: float = 0.5, cancelled: Callable[[], bool] = lambda: False,
             live: LiveRun | None = None) -> RunResults:
    """Run the settings to their last year (continuing `live` if it simulates the same
    settings). `on_year(results so far)` is called at the start, then at most every `every`
    seconds while running (a page cannot redraw faster than that anyway), and at the end."""
    run = live if live is not None and live.key == settings.key()[:-1] else LiveRun(settings)
    last = 0.0
    while run.year < settings.until and not cancelled():
        if on_year and time.perf_counter() - last >= every:
            on_year(run.results())
            last = time.perf_counter()
        run.step()
    results = run.results()
    if on_year:
        on_year(results)
    return results


class _Cancelled(Exception):
    pass


def replicate(settings: Settings, seeds: Sequence[int],
              on_run: Callable[[int, int], None] | None = None,
              cancelled: Callable[[], bool] = lambda: False, backend=None,
              folder: Path | None = None) -> list[RunResults]:
    """The settings run once per seed (the uncertainty bands), through the batch runner
    (`experiments.batch.run_batch`, by default on two worker processes) into a temporary
    store, read back as `RunResults`; `on_run(done, total)` after each run. Returns [] if
    `cancelled()` became true."""
    from experiments.backends import ProcessBackend
    from experiments.batch import make_task, run_batch
    from experiments.store import BatchStore

    overrides = {**settings.levers, "scale": settings.scale}
    tasks = [make_task(i, settings.scenario, settings.policy, overrides, seed=int(seed),
                       until=settings.until) for i, seed in enumerate(seeds)]

    def progress(p):
        if cancelled():
            raise _Cancelled
        if on_run and p.done:
            on_run(p.done, p.total)

    with tempfile.TemporaryDirectory(dir=folder) as tmp:
        store = Path(tmp) / "seeds"
        try:
            run_batch(tasks, store, backend or ProcessBackend(2), on_progress=progress)
        except _Cancelled:
            return []
        batch = BatchStore(store)
        return [batch.results(t.run) for t in tasks]


def difference_table(current: RunResults, baseline: RunResults,
                     years: Sequence[int] = (2030, 2040, 2050), lang: str = "en") -> list[dict]:
    """Key figures of both runs at `years` (those both runs reached) and their difference,
    one row per figure: {figure, year: (current, baseline, difference), ...}."""
    names = {
        "en": {"households": "Households", "inhabitants": "Inhabitants",
               "dissimilarity": "Segregation D (wijken)", "theil_h": "Segregation H (wijken)",
               "wijken_in_band": "Wijken in the 21–51% band", "vacancy": "Vacancy",
               "low_share": "Low-income share", "unmet_demand": "Unmet demand (so far)",
               "displaced": "Displaced (so far)"},
        "nl": {"households": "Huishoudens", "inhabitants": "Inwoners",
               "dissimilarity": "Segregatie D (wijken)", "theil_h": "Segregatie H (wijken)",
               "wijken_in_band": "Wijken binnen de band 21–51%", "vacancy": "Leegstand",
               "low_share": "Aandeel lage inkomens", "unmet_demand": "Onvervulde vraag (tot dan)",
               "displaced": "Gedwongen verhuisd (tot dan)"},
    }["nl" if lang == "nl" else "en"]
    frames = [_figures(r.city) for r in (current, baseline)]
    reached = [y for y in years if all(y in f.index for f in frames)]
    rows = []
    for col, label in names.items():
        if col not in frames[0].columns or col not in frames[1].columns:
            continue
        row = {"figure": label, "key": col}
        for y in reached:
            a, b = float(frames[0].loc[y, col]), float(frames[1].loc[y, col])
            row[y] = (a, b, a - b)
        rows.append(row)
    return rows


def _figures(cf):
    f = cf.set_index("year")
    f = f.assign(vacancy=f["vacant_dwellings"] / f["dwellings"],
                 low_share=f["hh_low_pt"] / f["households"],
                 unmet_demand=f["unmet_demand"].cumsum())
    if "displaced" in f.columns:
        f["displaced"] = f["displaced"].cumsum()
    return f


def format_figure(key: str, value: float) -> str:
    """A value of the difference table as people read it."""
    if not math.isfinite(value):
        return "–"
    if key in ("vacancy", "low_share"):
        return f"{value * 100:.1f}%"
    if key in ("dissimilarity", "theil_h"):
        return f"{value:.3f}"
    return f"{value:,.0f}"


def format_difference(key: str, value: float) -> str:
    """A difference with its sign; one that rounds to zero reads '±0' (never '−0.000')."""
    if not math.isfinite(value):
        return "–"
    if key in ("vacancy", "low_share"):
        digits, scale, unit = 1, 100.0, " pp"
    elif key in ("dissimilarity", "theil_h"):
        digits, scale, unit = 3, 1.0, ""
    else:
        digits, scale, unit = 0, 1.0, ""
    shown = round(value * scale, digits)
    sign = "+" if shown > 0 else "\u2212" if shown < 0 else "±"
    return f"{sign}{abs(shown):,.{digits}f}{unit}"


__all__ = ["Params", "Settings", "difference_table", "lever_groups",
           "load_settings", "read_input", "replicate", "settings_toml", "simulate"]
