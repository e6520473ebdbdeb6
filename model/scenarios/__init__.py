"""Scenarios: named sets of parameter values, stored as TOML files.

A scenario file has a `[scenario]` table (name, description, source) and a `[params]` table
whose keys must be parameters of the register (`model/register.py`). The built-in scenarios
are the files next to this module; a user's own file is loaded the same way, so a run is
reproducible from its seed and its scenario file alone.
"""

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from model.params import ParameterError, make_params

BUILTIN_DIR = Path(__file__).parent


class ScenarioError(ValueError):
    """A scenario name or file that cannot be used."""


@dataclass(frozen=True)
class Scenario:
    name: str
    description: str = ""
    source: str = ""
    params: dict = field(default_factory=dict)
    path: Path | None = None


def builtin_names() -> list[str]:
    """Names of the scenarios that ship with the model."""
    return sorted(p.stem for p in BUILTIN_DIR.glob("*.toml"))


def load_scenario(name_or_path: str | Path) -> Scenario:
    """A built-in scenario by name, or a scenario TOML file by path; validated."""
    path = Path(name_or_path)
    if path.suffix != ".toml":
        if str(name_or_path) not in builtin_names():
            raise ScenarioError(f"unknown scenario '{name_or_path}'; built-in scenarios are "
                                f"{', '.join(builtin_names())}, or give a path to a .toml file")
        path = BUILTIN_DIR / f"{name_or_path}.toml"
    if not path.is_file():
        raise ScenarioError(f"{path}: scenario file not found")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(f"{path}: not valid TOML ({exc})") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError(f"{path}: cannot be read ({exc})") from None
    for table in ("scenario", "params"):
        if not isinstance(data.get(table, {}), dict):
            raise ScenarioError(f"{path}: '{table}' must be a table ([{table}] with "
                                "key = value lines below it)")
    unknown = set(data) - {"scenario", "params"}
    if unknown:
        raise ScenarioError(f"{path}: unknown table(s) {sorted(unknown)}; a scenario file has "
                            "a [scenario] table (name, description, source) and a [params] "
                            "table")
    meta = data.get("scenario", {})
    extra = set(meta) - {"name", "description", "source"}
    if extra:
        raise ScenarioError(f"{path}: unknown field(s) {sorted(extra)} in [scenario]; allowed: "
                            "name, description, source")
    params = data.get("params", {})
    try:
        make_params(params, where=str(path))
    except ParameterError as exc:
        raise ScenarioError(str(exc)) from None
    return Scenario(name=str(meta.get("name", path.stem)),
                    description=str(meta.get("description", "")),
                    source=str(meta.get("source", "")), params=dict(params), path=path)
