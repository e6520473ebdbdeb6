"""The results layer (experiments/results.py): a run's results read back from its folder are
the results the live model gave, so reports and the app never need a live model."""

import numpy as np
import pandas as pd
import pytest

from experiments.results import FLOAT_FORMAT, OutputError, RunResults, stored_floats
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


def test_stored_floats_are_the_text_round_trip_to_the_bit():
    """The vectorised rounding gives float(FLOAT_FORMAT % v) exactly: over all magnitudes,
    values whose ninth digit is a 5 (ties, decided on the exact binary value), the edges of
    a decade, zeros with their sign, non-finite and subnormal values."""
    rng = np.random.default_rng(0)
    digits = rng.integers(10**7, 10**8, 20_000)
    values = np.concatenate([
        rng.standard_normal(50_000) * 10.0 ** rng.integers(-30, 30, 50_000),
        rng.random(20_000), rng.integers(0, 10**12, 20_000).astype(float),
        (digits + 0.5) / 10.0 ** rng.integers(0, 15, 20_000),
        (digits * 10 + 5) * 10.0 ** rng.integers(0, 12, 20_000),
        [0.0, -0.0, np.nan, np.inf, -np.inf, 5e-324, 1.7976931348623157e308, 0.5, 2.5,
         123456785.0, 99999999.5, 99999999.49999999, 9999999.95, 1e7, 1e8, 0.1, 1 / 3]])
    expected = np.array([float(FLOAT_FORMAT % v) for v in values.tolist()])
    got = stored_floats(values)
    assert np.array_equal(got.view(np.int64), expected.view(np.int64))
