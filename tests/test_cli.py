"""The `sorteermachine` command line (sorteermachine/cli.py, experiments/single.py,
experiments/results.py).

Most tests call the CLI in-process through `sorteermachine.cli.main([...])`, which returns the
exit code; a few run the installed console script as a real subprocess. Runs are kept short
(`--until 2024` at full scale, or `--scale 0.1` for a few years) and skip report.html.
"""

import csv
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pandas as pd
import pytest

from model.city import DEFAULT_DATA_DIR
from model.params import make_params
from model.register import REGISTER
from model.scenarios import builtin_names, load_scenario
from sorteermachine.cli import main

CLASSES = ["low_pt", "low_daeb", "middle", "high_afford", "high"]
HH = [f"hh_{c}" for c in CLASSES]
TABLE_1 = dict(zip(CLASSES, (0.41, 0.23, 0.13, 0.08, 0.15), strict=True))
CITY_COLUMNS = ["year", "households", "inhabitants", "dwellings", "vacant_dwellings",
                "corp_share", "wijken_in_band", "dissimilarity", "theil_h", "isolation_low",
                "moran_low", *HH]
WIJK_COLUMNS = ["year", "wijk_code", "wijk_name", "dwellings", "households", "corp_share",
                "low_income_share", "vulnerable_share", *HH]
BUURT_COLUMNS = ["year", "buurt_code", "buurt_name", "wijk_code", "dwellings", "households",
                 "inhabitants", "corp_share", *HH]
RESULT_FILES = {"city.csv", "wijken.csv", "buurten.csv", "run.json", "scenario.toml"}
TABLES = ("city.csv", "wijken.csv", "buurten.csv")
QUICK = ["--scale", "0.1", "--until", "2026"]
SCENARIO_NAMES = ["base", "migration", "economic-workers", "economic-brightlands",
                  "economic-asml"]


# --------------------------------------------------------------------------- helpers


def cli(capsys, *args) -> tuple[int, str, str]:
    """Run the CLI in-process; return (exit code, stdout, stderr)."""
    capsys.readouterr()  # drop anything printed before
    rc = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return rc, out, err


def run_quiet(out: Path, *args) -> Path:
    """`sorteermachine run --quiet --no-report --out OUT ARGS`, which must succeed."""
    rc = main(["run", "--quiet", "--no-report", "--out", str(out), *map(str, args)])
    assert rc == 0
    return out


def read_bytes(folder: Path) -> dict[str, bytes]:
    return {name: (folder / name).read_bytes() for name in TABLES}


