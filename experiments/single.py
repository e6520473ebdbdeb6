"""One run: build the model for a scenario and seed, step it to a year, save the results.

A results folder holds everything needed to read and to repeat the run:
  city.csv      one row per year (indices, flows, vacancy and fit per class and segment)
  wijken.csv    one row per wijk per year
  buurten.csv   one row per buurt per year
  scenario.toml the complete parameter set of the run (re-run it with --scenario this file)
  run.json      seed, scenario, years, scale, model version, checksums of the city data
  ledger.csv.gz every move, arrival, departure, formation and dissolution (if asked for)
Files are written to a temporary folder next to the target and moved into place only when all
are complete, so a failed run never leaves a half-written results folder.
"""

import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Callable
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from model import SortingModel
from model.params import Params, make_params
from model.register import REGISTER
from model.scenarios import load_scenario

FLOAT_FORMAT = "%.8g"
LAST_YEAR = 2050


def model_version() -> str:
    try:
        return version("sorteermachine")
    except PackageNotFoundError:
        return "unknown"


def resolve_params(scenario: str | Path | None, overrides: dict | None = None
                   ) -> tuple[str, Params]:
    """The scenario's name and its parameters with `overrides` applied (all validated)."""
    loaded = load_scenario(scenario or "base")
    params = make_params(loaded.params, where=str(loaded.path))
    if overrides:
        make_params(overrides, where="--set")  # report a bad override as the user's own
        params = params.replace(**overrides)
    return loaded.name, params


def run(params: Params, seed: int, until: int = LAST_YEAR, data_dir=None,
        on_year: Callable[[int], None] | None = None) -> SortingModel:
    """Build the model and step it to `until`; `on_year(year)` is called after each year."""
    model = SortingModel(rng=seed, params=params, data_dir=data_dir)
    while model.year < until:
        model.step()
        if on_year:
            on_year(model.year)
    return model


def scenario_toml(name: str, params: Params) -> str:
    """The run's parameters as a scenario file: every parameter, so nothing depends on the
    defaults of the model version that reads it back."""
    lines = ["[scenario]", f"name = {_toml_value(name)}",
             'description = "Complete parameter set of a sorteermachine run"', "", "[params]"]
    for key in REGISTER:
        lines.append(f"{key} = {_toml_value(params[key])}")
    return "\n".join(lines) + "\n"


def _toml_value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, tuple):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    return repr(value)


def _checksums(data_dir: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest()[:16]
            for p in sorted(data_dir.iterdir()) if p.is_file()}


class OutputError(ValueError):
    """A results folder that cannot be written."""


def check_out_dir(out_dir: str | Path) -> Path:
    """Refuse to overwrite a folder that is not an earlier results folder."""
    out_dir = Path(out_dir).resolve()
    if out_dir == Path.cwd() or out_dir in Path.cwd().parents:
        raise OutputError(f"--out {out_dir}: is the current folder or one of its parents; "
                          "give a folder of its own, e.g. --out runs/base")
    if out_dir.exists():
        if not out_dir.is_dir():
            raise OutputError(f"--out {out_dir}: exists and is not a folder")
        if any(out_dir.iterdir()) and not (out_dir / "run.json").is_file():
            raise OutputError(f"--out {out_dir}: folder exists, is not empty and holds no "
                              "earlier results (no run.json); choose a new or empty folder")
    return out_dir


def write_results(model: SortingModel, out_dir: str | Path, scenario_name: str, seed: int,
                  ledger: bool = False, extra_files: dict[str, Callable[[Path], None]]
                  | None = None) -> Path:
    """Write the results folder atomically (see the module docstring)."""
    out_dir = check_out_dir(out_dir)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", dir=out_dir.parent))
    tmp.chmod(0o755)
    try:
        model.city_frame().to_csv(tmp / "city.csv", index=False, float_format=FLOAT_FORMAT)
        model.wijk_frame().to_csv(tmp / "wijken.csv", index=False, float_format=FLOAT_FORMAT)
        model.buurt_frame().to_csv(tmp / "buurten.csv", index=False, float_format=FLOAT_FORMAT)
        (tmp / "scenario.toml").write_text(scenario_toml(scenario_name, model.params))
        meta = {
            "model": "sorteermachine",
            "version": model_version(),
            "scenario": scenario_name,
            "seed": seed,
            "first_year": int(model.params.start_year),
            "last_year": int(model.year),
            "scale": model.params.scale,
            "changed_parameters": {k: v for k, v in model.params.changed().items()},
            "city_data": {"folder": model.city.data_dir.name,
                          "sha256": _checksums(model.city.data_dir)},
            "source": "Bron: CBS (CC BY 4.0), see model/data/heerlen/PROVENANCE.md",
        }
        (tmp / "run.json").write_text(json.dumps(meta, indent=2, default=list) + "\n")
        if ledger:
            model.ledger.frame(model.city).to_csv(
                tmp / "ledger.csv.gz", index=False,
                compression={"method": "gzip", "mtime": 0})
        for name, writer in (extra_files or {}).items():
            writer(tmp / name)
        if out_dir.exists():  # an earlier run's folder (checked by check_out_dir): swap
            old = out_dir.with_name(f".{out_dir.name}.old")
            shutil.rmtree(old, ignore_errors=True)
            os.replace(out_dir, old)
            os.replace(tmp, out_dir)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(tmp, out_dir)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return out_dir
