"""Any city: the data folder says which municipality it is, and nothing in the code names one.

A small made-up city of another code (Proefstad, GM9999; tests/synthetic_city.py) is written
to a fresh folder, checked, run end to end through the command line with a scenario that
gives its household change relative to the start, and reported on, maps included.
"""

import json
import subprocess
from pathlib import Path

import pandas as pd
import pytest
from synthetic_city import BUURTEN, GM_CODE, NAME, WIJK_NAMES, write_city
from test_report import Page

from model.city import load_city
from model.params import ParameterError, make_params
from sorteermachine.cli import main

REPO = Path(__file__).resolve().parent.parent
SHARE_SCENARIO = """[scenario]
name = "shrink-by-a-tenth"
description = "Households fall by a tenth of the start by 2050"

[params]
household_change_basis = "share"
household_change_2050_share = -0.1
"""


@pytest.fixture(scope="module")
def city_dir(tmp_path_factory) -> Path:
    return write_city(tmp_path_factory.mktemp("proefstad") / "data")


@pytest.fixture(scope="module")
def run_dir(city_dir, tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("proefrun")
    scenario = root / "shrink.toml"
    scenario.write_text(SHARE_SCENARIO)
    out = root / "results"
    rc = main(["run", "--quiet", "--data-dir", str(city_dir), "--scenario", str(scenario),
               "--until", "2030", "--seed", "3", "--out", str(out)])
    assert rc == 0
    return out


def test_the_data_folder_names_the_city(city_dir, capsys):
    city = load_city(city_dir)
    assert (city.gm_code, city.name) == (GM_CODE, NAME)
    assert (city.n_wijken, city.n_buurten) == (len(WIJK_NAMES), len(BUURTEN))
    assert set(city.outside["gm_code"]) == {"GM9998"}
    assert city.wijk_graph.has_edge("WK999903", "GM9998")  # a neighbour, from outside.csv
    assert main(["check-data", str(city_dir)]) == 0
    assert f"{NAME} ({GM_CODE}), 3 wijken, 6 buurten" in capsys.readouterr().out


def test_a_synthetic_city_runs_end_to_end(run_dir):
    city = pd.read_csv(run_dir / "city.csv")
    wijken = pd.read_csv(run_dir / "wijken.csv")
    assert city["year"].tolist() == list(range(2024, 2031))
    assert set(wijken["wijk_code"]) == set(WIJK_NAMES)
    meta = json.loads((run_dir / "run.json").read_text())
    assert meta["city_data"]["name"] == NAME
    # The household path is the share of the start: a tenth less by 2050, so 6/26 of that
    # by 2030 (the path may be missed by half a percent in a year).
    start = city["households"].iloc[0]
    target = start * (1 - 0.1 * 6 / 26)
    assert abs(city["households"].iloc[-1] - target) <= 0.006 * start + 1


def test_its_report_names_the_city_and_maps_every_wijk(run_dir):
    html = (run_dir / "report.html").read_text(encoding="utf-8")
    page = Page(html)
    assert not page.errors
    assert f"<h1>{NAME} housing market simulation" in html
    assert "Heerlen " not in html.replace("Heerlens Woonfundament", "")
    assert "3 wijken and 6 buurten" in html
    assert len(page.maps) == 3
    for areas in page.maps:  # keyed by the name that starts each area's tooltip
        assert set(areas) == set(WIJK_NAMES.values())
    assert page.context == [1, 1, 1]  # the neighbour on every map


def test_an_absolute_change_too_large_for_the_city_is_refused(city_dir, tmp_path, capsys):
    out = tmp_path / "r"
    rc = main(["run", "--data-dir", str(city_dir), "--out", str(out)])  # base: -3,795
    err = capsys.readouterr().err
    assert rc == 2 and not out.exists()
    assert "household_change_2050 = -3795 households would leave" in err
    assert NAME in err and "household_change_basis = 'share'" in err


def test_a_scenario_cannot_give_both_household_changes():
    with pytest.raises(ParameterError, match="basis = 'households', so it would not be read"):
        make_params({"household_change_2050_share": 0.1}, where="mine.toml")
    with pytest.raises(ParameterError, match="'household_change_2050' = 100.0 is given"):
        make_params({"household_change_basis": "share", "household_change_2050": 100})
    p = make_params({"household_change_basis": "share", "household_change_2050_share": 0.1})
    assert p.household_change_2050_share == 0.1


def test_no_code_names_a_city_or_counts_its_wijken():
    found = subprocess.run(
        ["grep", "-rnI", "-e", "0917", "-e", "23 wijken", "-e", "57 buurten", "model", "viz",
         "experiments", "sorteermachine", "--exclude-dir=data", "--exclude-dir=__pycache__"],
        cwd=REPO, capture_output=True, text=True)
    assert found.stdout == "", found.stdout
