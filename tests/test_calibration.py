"""Calibration to what happened (experiments/calibration.py, the city's calibration.toml):
the churn targets hold, the target file is checked, and the fit finds a known value."""

import numpy as np
import pytest

from experiments.calibration import (
    FIGURES,
    CalibrationError,
    Target,
    _nelder_mead,
    load_targets,
    run_seeds,
    target_values,
)
from model import SortingModel
from model.ledger import EVENT, REASON
from model.params import make_params
from sorteermachine.cli import main


@pytest.fixture(scope="module")
def churn_runs():
    return run_seeds(make_params(), [1, 2, 3], 2030)


def test_heerlen_noord_churn_and_moving_rate_meet_their_targets(churn_runs):
    targets, fit = load_targets()
    assert fit == ["leave_region_rate"]
    values = target_values(churn_runs, targets)
    for t in targets:
        if t.years[1] <= 2030:
            for v in values[t.name]:
                assert t.met(v), (t.name, v)
    persons_in = np.mean([np.mean(v) for v in values["heerlen_noord_persons_in"]])
    assert 2_900 <= persons_in <= 3_500  # fitted to 3,200 (NPHLN)


def test_leaving_the_region_is_recorded_and_young_households_leave_most():
    model = SortingModel(rng=4, scale=0.3)
    h = model.households
    rows = h.rows()
    ages = dict(zip(h.uid[rows].tolist(), h.age[rows].tolist(), strict=True))
    model.step()
    a = model.ledger.arrays(model.year)
    left = (a["event"] == EVENT["leave"]) & (a["reason"] == REASON["leave_region"])
    assert left.sum() == model.flows.left_region > 0
    assert (a["from_wijk"][left] >= 0).all()  # they left a dwelling in the city
    gone = [ages[u] for u in a["household"][left].tolist() if u in ages]
    everyone = np.array(list(ages.values())) + 1
    gone = np.array(gone) + 1
    young = (gone < 35).mean()
    assert young > (everyone < 35).mean() + 0.1  # young adults leave far more often


def test_the_optimiser_finds_a_known_minimum():
    best = _nelder_mead(lambda x: float(((x - 0.37) ** 2).sum()), np.array([0.8, 0.1]), 200)
    assert np.allclose(best, 0.37, atol=2e-3)


def _write(tmp_path, text):
    (tmp_path / "calibration.toml").write_text(text)
    return tmp_path


@pytest.mark.parametrize("text, message", [
    ('[[target]]\nname = "x"\nfigure = "nope"\nyears = [2025, 2030]\nrange = [0, 1]\n'
     'source = "s"\n', "figure 'nope' unknown; allowed: persons_in_from_outside"),
    ('[[target]]\nname = "x"\nfigure = "moving_rate"\nyears = [2030, 2025]\nrange = [0, 1]\n'
     'source = "s"\n', "'years' and 'range' must each be \\[low, high\\]"),
    ('[[target]]\nname = "x"\nfigure = "moving_rate"\nrange = [0, 1]\n',
     "field\\(s\\) \\['source', 'years'\\] missing"),
    ('[[target]]\nname = "x"\nfigure = "moving_rate"\nyears = [2025, 2030]\nrange = [0, 1]\n'
     'source = "s"\nfit = true\n', "a target with fit = true needs a 'value'"),
    ('[fit]\nparameters = ["construction"]\n', "'construction' must be a number in the "
     "register with a range"),
    ("[[target]\n", "not valid TOML"),
])
def test_a_bad_calibration_file_names_the_field(tmp_path, text, message):
    with pytest.raises(CalibrationError, match=message):
        load_targets(_write(tmp_path, text))


def test_calibrate_command_refuses_bad_input_before_running(tmp_path, capsys):
    assert main(["calibrate", "--seeds", "0"]) == 2
    assert "--seeds 0: give at least 1" in capsys.readouterr().err
    assert main(["calibrate", "--data-dir", str(tmp_path)]) == 2
    assert "no calibration file" in capsys.readouterr().err
    assert main(["calibrate", "--scenarios", "nope"]) == 2
    assert "unknown scenario 'nope'" in capsys.readouterr().err


def test_every_year_figures_must_hold_every_year():
    t = Target("m", "moving_rate_every_year", "m", (2025, 2030), 0.07, 0.13, "s")
    assert FIGURES[t.figure].every_year
    assert t.met(np.array([0.08, 0.12])) and not t.met(np.array([0.08, 0.14]))
