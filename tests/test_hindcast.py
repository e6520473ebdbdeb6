"""The city's history and the hindcast (model/history.py, model/phases/observed_stock.py,
experiments/hindcast.py, `sorteermachine hindcast`).

Runs are small (a tenth of the city, 2016-2018, two seeds): the figures themselves are in
docs/ODD.md, from `sorteermachine hindcast --from 2016 --to 2019 --seeds 5`.
"""

import json
import shutil

import numpy as np
import pandas as pd
import pytest

from experiments import hindcast
from model import SortingModel
from model import history as hist
from model.city import DEFAULT_DATA_DIR, DataError, load_city
from model.params import make_params
from model.synthesis import owner_counts, scaled_counts
from sorteermachine.cli import main

SKILL_COLUMNS = ["indicator", "level", "n_areas", "mae_model", "mae_persistence", "corr_model"]
SMALL = ["--from", "2016", "--to", "2018", "--seeds", "2", "--scale", "0.1"]


@pytest.fixture(scope="module")
def city():
    return load_city()


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    out = tmp_path_factory.mktemp("hindcast") / "h"
    assert main(["hindcast", *SMALL, "--quiet", "--out", str(out)]) == 0
    return out


@pytest.fixture(scope="module")
def small_model(city):
    """One hindcast model run to 2018, for the invariants of imposing."""
    req = hindcast.check_request(2016, 2018, 1, make_params({"scale": 0.1}), "unused")
    model = hindcast.hindcast_model(req, seed=3)
    model.run_until_year(2018)
    return model


# --- the history table ------------------------------------------------------------------------
def test_history_has_2016_to_2019_and_starts_where_income_is_published(city):
    assert hist.years(city) == [2016, 2017, 2018, 2019]
    assert hist.start_years(city) == [2016, 2017, 2018]  # KWB 2019 has no income block


def test_city_for_2016_is_kwb_2016_with_one_household_per_occupied_dwelling(city):
    then = hist.city_for_year(city, 2016)
    b = hist.area_rows(city, 2016, "buurt")
    assert then.buurten["dwellings"].sum() == 45_227  # KWB 2016 Woningvoorraad
    assert (then.buurten["households"].to_numpy() == b["occupied"].to_numpy()).all()
    occupied = b["dwellings"] - (b["dwellings"] * b["pct_unoccupied"] / 100).round()
    assert np.abs(b["occupied"] - occupied).max() <= 1
    assert (then.wijken["dwellings"] == then.buurten.groupby("wijk_code")["dwellings"].sum()
            .to_numpy()).all()
    # same areas and geometry as the packaged tables
    assert list(then.buurt_codes) == list(city.buurt_codes)


def test_a_2016_start_is_built_from_2016_figures():
    m = SortingModel(rng=1, scale=0.1, start_year=2016)
    row = m.city_rows[0]
    assert row["year"] == 2016 and m.year == 2016
    then = hist.city_for_year(m.city, 2016)
    dwellings, households = scaled_counts(then, 0.1)
    assert row["dwellings"] == dwellings.sum() and row["households"] == households.sum()
    m.run_until_year(2017)
    assert m.city_rows[-1]["year"] == 2017


def test_start_year_without_a_complete_start_state_is_refused():
    with pytest.raises(DataError, match="no complete start state for 2019.*2016, 2017, 2018"):
        SortingModel(rng=1, scale=0.1, start_year=2019)


def test_observed_path_is_the_relative_change_of_cbs_households(city):
    path = hist.ObservedPath(city, 2016, 2019, 1000.0)
    g = hist.load_history(city).query("level == 'gemeente'").set_index("year")["households"]
    assert path.target(2016) == 1000.0
    assert path.target(2019) == pytest.approx(1000.0 * g[2019] / g[2016])
    assert path.end_year == 2019


# --- imposing the observed stock and households --------------------------------------------------
def test_stock_per_buurt_and_owner_follows_the_kwb_editions(city, small_model):
    d = small_model.dwellings
    rows = d.rows()
    counts = np.zeros((city.n_buurten, 3), dtype=int)
    np.add.at(counts, (d.buurt[rows], d.owner[rows]), 1)
    then = hist.year_tables(city, 2018)
    expected = owner_counts(then, scaled_counts(then, 0.1)[0])
    assert (counts == expected).all()


def test_household_total_ends_on_the_observed_path(small_model):
    """The path's end is met, up to the households that found no dwelling (reported as
    unmet demand, few)."""
    c = small_model.city_frame().set_index("year")
    target = small_model.household_path.target(2018)
    assert abs(c.loc[2018, "households"] + c.loc[2018, "unmet_demand"] - target) <= 1
    assert c.loc[2018, "unmet_demand"] <= 0.005 * target


