"""The results layer (experiments/results.py): a run's results read back from its folder are
the results the live model gave, so reports and the app never need a live model."""

import pandas as pd
import pytest

from experiments.results import OutputError, RunResults
from model import SortingModel
from viz.report import build_report


@pytest.fixture(scope="module")
def finished():
    model = SortingModel(rng=3, scale=0.1)
    model.run_until_year(2026)
    return model


def test_saved_folder_reads_back_as_the_same_results(finished, tmp_path):
    live = RunResults.from_model(finished, "base", 3, ledger=True)
    live.save(tmp_path / "r")
    back = RunResults.load(tmp_path / "r")
    assert back.scenario == "base" and back.seed == 3 and back.years == [2024, 2025, 2026]
    assert back.params == live.params
    for name in ("city", "wijken", "buurten"):
        pd.testing.assert_frame_equal(getattr(back, name), getattr(live, name),
                                      check_dtype=False, rtol=1e-7)
    assert len(back.ledger) == len(finished.ledger)
    assert back.geography is finished.city  # the same packaged city, loaded once


def test_report_of_a_stored_run_is_the_report_of_the_live_run(finished, tmp_path):
    live = RunResults.from_model(finished, "base", 3)
    live.save(tmp_path / "r")
    assert build_report(RunResults.load(tmp_path / "r")) == build_report(live)


def test_loading_a_folder_that_holds_no_run_names_it(tmp_path):
    with pytest.raises(OutputError, match="not a results folder"):
        RunResults.load(tmp_path)
