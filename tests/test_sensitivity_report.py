"""Sensitivity analysis (experiments/sensitivity.py) and the batch report
(viz/batch_report.py): the indices find the parameter that matters and the one that cannot,
and the report's figures are the medians and paired differences of the stored runs."""

import re

import numpy as np
import pytest

from experiments.backends import SerialBackend
from experiments.batch import open_store, run_batch
from experiments.results import OutputError
from experiments.sensitivity import analyse, design, outputs_of
from experiments.spec import load_spec
from experiments.store import BatchStore
from sorteermachine.cli import main
from viz.batch_report import Batch, build_batch_report

SENSITIVITY = """
[batch]
name = "tiny-morris"
scenarios = ["base"]
replications = 1
until = 2026

[params]
scale = 0.05

[sensitivity]
parameters = ["household_change_2050", "construction_max_per_year"]
outputs = ["dissimilarity_2050", "net_out_middle_high", "wijken_in_band_2050"]
trajectories = 2
levels = 4
samples = 4
"""

BATCH = """
[batch]
name = "tiny-policies"
scenarios = ["base"]
policies = ["no-policy", "demand.toml"]
replications = 3
until = 2027

[params]
scale = 0.05
household_change_2050 = 2000.0
"""

DEMAND = """
[policy]
name = "demand"
[params]
construction = "demand"
"""


def test_morris_finds_the_parameter_that_matters_and_the_one_that_cannot(tmp_path, capsys):
    """construction_max_per_year cannot matter while construction is 'none' (the default):
    its elementary effects are exactly zero; the household path moves segregation."""
    spec_path = tmp_path / "s.toml"
    spec_path.write_text(SENSITIVITY)
    out = tmp_path / "morris"
    assert main(["sensitivity", str(spec_path), "--method", "morris", "--out", str(out),
                 "--workers", "1"]) == 0
    printed = capsys.readouterr().out
    assert "D in the last year: most influential household_change_2050" in printed
    indices = __import__("pandas").read_csv(out / "indices.csv")
    d = indices[indices["output"] == "dissimilarity_2050"].set_index("parameter")
    assert d.loc["construction_max_per_year", "mu_star"] == 0
    assert d.loc["household_change_2050", "mu_star"] > 0
    assert set(indices["output"]) == {"dissimilarity_2050", "net_out_middle_high",
                                      "wijken_in_band_2050"}
    assert "<svg" in (out / "sensitivity.html").read_text()
    assert len(BatchStore(out).done()) == 2 * (2 + 1)  # trajectories x (parameters + 1)
    # the same command again runs nothing and gives the same indices
    assert main(["sensitivity", str(spec_path), "--method", "morris", "--out", str(out),
                 "--workers", "1", "--quiet"]) == 0
    assert __import__("pandas").read_csv(out / "indices.csv").equals(indices)


def test_sobol_indices_from_the_saltelli_design(tmp_path):
    spec_path = tmp_path / "s.toml"
    spec_path.write_text(SENSITIVITY)
    spec = load_spec(spec_path)
    problem, x, points = design(spec, "sobol")
    assert len(points) == 4 * (2 + 2)
    assert all(-20000 <= p["household_change_2050"] <= 30000 for p in points)
    assert all(isinstance(p["construction_max_per_year"], int) for p in points)
    runs_spec = spec.with_points(points)
    store = open_store(tmp_path / "sobol", runs_spec.tasks(), runs_spec)
    run_batch(runs_spec.tasks(), store, SerialBackend(), spec=runs_spec)
    indices = analyse(problem, x, store.runs(), store.city(), "sobol", runs_spec,
                      outputs_of(spec))
    d = indices[indices["output"] == "dissimilarity_2050"].set_index("parameter")
    assert d.loc["construction_max_per_year", "ST"] == 0
    assert np.isfinite(d.loc["household_change_2050", "ST"])