# --- the hindcast's files ----------------------------------------------------------------------
def test_skill_table_has_the_columns_indicators_and_levels(result):
    skill = pd.read_csv(result / "skill.csv")
    assert list(skill.columns) == SKILL_COLUMNS
    pairs = set(zip(skill["indicator"], skill["level"], strict=True))
    for indicator in ("households", "corporation_share", "low_income_share"):
        assert {(indicator, "wijk"), (indicator, "buurt")} <= pairs
    assert (skill["n_areas"] >= 10).all()
    meta = json.loads((result / "run.json").read_text())
    assert (meta["kind"], meta["from"], meta["to"], meta["seeds"]) == ("hindcast", 2016, 2018, 2)


def test_observed_changes_are_the_kwb_figures(result, city):
    areas = pd.read_csv(result / "areas.csv")
    a = areas.query("indicator == 'households' and level == 'wijk' and seed == 1")
    w16 = hist.area_rows(city, 2016, "wijk")["households"]
    w18 = hist.area_rows(city, 2018, "wijk")["households"]
    expected = (w18 / w16 - 1).loc[a["code"]].to_numpy()
    assert np.allclose(a["observed_change"], expected, rtol=1e-5, atol=1e-7)
    assert (w16.loc[a["code"]] >= hindcast.MIN_HOUSEHOLDS).all()
    # buurt shares: only where CBS publishes the buurt's own figure in both years
    b = areas.query("indicator == 'corporation_share' and level == 'buurt' and seed == 1")
    rows = hist.area_rows(city, 2016, "buurt").loc[b["code"]]
    assert not rows["imputed"].str.contains("pct_corporation").any()


def test_persistence_and_model_errors_are_computed_from_the_area_changes(result):
    areas = pd.read_csv(result / "areas.csv")
    skill = pd.read_csv(result / "skill.csv").set_index(["indicator", "level"])
    for (indicator, level), a in areas.groupby(["indicator", "level"]):
        mean = a.groupby("code").agg(obs=("observed_change", "first"),
                                     mod=("model_change", "mean"))
        row = skill.loc[(indicator, level)]
        assert row["n_areas"] == len(mean)
        assert row["mae_persistence"] == pytest.approx(mean["obs"].abs().mean(), rel=1e-4)
        assert row["mae_model"] == pytest.approx((mean["mod"] - mean["obs"]).abs().mean(),
                                                 rel=1e-4)
        assert row["corr_model"] == pytest.approx(np.corrcoef(mean["mod"], mean["obs"])[0, 1],
                                                  abs=1e-4)
    by_seed = pd.read_csv(result / "skill_by_seed.csv")
    assert sorted(by_seed["seed"].unique()) == [1, 2]


def test_summary_says_where_the_model_beats_persistence(capsys, tmp_path):
    rc = main(["hindcast", "--from", "2016", "--to", "2017", "--seeds", "1", "--scale", "0.05",
               "--out", str(tmp_path / "h")])
    out = capsys.readouterr().out
    assert rc == 0
    assert "beats persistence" in out and "households" in out
    assert "results in" in out


# --- bad input: a clear message, exit 2, nothing written ---------------------------------------
@pytest.mark.parametrize(("args", "message"), [
    (["--from", "2015", "--to", "2019"], "--from 2015: allowed is a year this city's history "
                                         "can start from: 2016, 2017, 2018"),
    (["--from", "2019", "--to", "2019"], "--from 2019"),
    (["--from", "2016", "--to", "2016"], "--to 2016: allowed is a later year"),
    (["--from", "2016", "--to", "2024"], "--to 2024"),
    (["--from", "2016", "--to", "2019", "--seeds", "0"], "--seeds 0"),
    (["--from", "2016", "--to", "2019", "--set", "start_year=2017"], "--set start_year"),
    (["--from", "2016", "--to", "2019", "--scale", "7"], "--scale"),
])
def test_bad_request_stops_with_exit_2_and_writes_nothing(capsys, tmp_path, args, message):
    out = tmp_path / "h"
    rc = main(["hindcast", *args, "--out", str(out)])
    assert rc == 2
    assert message in capsys.readouterr().err
    assert not out.exists() and list(tmp_path.iterdir()) == []


def test_a_data_folder_without_history_has_no_hindcast(capsys, tmp_path):
    folder = tmp_path / "city"
    shutil.copytree(DEFAULT_DATA_DIR, folder)
    (folder / "history.csv").unlink()
    out = tmp_path / "h"
    rc = main(["hindcast", "--from", "2016", "--to", "2019", "--data-dir", str(folder),
               "--out", str(out)])
    assert rc == 2
    err = capsys.readouterr().err
    assert "has no history (history.csv), so it has no hindcast" in err
    assert not out.exists()
    # the folder still runs forward from its own year
    assert SortingModel(rng=1, scale=0.05, data_dir=folder).year == 2024
