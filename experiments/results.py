"""The results layer: one run's results as one object, whether it comes from a live model, a
results folder or a batch store.

Everything that reads results (the run report, the batch report, the workshop app) reads a
`RunResults`, never a live model: a report of a stored run is then the same page as the
report written when the run finished, and the app can show a run it did not compute.

A results folder holds:
  city.csv      one row per year (indices, flows, vacancy and fit per class and segment)
  wijken.csv    one row per wijk per year
  buurten.csv   one row per buurt per year
  scenario.toml the complete parameter set of the run (re-run it with --scenario this file)
  run.json      seed, scenario, years, scale, model version, checksums of the city data
  ledger.csv.gz every move, arrival, departure, formation and dissolution (if asked for)
Files are written to a temporary folder next to the target and moved into place only when all
are complete, so a failed run never leaves a half-written results folder.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import shutil
import tempfile
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache, cached_property
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import numpy as np
import pandas as pd

from model.city import DEFAULT_DATA_DIR, City, load_city
from model.params import Params, make_params
from model.register import REGISTER

FLOAT_FORMAT = "%.8g"
FRAMES = ("city", "wijken", "buurten")


class OutputError(ValueError):
    """A results folder that cannot be written or read."""


@cache
def model_version() -> str:
    """The installed package's version (read once per process: the metadata lookup is slow)."""
    try:
        return version("sorteermachine")
    except PackageNotFoundError:
        return "unknown"