@pytest.mark.parametrize("change, message", [
    (('outputs = ["dissimilarity_2050"', 'outputs = ["segregation"'),
     r"unknown output\(s\) \['segregation'\]"),
    (('"construction_max_per_year"]', '"constructions"]'), "unknown parameter 'constructions'"),
    (('parameters = ["household_change_2050", "construction_max_per_year"]',
      'parameters = { household_change_2050 = [-30000, 0], daeb_free_share = "register" }'),
     "outside the register's range"),
    (('parameters = ["household_change_2050", "construction_max_per_year"]',
      'parameters = ["construction"]'), "at least two parameters"),
    (("until = 2026", "until = 2026\nyears = [2024, 2026]"),
     r"\['net_out_middle_high'\] add up flows over every year, but \[batch\] years keeps "
     r"only 2024, 2026; set years = \"all\""),
])
def test_bad_sensitivity_specs_fail_before_any_run(tmp_path, capsys, change, message):
    spec_path = tmp_path / "s.toml"
    spec_path.write_text(SENSITIVITY.replace(*change))
    out = tmp_path / "out"
    assert main(["sensitivity", str(spec_path), "--method", "morris", "--out", str(out),
                 "--workers", "1"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("sorteermachine: error:") and re.search(message, err)
    assert not out.exists()


@pytest.fixture(scope="module")
def policies_batch(tmp_path_factory):
    folder = tmp_path_factory.mktemp("policies")
    (folder / "demand.toml").write_text(DEMAND)
    (folder / "b.toml").write_text(BATCH)
    spec = load_spec(folder / "b.toml")
    out = folder / "batch"
    run_batch(spec.tasks(), open_store(out, spec.tasks(), spec), SerialBackend(), spec=spec)
    return out


def test_report_shows_medians_bands_and_paired_differences(policies_batch):
    batch = Batch(policies_batch)
    assert batch.groups == ["base / no-policy", "base / demand"]
    html = build_batch_report(policies_batch)
    for title in ("1. Key indicators over time", "2. 2027", "3. Differences against the "
                  "baseline", "4. Maps per wijk, 2027"):
        assert title in html
    city = BatchStore(policies_batch).city()
    runs = BatchStore(policies_batch).runs()
    d = city[city["year"] == 2027].merge(runs[["run", "policy", "replication"]], on="run")
    base = d[d["policy"] == "no-policy"].set_index("replication")["dissimilarity"]
    demand = d[d["policy"] != "no-policy"].set_index("replication")["dissimilarity"]
    assert f"{np.median(base):.3f}<br>" in html  # the table's median
    diff = (demand - base).sort_index()
    assert f"{np.median(diff):+.3f}<br>" in html  # paired by replication (same seed)
    assert html.count("<svg") >= 4 + 2 * 2  # charts over time and two maps per group


def test_report_command_and_its_messages(policies_batch, tmp_path, capsys):
    assert main(["report", str(policies_batch), "--baseline", "base/nothing"]) == 2
    err = capsys.readouterr().err
    assert "no such combination or policy package" in err and "'base / demand'" in err
    assert "'no-policy'" in err  # the packages it could have named
    for spelling in ("base / demand", "base/demand"):
        assert main(["report", str(policies_batch), "--baseline", spelling]) == 0
        html = (policies_batch / "report.html").read_text()
        assert "minus the baseline <b>base / demand</b>" in html
    assert main(["report", str(tmp_path)]) == 2
    assert "not a batch folder" in capsys.readouterr().err
    with pytest.raises(OutputError, match="no such combination"):
        build_batch_report(policies_batch, baseline="migration")


def test_report_baseline_can_be_a_policy_package(policies_batch):
    """'--baseline no-policy': each scenario's other packages against its own no-policy
    runs (here one scenario: the same pairs as naming the combination)."""
    html = build_batch_report(policies_batch, baseline="no-policy")
    assert "the same scenario under <b>no-policy</b>" in html
    section = html.split('id="differences"')[1].split("</section>")[0]
    assert "<td>base / demand</td><td>base / no-policy</td>" in section
    assert "<td>base / no-policy</td><td>base / no-policy</td>" not in section
    named = build_batch_report(policies_batch, baseline="base/no-policy")
    table = section.split("<tbody>")[1]
    assert table == named.split('id="differences"')[1].split("</section>")[0].split("<tbody>")[1]


def test_policy_baseline_pairs_each_scenario_and_point_with_its_own():
    from types import SimpleNamespace

    from viz.batch_report import _baselines
    groups = ["base / no-policy / x=1", "base / woonfundament / x=1", "base / no-policy / x=2",
              "base / woonfundament / x=2", "asml / no-policy / x=1", "asml / woonfundament / x=1"]
    pairs, _ = _baselines(SimpleNamespace(groups=groups), "no-policy")
    assert pairs == {"base / woonfundament / x=1": "base / no-policy / x=1",
                     "base / woonfundament / x=2": "base / no-policy / x=2",
                     "asml / woonfundament / x=1": "asml / no-policy / x=1"}
    pairs, _ = _baselines(SimpleNamespace(groups=groups), "asml")  # a scenario: its first
    assert set(pairs.values()) == {"asml / no-policy / x=1"} and len(pairs) == 5