def tree(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` with its content (to check a folder was left untouched)."""
    return {str(p.relative_to(folder)): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def console_script() -> str:
    """The installed `sorteermachine` entry point of this venv."""
    here = Path(sys.executable).parent / "sorteermachine"
    found = str(here) if here.is_file() else shutil.which("sorteermachine")
    assert found, "the sorteermachine console script is not installed (pip install -e .)"
    return found


def run_script(*args, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([console_script(), *map(str, args)], cwd=cwd, capture_output=True,
                          text=True, timeout=120, env={**os.environ, "PYTHONHASHSEED": "0"})


def read_rows(path: Path) -> tuple[list[str], list[list[str]]]:
    with path.open(newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    return rows[0], rows[1:]


def write_rows(path: Path, header: list[str], rows: list[list[str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f, lineterminator="\n").writerows([header, *rows])


def set_field(path: Path, key: str, value_of_key: str, field: str, value: str) -> int:
    """Set `field` in the row whose `key` column is `value_of_key`; return its line number."""
    header, rows = read_rows(path)
    k, f = header.index(key), header.index(field)
    for i, row in enumerate(rows):
        if row[k] == value_of_key:
            row[f] = value
            write_rows(path, header, rows)
            return i + 2
    raise AssertionError(f"{value_of_key} not in {path}")


def get_field(path: Path, key: str, value_of_key: str, field: str) -> str:
    header, rows = read_rows(path)
    k, f = header.index(key), header.index(field)
    return next(row[f] for row in rows if row[k] == value_of_key)


def drop_column(path: Path, column: str) -> None:
    header, rows = read_rows(path)
    i = header.index(column)
    write_rows(path, header[:i] + header[i + 1:], [r[:i] + r[i + 1:] for r in rows])


def assert_nothing_written(tmp_path: Path, out: Path) -> None:
    assert not out.exists()
    assert not out.parent.exists() or not [p for p in out.parent.iterdir()
                                           if p.name.startswith(f".{out.name}")]


# --------------------------------------------------------------------------- shared runs


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> dict[str, Path]:
    """Results folders made once for the module: full-scale start states for seeds 5 (twice)
    and 6, and a short multi-year run at scale 0.1 (twice)."""
    root = tmp_path_factory.mktemp("runs")
    return {
        "full5": run_quiet(root / "full5", "--until", 2024, "--seed", 5),
        "full5_again": run_quiet(root / "full5_again", "--until", 2024, "--seed", 5),
        "full6": run_quiet(root / "full6", "--until", 2024, "--seed", 6),
        "short3": run_quiet(root / "short3", "--scale", 0.1, "--until", 2028, "--seed", 3),
        "short3_again": run_quiet(root / "short3_again", "--scale", 0.1, "--until", 2028,
                                  "--seed", 3),
    }


# --------------------------------------------------------------------------- 1. results folder


def test_run_2024_writes_the_results_folder(runs):
    out = runs["full5"]
    assert {p.name for p in out.iterdir()} == RESULT_FILES  # no ledger, no report asked for

    city = pd.read_csv(out / "city.csv")
    assert len(city) == 1 and city["year"].tolist() == [2024]
    assert set(CITY_COLUMNS) <= set(city.columns)
    assert city[CITY_COLUMNS].notna().all().all()
    row = city.iloc[0]
    assert row["households"] == sum(row[c] for c in HH)
    assert row["dwellings"] == row["households"] + row["vacant_dwellings"]
    assert 0 < row["corp_share"] < 1 and 0 < row["dissimilarity"] < 1 and 0 < row["theil_h"] < 1
    assert 0 <= row["wijken_in_band"] <= 23

    wijken = pd.read_csv(out / "wijken.csv", dtype={"wijk_code": str})
    assert len(wijken) == 23 and set(WIJK_COLUMNS) <= set(wijken.columns)
    assert (wijken["year"] == 2024).all() and wijken["wijk_code"].is_unique
    assert (wijken["households"] == wijken[HH].sum(axis=1)).all()
    for col in ("dwellings", "households", *HH):
        assert wijken[col].sum() == row[col]
    data_wijken = pd.read_csv(DEFAULT_DATA_DIR / "wijken.csv", dtype={"wijk_code": str})
    assert sorted(wijken["wijk_code"]) == sorted(data_wijken["wijk_code"])
    assert (wijken.set_index("wijk_code")["dwellings"]
            == data_wijken.set_index("wijk_code")["dwellings"]).all()

    buurten = pd.read_csv(out / "buurten.csv")
    assert len(buurten) == 57 and set(BUURT_COLUMNS) <= set(buurten.columns)
    assert buurten["households"].sum() == row["households"]
    assert buurten["inhabitants"].sum() == row["inhabitants"]
    assert buurten["buurt_name"].notna().all() and buurten["buurt_name"].is_unique

    meta = json.loads((out / "run.json").read_text())
    assert meta["seed"] == 5 and meta["scenario"] == "base"
    assert meta["first_year"] == 2024 and meta["last_year"] == 2024
    assert meta["scale"] == 1.0 and meta["changed_parameters"] == {}
    assert meta["city_data"]["folder"] == "heerlen"
    sha = meta["city_data"]["sha256"]
    assert sha["buurten.csv"] == hashlib.sha256(
        (DEFAULT_DATA_DIR / "buurten.csv").read_bytes()).hexdigest()[:16]
    assert {"wijken.csv", "buurten.csv", "outside.csv"} <= set(sha)

    scenario = tomllib.loads((out / "scenario.toml").read_text())
    assert scenario["scenario"]["name"] == "base"
    assert set(scenario["params"]) == set(REGISTER)  # every parameter, not only changes
    assert make_params(scenario["params"]) == make_params()


def test_multi_year_run_writes_one_row_per_year(runs):
    out = runs["short3"]
    city = pd.read_csv(out / "city.csv")
    assert city["year"].tolist() == list(range(2024, 2029))
    wijken = pd.read_csv(out / "wijken.csv")
    assert len(wijken) == 23 * 5 and sorted(wijken["year"].unique()) == list(range(2024, 2029))
    assert (wijken.groupby("year")["households"].sum().to_numpy()
            == city["households"].to_numpy()).all()
    buurten = pd.read_csv(out / "buurten.csv")
    assert len(buurten) == 57 * 5
    meta = json.loads((out / "run.json").read_text())
    assert (meta["first_year"], meta["last_year"], meta["scale"]) == (2024, 2028, 0.1)
    assert meta["changed_parameters"] == {"scale": 0.1}
    # a tenth of the city (rounding per buurt)
    assert abs(city["households"].iloc[0] - 4424) <= 0.03 * 4424


def test_summary_is_printed_unless_quiet(tmp_path, capsys):
    rc, out, err = cli(capsys, "run", "--no-report", *QUICK, "--seed", 4, "--out",
                       tmp_path / "r")
    assert rc == 0
    assert "base, policy no-policy, seed 4, 2024-2026, scale 0.1:" in out
    assert f"results in {tmp_path / 'r'}/" in out and "report.html" not in out
    rc, out, err = cli(capsys, "run", "--no-report", "--quiet", *QUICK, "--out", tmp_path / "q")
    assert rc == 0 and out == "" and err == ""


def test_summary_names_the_files_written(tmp_path, capsys):
    rc, out, _ = cli(capsys, "run", "--ledger", *QUICK, "--out", tmp_path / "r")
    assert rc == 0
    listed = out.split("results in ")[1].split("(")[1].rstrip(")\n").split(", ")
    written = {p.name for p in (tmp_path / "r").iterdir()}
    assert set(listed) == written == {"city.csv", "wijken.csv", "buurten.csv", "report.html",
                                      "ledger.csv.gz", "run.json", "scenario.toml"}


def test_set_values_reach_the_run(tmp_path):
    out = run_quiet(tmp_path / "r", "--until", 2024, "--scale", 0.2,
                    "--set", "construction=demand",
                    "--set", "start_class_shares=[0.40, 0.24, 0.13, 0.08, 0.15]",
                    "--set", "beta_status = 3.5")
    meta = json.loads((out / "run.json").read_text())
    assert meta["changed_parameters"] == {
        "scale": 0.2, "construction": "demand", "beta_status": 3.5,
        "start_class_shares": [0.40, 0.24, 0.13, 0.08, 0.15]}
    params = tomllib.loads((out / "scenario.toml").read_text())["params"]
    assert params["construction"] == "demand" and params["beta_status"] == 3.5
    assert params["start_class_shares"] == [0.40, 0.24, 0.13, 0.08, 0.15]


# --------------------------------------------------------------------------- 2. determinism


def test_same_seed_gives_identical_files_at_full_scale(runs):
    a, b = runs["full5"], runs["full5_again"]
    assert read_bytes(a) == read_bytes(b)
    assert (a / "scenario.toml").read_bytes() == (b / "scenario.toml").read_bytes()
    assert (a / "run.json").read_bytes() == (b / "run.json").read_bytes()


def test_same_seed_gives_identical_files_over_several_years(runs):
    a, b = runs["short3"], runs["short3_again"]
    assert read_bytes(a) == read_bytes(b)
    # and the years really moved households (so identical files mean something)
    city = pd.read_csv(a / "city.csv")
    assert city["moves_within"].iloc[1:].gt(0).all()


def test_different_seed_changes_placement_but_not_targets_or_stock(runs):
    a, b = runs["full5"], runs["full6"]
    assert (a / "buurten.csv").read_bytes() != (b / "buurten.csv").read_bytes()
    ba, bb = (pd.read_csv(p / "buurten.csv").set_index("buurt_code") for p in (a, b))
    differs = (ba[HH] != bb[HH]).any(axis=1)
    assert differs.sum() >= 20  # households are placed differently in most buurten
    # the stock and the household count per buurt do not depend on the seed
    for col in ("dwellings", "households", "corp_share"):
        assert ba[col].equals(bb[col])
    data = pd.read_csv(DEFAULT_DATA_DIR / "buurten.csv").set_index("buurt_code")
    assert (ba["households"] == data.loc[ba.index, "households"]).all()
    wa, wb = (pd.read_csv(p / "wijken.csv").set_index("wijk_code") for p in (a, b))
    assert wa["corp_share"].equals(wb["corp_share"])
    assert wa["dwellings"].equals(wb["dwellings"])
    # the calibration targets hold for both seeds: Table 1 within 1 point
    for folder in (a, b):
        city = pd.read_csv(folder / "city.csv").iloc[0]
        for c in CLASSES:
            assert abs(city[f"hh_{c}"] / city["households"] - TABLE_1[c]) <= 0.01, (folder, c)


def test_copied_data_folder_gives_the_same_run(runs, heerlen_copy, tmp_path):
    out = run_quiet(tmp_path / "r", "--until", 2024, "--seed", 5, "--data-dir", heerlen_copy)
    assert read_bytes(out) == read_bytes(runs["full5"])
    meta = json.loads((out / "run.json").read_text())
    ref = json.loads((runs["full5"] / "run.json").read_text())
    assert meta["city_data"]["folder"] == heerlen_copy.name
    assert meta["city_data"]["sha256"] == ref["city_data"]["sha256"]


# --------------------------------------------------------------------------- 3. scenario file


def test_scenario_file_alone_reproduces_the_run(tmp_path):
    first = run_quiet(tmp_path / "first", "--scenario", "economic-workers", "--scale", 0.1,
                      "--until", 2027, "--seed", 9, "--set", "beta_status=3.5",
                      "--set", "construction_max_per_year=200")
    again = run_quiet(tmp_path / "again", "--scenario", first / "scenario.toml",
                      "--until", 2027, "--seed", 9)
    assert read_bytes(first) == read_bytes(again)
    assert (first / "scenario.toml").read_text() == (again / "scenario.toml").read_text()
    m1, m2 = (json.loads((p / "run.json").read_text()) for p in (first, again))
    assert m1["scenario"] == m2["scenario"] == "economic-workers"
    assert m1["changed_parameters"] == m2["changed_parameters"]
    assert m1["changed_parameters"]["beta_status"] == 3.5
    assert m1["changed_parameters"]["construction"] == "demand"
    # the other seed with the same file gives another run: the file does not fix the outcome
    other = run_quiet(tmp_path / "other", "--scenario", first / "scenario.toml",
                      "--until", 2027, "--seed", 10)
    assert (other / "buurten.csv").read_bytes() != (first / "buurten.csv").read_bytes()


# --------------------------------------------------------------------------- subprocess


def test_console_script_run_matches_in_process_run(runs, tmp_path):
    proc = run_script("run", "--until", 2024, "--seed", 5, "--no-report", "--out", "res",
                      cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "base, policy no-policy, seed 5, 2024-2024, scale 1: 44,238 households" in proc.stdout
    assert "results in res/" in proc.stdout
    assert read_bytes(tmp_path / "res") == read_bytes(runs["full5"])


def test_console_script_bad_input_exits_2_with_a_message(tmp_path):
    proc = run_script("run", "--scenario", "nope", "--until", 2024, "--out", "res",
                      cwd=tmp_path)
    assert proc.returncode == 2
    assert proc.stderr.startswith("sorteermachine: error: unknown scenario 'nope'")
    assert "Traceback" not in proc.stderr and proc.stdout == ""
    assert list(tmp_path.iterdir()) == []


# --------------------------------------------------------------------------- 4. bad input


def _toml(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "bad.toml"
    path.write_text(text)
    return path


BAD_ARGS = {
    # id: (make args from tmp_path, substrings the message must hold)
    "unknown-scenario": (lambda t: ["--scenario", "nope"],
                         ["unknown scenario 'nope'", *SCENARIO_NAMES, ".toml"]),
    "missing-scenario-file": (lambda t: ["--scenario", t / "none.toml"],
                              ["none.toml", "not found"]),
    "toml-unknown-parameter": (lambda t: ["--scenario", _toml(t, "[params]\nbeta_stauts = 1\n")],
                               ["bad.toml", "unknown parameter 'beta_stauts'",
                                "Did you mean 'beta_status'"]),
    "toml-out-of-range": (lambda t: ["--scenario", _toml(t, "[params]\nscale = 2.0\n")],
                          ["bad.toml", "'scale' = 2.0", "a number from 0.02 to 1"]),
    "toml-wrong-type": (lambda t: ["--scenario",
                                   _toml(t, '[params]\nchoice_set_size = "20"\n')],
                        ["bad.toml", "'choice_set_size' = '20'", "a whole number from 5 to 200"]),
    "toml-fraction-for-whole-number": (
        lambda t: ["--scenario", _toml(t, "[params]\nmarket_rounds = 2.5\n")],
        ["bad.toml", "'market_rounds'", "a whole number from 1 to 10"]),
    "toml-bad-vector": (
        lambda t: ["--scenario", _toml(t, "[params]\ninflow_class_shares = [0.5, 0.5, 0.5]\n")],
        ["bad.toml", "'inflow_class_shares'", "a list of 5 numbers", "summing to 1"]),
    "toml-unknown-table": (lambda t: ["--scenario", _toml(t, "[parms]\nscale = 0.5\n")],
                           ["bad.toml", "unknown table(s) ['parms']", "[scenario]", "[params]"]),
    "toml-unknown-scenario-field": (
        lambda t: ["--scenario", _toml(t, '[scenario]\nnaam = "x"\n')],
        ["bad.toml", "'naam'", "name, description, source"]),
    "toml-syntax": (lambda t: ["--scenario", _toml(t, "[params\nscale = 0.5\n")],
                    ["bad.toml", "not valid TOML", "line 1"]),
    "set-unknown": (lambda t: ["--set", "beta_stauts=1"],
                    ["--set", "unknown parameter 'beta_stauts'", "'beta_status'"]),
    "set-out-of-range": (lambda t: ["--set", "market_rounds=11"],
                         ["--set", "'market_rounds' = 11", "a whole number from 1 to 10"]),
    "set-bad-choice": (lambda t: ["--set", "construction=maybe"],
                       ["'construction' = 'maybe'", "one of 'none', 'demand'"]),
    "set-no-equals": (lambda t: ["--set", "scale"], ["--set 'scale'", "NAME=VALUE"]),
    "scale-out-of-range": (lambda t: ["--scale", "0.01"], ["--scale (parameter 'scale') = 0.01",
                                                        "0.02 to 1"]),
    "until-too-early": (lambda t: ["--until", "2023"], ["--until 2023", "2024 to 2050"]),
    "until-too-late": (lambda t: ["--until", "2051"], ["--until 2051", "2024 to 2050"]),
    "data-dir-missing": (lambda t: ["--data-dir", t / "nodata"],
                         ["nodata", "city data folder is missing"]),
    "seed-negative": (lambda t: ["--seed", "-1"],
                      ["--seed -1", "a whole number from 0 to 4294967295"]),
    "seed-too-large": (lambda t: ["--seed", str(2**32)],
                       ["--seed 4294967296", "from 0 to 4294967295"]),
    "data-dir-is-a-file": (lambda t: ["--data-dir", _toml(t, "")],
                           ["bad.toml", "is a file, not a city data folder"]),
    "both-household-changes": (lambda t: ["--set", "household_change_2050_share=0.1"],
                               ["'household_change_2050_share' = 0.1 is given",
                                "set household_change_basis = 'share'"]),
}


@pytest.mark.parametrize("case", list(BAD_ARGS))
def test_bad_input_exits_2_names_the_problem_and_writes_nothing(case, tmp_path, capsys):
    make_args, expected = BAD_ARGS[case]
    out = tmp_path / "new" / "results"
    rc, stdout, err = cli(capsys, "run", "--no-report", "--out", out, *make_args(tmp_path))
    assert rc == 2
    assert err.startswith("sorteermachine: error: ") and err.count("\n") == 1
    for text in expected:
        assert text in err, (text, err)
    assert stdout == ""
    assert not (tmp_path / "new").exists()


def _missing_file(d: Path):
    (d / "outside.csv").unlink()
    return ["outside.csv", "file is missing", "gm_code, name, dwellings, inhabitants"]


def _missing_adjacency(d: Path):
    (d / "buurt_adjacency.csv").unlink()
    return ["buurt_adjacency.csv", "file is missing"]


def _missing_boundaries(d: Path):
    (d / "wijken.geojson").unlink()
    return ["wijken.geojson", "missing"]


def _missing_column(d: Path):
    drop_column(d / "buurten.csv", "households")
    return ["buurten.csv", "column(s) households missing", "found buurt_code"]


def _missing_wijk_column(d: Path):
    drop_column(d / "wijken.csv", "centroid_lat")
    return ["wijken.csv", "centroid_lat missing"]


def _non_numeric(d: Path):
    line = set_field(d / "buurten.csv", "buurt_code", "BU09171001", "pct_owner", "abc")
    return ["buurten.csv", f"line {line}", "field 'pct_owner' = 'abc'",
            "expected a percentage"]


def _negative_count(d: Path):
    line = set_field(d / "buurten.csv", "buurt_code", "BU09171001", "households", "-5")
    return ["buurten.csv", f"line {line}", "field 'households' = '-5'",
            "expected a whole number >= 0"]


def _fractional_count(d: Path):
    line = set_field(d / "outside.csv", "gm_code", "GM0882", "dwellings", "18221.5")
    return ["outside.csv", f"line {line}", "'dwellings' = '18221.5'", "a whole number"]


def _empty_name(d: Path):
    line = set_field(d / "wijken.csv", "wijk_code", "WK091711", "wijk_name", " ")
    return ["wijken.csv", f"line {line}", "field 'wijk_name' is empty"]


def _dwellings_do_not_add_up(d: Path):
    path = d / "buurten.csv"
    dwellings = int(get_field(path, "buurt_code", "BU09171001", "dwellings"))
    set_field(path, "buurt_code", "BU09171001", "dwellings", str(dwellings + 2))
    wijk = get_field(path, "buurt_code", "BU09171001", "wijk_code")
    total = int(get_field(d / "wijken.csv", "wijk_code", wijk, "dwellings"))
    return ["buurten.csv", f"the buurten of {wijk} hold {total + 2} dwellings",
            f"wijken.csv says {total}"]


def _more_households_than_dwellings(d: Path):
    path = d / "buurten.csv"
    dwellings = int(get_field(path, "buurt_code", "BU09171001", "dwellings"))
    set_field(path, "buurt_code", "BU09171001", "households", str(dwellings + 10))
    return ["buurten.csv", f"buurt BU09171001 has {dwellings + 10} households",
            f"only {dwellings} dwellings"]


def _unknown_wijk(d: Path):
    set_field(d / "buurten.csv", "buurt_code", "BU09171001", "wijk_code", "WK099999")
    return ["buurten.csv", "WK099999", "not in wijken.csv"]


def _duplicate_buurt(d: Path):
    set_field(d / "buurten.csv", "buurt_code", "BU09171001", "buurt_code", "BU09171000")
    return ["buurten.csv", "buurt_code BU09171000 appears twice"]


def _adjacency_unknown_buurt(d: Path):
    header, rows = read_rows(d / "buurt_adjacency.csv")
    rows[0][header.index("a")] = "BU00000000"
    write_rows(d / "buurt_adjacency.csv", header, rows)
    return ["buurt_adjacency.csv", "'BU00000000' is not a buurt of the city"]


def _not_utf8(d: Path):
    (d / "wijken.csv").write_bytes(b"\xff\xfe\x00\x01garbage\n")
    return ["wijken.csv", "cannot be read"]


def _no_household_types(d: Path):
    for field in ("hh_single", "hh_no_children", "hh_with_children"):
        set_field(d / "buurten.csv", "buurt_code", "BU09171001", field, "0")
    return ["buurten.csv", "BU09171001", "households but no household types",
            "hh_single, hh_no_children and hh_with_children are all 0"]


def _no_adults(d: Path):
    for field in ("age_15_25", "age_25_45", "age_45_65", "age_65_plus"):
        set_field(d / "buurten.csv", "buurt_code", "BU09171001", field, "0")
    return ["buurten.csv", "BU09171001", "no inhabitants aged 15 or over"]


def _zero_woz(d: Path):
    set_field(d / "buurten.csv", "buurt_code", "BU09171001", "woz_2019_keur", "0")
    return ["buurten.csv", "BU09171001", "woz_2019_keur = 0.0", "expected a mean WOZ value > 0"]


def _percentage_above_100(d: Path):
    line = set_field(d / "buurten.csv", "buurt_code", "BU09171001", "pct_single_family", "130")
    return ["buurten.csv", f"line {line}", "'pct_single_family' = '130'",
            "a percentage from 0 to 100"]


def _longitude_out_of_range(d: Path):
    set_field(d / "buurten.csv", "buurt_code", "BU09171001", "centroid_lon", "591.3")
    return ["buurten.csv", "BU09171001", "centroid_lon = 591.3", "-180 to 180"]


def _no_income_indicator_anywhere(d: Path):
    header, rows = read_rows(d / "buurten.csv")
    for row in rows:
        row[header.index("pct_top20")] = "0"
    write_rows(d / "buurten.csv", header, rows)
    return ["buurten.csv", "pct_top20 is 0 in every buurt", "must be > 0"]


def _no_households_at_all(d: Path):
    header, rows = read_rows(d / "buurten.csv")
    for row in rows:
        row[header.index("households")] = "0"
    write_rows(d / "buurten.csv", header, rows)
    return ["buurten.csv", "no buurt has households"]


def _wijk_without_buurten(d: Path):
    header, rows = read_rows(d / "wijken.csv")
    extra = dict(zip(header, rows[0], strict=True))
    extra.update(wijk_code="WK091799", wijk_name="Nergens", dwellings="0")
    write_rows(d / "wijken.csv", header, [*rows, [extra[h] for h in header]])
    return ["buurten.csv", "wijk WK091799 (Nergens) has no buurten"]


def _missing_gemeente(d: Path):
    (d / "gemeente.csv").unlink()
    return ["gemeente.csv", "file is missing", "gm_code, name"]


def _two_gemeenten(d: Path):
    header, rows = read_rows(d / "gemeente.csv")
    write_rows(d / "gemeente.csv", header, [rows[0], rows[0]])
    return ["gemeente.csv", "exactly one row", "found 2"]


def _adjacency_unknown_municipality(d: Path):
    header, rows = read_rows(d / "wijk_adjacency.csv")
    rows[0][header.index("b_gm_code")] = "GM0001"
    write_rows(d / "wijk_adjacency.csv", header, rows)
    return ["wijk_adjacency.csv", "GM0001 is neither the city", "outside.csv"]


def _boundaries_not_json(d: Path):
    (d / "buurten.geojson").write_text("{not json")
    return ["buurten.geojson", "cannot be read as GeoJSON"]


def _boundary_missing_for_a_wijk(d: Path):
    data = json.loads((d / "wijken.geojson").read_text())
    data["features"] = [f for f in data["features"] if f["properties"]["code"] != "WK091711"]
    (d / "wijken.geojson").write_text(json.dumps(data))
    return ["wijken.geojson", "no boundary for wijk WK091711"]


def _boundary_with_text_coordinates(d: Path):
    data = json.loads((d / "wijken.geojson").read_text())
    data["features"][0]["geometry"]["coordinates"][0][0] = ["5.9", "50.9"]
    (d / "wijken.geojson").write_text(json.dumps(data))
    return ["wijken.geojson", "feature 0", "Polygon or MultiPolygon of longitude-latitude"]


BREAKERS = [_missing_file, _missing_adjacency, _missing_boundaries, _missing_column,
            _missing_wijk_column, _non_numeric, _negative_count, _fractional_count, _empty_name,
            _dwellings_do_not_add_up, _more_households_than_dwellings, _unknown_wijk,
            _duplicate_buurt, _adjacency_unknown_buurt, _not_utf8, _no_household_types,
            _no_adults, _zero_woz, _percentage_above_100, _longitude_out_of_range,
            _no_income_indicator_anywhere, _no_households_at_all, _wijk_without_buurten,
            _missing_gemeente, _two_gemeenten, _adjacency_unknown_municipality,
            _boundaries_not_json, _boundary_missing_for_a_wijk, _boundary_with_text_coordinates]


@pytest.mark.parametrize("breaker", BREAKERS, ids=[b.__name__[1:] for b in BREAKERS])
def test_broken_data_folder_is_refused(breaker, heerlen_copy, tmp_path, capsys):
    expected = breaker(heerlen_copy)
    out = tmp_path / "results"
    rc, stdout, err = cli(capsys, "run", "--no-report", "--until", 2024, "--data-dir",
                          heerlen_copy, "--out", out)
    assert rc == 2
    assert err.startswith(f"sorteermachine: error: {heerlen_copy}")
    for text in expected:
        assert text in err, (text, err)
    assert stdout == ""
    assert "'sorteermachine check-data --spec' says what a city data folder needs" in err
    assert_nothing_written(tmp_path, out)
    # check-data says the same
    rc, stdout, err2 = cli(capsys, "check-data", heerlen_copy)
    assert rc == 2 and err2 == err and stdout == ""


def test_empty_data_file_is_refused(heerlen_copy, capsys):
    (heerlen_copy / "outside.csv").write_bytes(b"")
    rc, _, err = cli(capsys, "check-data", heerlen_copy)
    assert rc == 2 and "outside.csv" in err


@pytest.mark.parametrize("text", ["params = 3\n", "scenario = 3\n"])
def test_scenario_tables_that_are_not_tables_are_refused(text, tmp_path, capsys):
    rc, _, err = cli(capsys, "run", "--until", 2024, "--scenario", _toml(tmp_path, text),
                     "--out", tmp_path / "r")
    assert rc == 2 and "bad.toml" in err
    assert not (tmp_path / "r").exists()


def test_infinite_whole_number_is_refused(tmp_path, capsys):
    rc, _, err = cli(capsys, "run", "--until", 2024, "--set", "market_rounds=inf",
                     "--out", tmp_path / "r")
    assert rc == 2 and "'market_rounds'" in err


# --------------------------------------------------------------------------- 4b. --out


def test_out_refuses_a_non_empty_folder_that_holds_no_results(tmp_path, capsys):
    mine = tmp_path / "mine"
    (mine / "sub").mkdir(parents=True)
    (mine / "notes.txt").write_text("my thesis\n")
    (mine / "sub" / "data.csv").write_text("a,b\n1,2\n")
    (mine / "city.csv").write_text("not a results folder without run.json\n")
    before = tree(mine)
    rc, out, err = cli(capsys, "run", "--no-report", *QUICK, "--out", mine)
    assert rc == 2
    assert f"--out {mine}" in err and "no run.json" in err and "new or empty folder" in err
    assert tree(mine) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mine"]


def test_out_refuses_a_file(tmp_path, capsys):
    target = tmp_path / "results"
    target.write_text("keep me\n")
    rc, _, err = cli(capsys, "run", "--no-report", *QUICK, "--out", target)
    assert rc == 2 and "not a folder" in err and str(target) in err
    assert target.read_text() == "keep me\n"


@pytest.fixture
def no_simulation(monkeypatch):
    """Fail the test if the run gets as far as simulating."""
    import sorteermachine.cli

    def simulate(*args, **kwargs):
        raise AssertionError("the simulation started")

    monkeypatch.setattr(sorteermachine.cli, "run", simulate)


@pytest.mark.parametrize("where, expected", [
    ("FILE/sub", ["FILE is a file, not a folder"]),
    ("FILE/a/b", ["FILE is a file, not a folder"]),
    ("/proc/sorteermachine-x", ["cannot write in /proc", "choose a folder you can write to"]),
    ("/proc/self/sorteermachine-x", ["cannot write in /proc/"]),
])
def test_out_where_nothing_can_be_written_is_refused_before_simulating(
        where, expected, tmp_path, monkeypatch, capsys, no_simulation):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "FILE").write_text("keep me\n")
    rc, stdout, err = cli(capsys, "run", "--out", where)
    assert rc == 2 and stdout == ""
    assert err.startswith("sorteermachine: error: --out ") and err.count("\n") == 1
    for text in expected:
        assert text in err, (text, err)
    assert [p.name for p in tmp_path.iterdir()] == ["FILE"]
    assert (tmp_path / "FILE").read_text() == "keep me\n"


def test_out_in_a_folder_without_write_permission_is_refused(tmp_path, monkeypatch, capsys,
                                                            no_simulation):
    import tempfile

    def refused(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(tempfile, "mkdtemp", refused)
    rc, _, err = cli(capsys, "run", "--out", tmp_path / "locked" / "r")
    assert rc == 2 and f"cannot write in {tmp_path} (Permission denied)" in err
    assert list(tmp_path.iterdir()) == []


def test_a_failed_write_ends_with_a_message_and_no_folder(tmp_path, monkeypatch, capsys):
    import experiments.results as results

    def disk_full(*args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(results, "scenario_toml", disk_full)
    rc, _, err = cli(capsys, "run", "--no-report", "--until", 2024, "--scale", 0.1,
                     "--out", tmp_path / "r")
    assert rc == 2 and "writing the results failed" in err and "No space left" in err
    assert "Traceback" not in err and list(tmp_path.iterdir()) == []


def test_out_accepts_an_empty_folder(tmp_path):
    (tmp_path / "empty").mkdir()
    out = run_quiet(tmp_path / "empty", *QUICK)
    assert {p.name for p in out.iterdir()} == RESULT_FILES


def test_out_creates_missing_parents(tmp_path):
    out = run_quiet(tmp_path / "a" / "b" / "results", *QUICK)
    assert {p.name for p in out.iterdir()} == RESULT_FILES


def test_earlier_results_folder_is_replaced_completely(tmp_path):
    out = tmp_path / "results"
    run_quiet(out, "--scale", 0.1, "--until", 2025, "--seed", 2, "--ledger")
    assert {p.name for p in out.iterdir()} == RESULT_FILES | {"ledger.csv.gz"}
    ledger = pd.read_csv(out / "ledger.csv.gz")
    assert len(ledger) > 0
    (out / "stale-notes.txt").write_text("from an earlier run\n")

    run_quiet(out, "--scale", 0.1, "--until", 2024, "--seed", 3)
    assert {p.name for p in out.iterdir()} == RESULT_FILES  # ledger and stale file gone
    assert json.loads((out / "run.json").read_text())["seed"] == 3
    assert pd.read_csv(out / "city.csv")["year"].tolist() == [2024]
    assert [p.name for p in tmp_path.iterdir()] == ["results"]  # no temporary folders left


def test_out_current_folder_is_written_or_refused(tmp_path, monkeypatch, capsys):
    here = tmp_path / "here"
    here.mkdir()
    monkeypatch.chdir(here)
    rc, _, err = cli(capsys, "run", "--no-report", "--quiet", "--scale", 0.1, "--until", 2024,
                     "--out", ".")
    assert (rc == 0 and (here / "city.csv").is_file()) or (rc == 2 and "--out" in err)


def test_scenario_file_with_quoted_name_is_reproducible(tmp_path, capsys):
    src = _toml(tmp_path, '[scenario]\nname = \'my "quoted" run\'\n[params]\nscale = 0.1\n')
    first = run_quiet(tmp_path / "first", "--scenario", src, "--until", 2024, "--seed", 1)
    rc, _, err = cli(capsys, "run", "--no-report", "--quiet", "--until", 2024, "--seed", 1,
                     "--scenario", first / "scenario.toml", "--out", tmp_path / "again")
    assert rc == 0, err
    assert read_bytes(tmp_path / "again") == read_bytes(first)


# --------------------------------------------------------------------------- 5. other commands


def test_params_lists_every_register_entry(capsys):
    rc, out, err = cli(capsys, "params")
    assert rc == 0 and err == ""
    lines = out.splitlines()
    headers = [line for line in lines if not line.startswith(" ")]
    assert [h.split(" = ")[0] for h in headers] == list(REGISTER)
    for p, header in zip(REGISTER.values(), headers, strict=True):
        assert f"({p.unit}; {p.group})" in header
        assert header.endswith(" [lever]") == p.lever
    assert sum(line.strip().startswith("allowed: ") for line in lines) == len(REGISTER)
    assert sum(line.strip().startswith("source: ") for line in lines) == len(REGISTER)
    assert "scale = 1.0  (fraction; run)" in out
    assert "start_class_shares = [0.41, 0.23, 0.13, 0.08, 0.15]" in out
    assert "construction = 'none'" in out
    assert "allowed: a whole number from 1 to 10" in out


def test_params_group_lists_only_that_group(capsys):
    rc, out, _ = cli(capsys, "params", "--group", "market")
    assert rc == 0
    names = [line.split(" = ")[0] for line in out.splitlines() if not line.startswith(" ")]
    assert names == [p.name for p in REGISTER.values() if p.group == "market"]
    assert "beta_status" in names and "scale" not in names


def test_params_markdown_is_a_table_with_one_row_per_parameter(capsys):
    rc, out, _ = cli(capsys, "params", "--markdown")
    assert rc == 0
    lines = out.splitlines()
    assert lines[0] == "| parameter | default | unit | allowed | lever | source |"
    assert lines[1] == "|---|---|---|---|---|---|"
    rows = lines[2:]
    assert len(rows) == len(REGISTER)
    for p, row in zip(REGISTER.values(), rows, strict=True):
        cells = [c.strip() for c in row.strip("|").split("|")]
        assert len(cells) == 6, row
        assert cells[0] == f"`{p.name}`"
        assert cells[2] == p.unit and cells[3] == p.allowed() and cells[5] == p.source
        assert cells[4] == ("yes" if p.lever else "")
    rc, out, _ = cli(capsys, "params", "--markdown", "--group", "run")
    assert len(out.splitlines()) == 2 + sum(p.group == "run" for p in REGISTER.values())


def test_params_unknown_group_fails_with_the_allowed_groups(capsys):
    rc, out, err = cli(capsys, "params", "--group", "nope")
    assert rc == 2 and out == ""
    groups = sorted({p.group for p in REGISTER.values()})
    assert f"--group 'nope': allowed groups are {', '.join(groups)}" in err


def test_scenarios_lists_the_builtin_scenarios(capsys):
    rc, out, err = cli(capsys, "scenarios")
    assert rc == 0 and err == ""
    scenarios, policies = out.split("policy packages (--policy):")
    names = [line.split(":")[0] for line in scenarios.splitlines()
             if line and not line.startswith(" ")]
    assert sorted(names) == sorted(SCENARIO_NAMES) == sorted(builtin_names())
    assert [line.split(":")[0] for line in policies.splitlines()
            if line and not line.startswith(" ")] == builtin_names("policy")
    for name in SCENARIO_NAMES:
        s = load_scenario(name)
        assert f"{name}: {s.description}" in out
        assert f"source: {s.source}" in out


def test_check_data_accepts_the_packaged_data(capsys):
    _, rows = read_rows(DEFAULT_DATA_DIR / "buurten.csv")
    header, _ = read_rows(DEFAULT_DATA_DIR / "buurten.csv")
    dwellings = sum(int(r[header.index("dwellings")]) for r in rows)
    households = sum(int(r[header.index("households")]) for r in rows)
    rc, out, err = cli(capsys, "check-data")
    assert rc == 0 and err == ""
    assert out == (f"{DEFAULT_DATA_DIR}: Heerlen (GM0917), 23 wijken, 57 buurten, "
                   f"{dwellings:,} dwellings, {households:,} households: OK\n")
    assert dwellings == 46_697


def test_check_data_accepts_an_unbroken_copy(heerlen_copy, capsys):
    rc, out, _ = cli(capsys, "check-data", heerlen_copy)
    assert rc == 0 and out.startswith(f"{heerlen_copy}: Heerlen (GM0917), 23 wijken, 57 buurten")
    assert out.rstrip().endswith("OK")


def test_check_data_spec_says_what_a_folder_needs(capsys):
    from model.city import BOUNDARY_FILES, TABLE_FILES

    rc, out, err = cli(capsys, "check-data", "--spec")
    assert rc == 0 and err == ""
    for name, (_, spec) in TABLE_FILES.items():
        assert f"\n{name}: " in out
        for column in spec:
            assert f"  {column} (" in out, column
    for name in BOUNDARY_FILES:
        assert f"  {name}: " in out
    assert "hh_single (number >= 0): households of one person" in out
    assert "gm_code (text): CBS code of the municipality" in out


def test_missing_required_arguments_are_usage_errors(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["run", "--until", "2024"])
    assert exc.value.code == 2
    assert "--out" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exc:
        main(["run", "--seed", "x", "--out", "r"])
    assert exc.value.code == 2


def test_interrupted_run_says_so_and_leaves_nothing(tmp_path, monkeypatch, capsys):
    """Ctrl-C while the results are written: exit 130, a plain message, no folder."""
    import experiments.results as results

    def interrupted(*args):
        raise KeyboardInterrupt

    monkeypatch.setattr(results, "scenario_toml", interrupted)
    rc, out, err = cli(capsys, "run", "--no-report", *QUICK, "--out", tmp_path / "r")
    assert rc == 130 and "interrupted; no results written" in err
    assert "Traceback" not in err and list(tmp_path.iterdir()) == []


def test_ctrl_c_during_a_compiled_loop_is_an_interrupt_too(tmp_path, ctrl_c_in_compiled_loop,
                                                           capsys):
    """A Ctrl-C that lands while a compiled loop runs reaches Python as numba's SystemError
    ("returned a result with an exception set") caused by the KeyboardInterrupt: the same
    exit 130 and message, not a traceback."""
    rc, out, err = cli(capsys, "run", "--no-report", *QUICK, "--out", tmp_path / "r")
    assert rc == 130 and "interrupted; no results written" in err
    assert "Traceback" not in err and list(tmp_path.iterdir()) == []