@dataclass(eq=False)
class RunResults:
    """The results of one run: its three tables, its parameters and what identifies it.

    `city`, `wijken` and `buurten` are the tables of city.csv, wijken.csv and buurten.csv;
    `params` the run's complete parameter set; `meta` the contents of run.json (scenario,
    seed, years, version, city data); `ledger` the event table, if kept.
    """

    city: pd.DataFrame
    wijken: pd.DataFrame
    buurten: pd.DataFrame
    params: Params
    meta: dict = field(default_factory=dict)
    ledger: pd.DataFrame | None = None

    # --- identity ---------------------------------------------------------------------------
    @property
    def scenario(self) -> str:
        return str(self.meta.get("scenario", "custom"))

    @property
    def policy(self) -> str:
        return str(self.meta.get("policy", "no-policy"))

    @property
    def seed(self) -> int | None:
        return self.meta.get("seed")

    @property
    def years(self) -> list[int]:
        return self.city["year"].astype(int).tolist()

    @property
    def data_dir(self) -> Path:
        """The city data folder of the run (the packaged Heerlen data unless said otherwise)."""
        folder = self.meta.get("city_data", {}).get("path")
        return Path(folder) if folder else DEFAULT_DATA_DIR

    @cached_property
    def geography(self) -> City:
        """The city the run simulated: names, boundaries, neighbours (loaded on first use)."""
        return load_city(self.data_dir)

    # --- making ----------------------------------------------------------------------------
    @classmethod
    def from_model(cls, model, scenario: str, seed: int | None, policy: str = "no-policy",
                   ledger: bool = False) -> RunResults:
        """The results of a live `SortingModel` (after it has run)."""
        meta = {
            "model": "sorteermachine",
            "version": model_version(),
            "scenario": scenario,
            "policy": policy,
            "seed": seed,
            "first_year": int(model.params.start_year),
            "last_year": int(model.year),
            "scale": model.params.scale,
            "changed_parameters": dict(model.params.changed()),
            "city_data": {"name": model.city.name, "folder": model.city.data_dir.name,
                          "path": _data_path(model.city.data_dir),
                          "sha256": _checksums(model.city.data_dir)},
            "source": "Bron: CBS (CC BY 4.0), see the PROVENANCE.md of the city data",
        }
        return cls(city=as_stored(model.city_frame()), wijken=as_stored(model.wijk_frame()),
                   buurten=as_stored(model.buurt_frame()), params=model.params, meta=meta,
                   ledger=model.ledger.frame(model.city) if ledger else None)

    @classmethod
    def load(cls, folder: str | Path) -> RunResults:
        """Read a results folder written by `save` (or `sorteermachine run`)."""
        folder = Path(folder)
        if not (folder / "run.json").is_file():
            raise OutputError(f"{folder}: not a results folder (no run.json); results folders "
                              "are written by 'sorteermachine run --out DIR'")
        try:
            meta = json.loads((folder / "run.json").read_text(encoding="utf-8"))
            frames = {name: pd.read_csv(folder / f"{name}.csv") for name in FRAMES}
            raw = tomllib.loads((folder / "scenario.toml").read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise OutputError(f"{folder}: cannot be read as a results folder ({exc})") from None
        known = {k: v for k, v in raw.get("params", {}).items() if k in REGISTER}
        params = make_params(known, where=str(folder / "scenario.toml"))
        ledger_path = folder / "ledger.csv.gz"
        ledger = pd.read_csv(ledger_path) if ledger_path.is_file() else None
        return cls(params=params, meta=meta, ledger=ledger, **frames)

    # --- writing ---------------------------------------------------------------------------
    def save(self, out_dir: str | Path,
             extra_files: dict[str, Callable[[Path], None]] | None = None) -> Path:
        """Write the results folder atomically (see the module docstring); `extra_files`
        maps file names to writers (such as the report) that run inside the same swap."""
        def write(tmp: Path) -> None:
            for name in FRAMES:
                getattr(self, name).to_csv(tmp / f"{name}.csv", index=False,
                                           float_format=FLOAT_FORMAT)
            (tmp / "scenario.toml").write_text(scenario_toml(self.scenario, self.params))
            (tmp / "run.json").write_text(json.dumps(self.meta, indent=2, default=list) + "\n")
            if self.ledger is not None:
                self.ledger.to_csv(tmp / "ledger.csv.gz", index=False,
                                   compression={"method": "gzip", "mtime": 0})
            for name, writer in (extra_files or {}).items():
                writer(tmp / name)

        return write_folder(out_dir, write)

    def files(self) -> list[str]:
        """The files `save` writes, in order (for the run summary)."""
        return [f"{n}.csv" for n in FRAMES] + ["scenario.toml", "run.json"] + (
            ["ledger.csv.gz"] if self.ledger is not None else [])


def as_stored(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with its floats at the precision a results folder stores (FLOAT_FORMAT),
    so that what is drawn from a live run and from its saved folder is the same to the
    last digit (a report rounds 227,710.5 and 227,710.49999 differently)."""
    # All float columns at once, by position, written in place (setting them one by one
    # splits pandas' blocks; looking them up by name costs more than the rounding).
    floats = np.flatnonzero((frame.dtypes == "float64").to_numpy())
    frame.iloc[:, floats] = stored_floats(frame.iloc[:, floats].to_numpy())
    return frame


STORED_DIGITS = 8  # the significant digits of FLOAT_FORMAT
_POWERS_OF_TEN = 10.0 ** np.arange(23)  # every one exact in float64


def stored_floats(values: np.ndarray) -> np.ndarray:
    """`float(FLOAT_FORMAT % v)` for each value, to the bit, without formatting each one.

    Each value is scaled by an exact power of ten so its 8 significant digits lie before the
    point, rounded to an integer m, and m is scaled back: IEEE multiplication and division
    of exact numbers round correctly, as parsing the text does. The scaled value carries at
    most half an ulp of error, so the rounding is only in doubt near a half; those values
    (and zeros, non-finite and extreme ones) go through the text as before.
    """
    v = np.asarray(values, dtype=np.float64)
    fast = np.isfinite(v) & (v != 0)
    a = np.where(fast, np.abs(v), 1.0)
    exponent = np.floor(np.log10(a)).astype(np.int64)
    shift = STORED_DIGITS - 1 - exponent  # scale by 10**shift
    fast &= np.abs(shift) < _POWERS_OF_TEN.size
    shift = np.where(fast, shift, 0)
    power = _POWERS_OF_TEN[np.abs(shift)]
    up = shift >= 0
    scaled = np.where(up, a * power, a / power)
    m = np.rint(scaled)
    fast &= ((scaled >= 10.0 ** (STORED_DIGITS - 1)) & (scaled < 10.0 ** STORED_DIGITS)
             & (np.abs(scaled - np.floor(scaled) - 0.5) > 1e-6))
    out = np.where(fast, np.copysign(np.where(up, m / power, m * power), v), v)
    slow = ~fast & (v != 0)  # zeros keep their sign bit, as the text does
    out[slow] = [float(FLOAT_FORMAT % x) for x in v[slow].tolist()]
    return out


def _data_path(data_dir: Path) -> str | None:
    """The city data folder as run.json records it: None for the packaged default (so a
    results folder stays valid when the package moves), else its absolute path."""
    return None if Path(data_dir).resolve() == DEFAULT_DATA_DIR.resolve() else str(
        Path(data_dir).resolve())


def _checksums(data_dir: Path) -> dict[str, str]:
    files = sorted(p for p in Path(data_dir).iterdir() if p.is_file())
    return dict(_file_checksums(tuple((p, p.stat().st_mtime_ns, p.stat().st_size)
                                      for p in files)))


@cache
def _file_checksums(files: tuple) -> tuple:
    """(name, checksum) per (path, mtime, size): a batch's runs share one data folder, read
    once per process; a changed file has another mtime or size and is read again."""
    return tuple((p.name, hashlib.sha256(p.read_bytes()).hexdigest()[:16]) for p, _, _ in files)


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


def write_folder(out_dir: str | Path, write: Callable[[Path], None]) -> Path:
    """Fill a results folder atomically: `write(tmp)` fills a temporary folder beside it,
    which then replaces `out_dir` (an earlier results folder, checked by check_out_dir, is
    swapped out); on any error nothing is left behind. The folder must hold a run.json."""
    out_dir = check_out_dir(out_dir)
    try:
        out_dir.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", dir=out_dir.parent))
    except OSError as exc:
        raise OutputError(f"--out {out_dir}: cannot be made ({exc})") from None
    tmp.chmod(0o755)
    try:
        write(tmp)
        if out_dir.exists():  # an earlier run's folder (checked by check_out_dir): swap
            old = out_dir.with_name(f".{out_dir.name}.old")
            shutil.rmtree(old, ignore_errors=True)
            os.replace(out_dir, old)
            os.replace(tmp, out_dir)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(tmp, out_dir)
    except OSError as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        raise OutputError(f"--out {out_dir}: writing the results failed ({exc}); "
                          "nothing was written") from None
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return out_dir


def check_out_dir(out_dir: str | Path) -> Path:
    """The results folder as an absolute path, after checking that a run can write it:
    refuse to overwrite a folder that is not an earlier results folder, and a place where
    nothing can be written (a file on the way, a read-only or virtual file system). Called
    before the simulation starts, so a bad --out costs no simulation and writes nothing."""
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
    existing = out_dir.parent
    while not existing.exists():  # the folders save() would create, up to one that exists
        existing = existing.parent
    if not existing.is_dir():
        raise OutputError(f"--out {out_dir}: {existing} is a file, not a folder, so no "
                          "folder can be made inside it")
    _check_writable(out_dir, existing)
    return out_dir


def _check_writable(out_dir: Path, folder: Path) -> None:
    """Make and remove an empty folder in `folder`: the only sure test that save() can write
    there (permission bits do not tell for root, read-only mounts or /proc)."""
    try:
        Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.check.", dir=folder)).rmdir()
    except OSError as exc:
        reason = ("it does not hold ordinary files" if exc.errno == errno.ENOENT
                  else exc.strerror or type(exc).__name__)
        raise OutputError(f"--out {out_dir}: cannot write in {folder} ({reason}); choose a "
                          "folder you can write to, e.g. --out runs/base") from None
