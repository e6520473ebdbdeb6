"""The workshop app's logic without a browser: the lever panel from the register, typed
input checked against it, scenario files in and out, runs and the comparison table."""

import dataclasses
import math

import pytest

from experiments.results import RunResults
from model.params import ParameterError
from model.register import REGISTER
from model.scenarios import ScenarioError, load_scenario
from sorteermachine.app import session
from sorteermachine.app.session import Settings


def test_panel_holds_every_lever_of_the_register_and_nothing_else():
    groups = session.lever_groups()
    shown = [p.name for levers in groups.values() for p in levers]
    assert sorted(shown) == sorted(p.name for p in REGISTER.values() if p.lever)
    for group, levers in groups.items():
        assert all(p.group == group for p in levers)


@pytest.mark.parametrize("text", ["0.2", "-1", "abc", ""])
def test_typed_lever_out_of_range_or_not_a_number_is_refused_naming_the_range(text):
    p = REGISTER["daeb_free_share"]
    with pytest.raises(ParameterError, match=r"daeb_free_share.*from 0 to 0\.15"):
        session.read_input(p, text)


def test_typed_lever_in_range_is_converted():
    assert session.read_input(REGISTER["daeb_free_share"], " 0,1 ") == pytest.approx(0.1)
    assert session.read_input(REGISTER["construction_max_per_year"], "200") == 200
    assert session.read_input(REGISTER["construction"], "demand") == "demand"
    with pytest.raises(ParameterError):
        session.read_input(REGISTER["construction"], "lots")


def test_tooltip_names_source_range_and_default_in_both_languages():
    p = REGISTER["daeb_free_share"]
    assert p.source in session.tooltip(p, "en") and "default: 0.075" in session.tooltip(p)
    assert "standaard: 0.075" in session.tooltip(p, "nl")


def test_saved_settings_load_back_in_the_cli_loader_and_the_app(tmp_path):
    s = Settings(scale=0.1).with_lever("daeb_free_share", 0.12)
    text = session.settings_toml(s)
    path = tmp_path / "saved.toml"
    path.write_text(text)
    assert load_scenario(path).params["daeb_free_share"] == 0.12  # what --scenario reads
    back = session.load_settings(text.encode(), "saved.toml", Settings(), tmp_path / "up")
    assert back.setup().params == s.setup().params
    assert back.scale == 0.1 and back.levers == {} and back.policy == "no-policy"


@pytest.mark.parametrize(("content", "message"), [
    (b"[params\nscale = 0.1", "not valid TOML"),
    (b"[params]\nscale = 7.0\n", "parameter 'scale' = 7.0 is not allowed"),
    (b"[params]\nnot_a_parameter = 1\n", "unknown parameter 'not_a_parameter'"),
    (b"\xff\xfe\x00", "cannot be read"),
])
def test_malformed_upload_gives_a_clear_message_and_changes_nothing(tmp_path, content,
                                                                    message):
    current = Settings(seed=5).with_lever("daeb_free_share", 0.1)
    with pytest.raises(ScenarioError, match=message) as err:
        session.load_settings(content, "mine.toml", current, tmp_path)
    assert "mine.toml" in str(err.value) and str(tmp_path) not in str(err.value)
    assert list(tmp_path.iterdir()) == []  # nothing kept
    assert current == Settings(seed=5).with_lever("daeb_free_share", 0.1)


def test_baseline_keeps_scenario_seed_and_scale_and_drops_the_levers():
    s = Settings(scenario="migration", seed=3, scale=0.1).with_lever("daeb_free_share", 0.1)
    b = s.baseline()
    assert (b.scenario, b.seed, b.scale, b.policy, b.levers) == ("migration", 3, 0.1,
                                                                  "no-policy", {})


@pytest.fixture(scope="module")
def two_runs():
    s = Settings(scale=0.05, until=2030, seed=2)
    seen = []
    current = session.simulate(s.with_lever("household_change_2050", 10000.0),
                               on_year=seen.append, every=0.0)
    return current, session.simulate(s), seen


def test_a_run_streams_its_years_through_the_results_layer(two_runs):
    current, _, seen = two_runs
    assert isinstance(current, RunResults) and current.years == list(range(2024, 2031))
    assert [r.years[-1] for r in seen] == list(range(2024, 2031))  # each year, end once
    assert current.params.household_change_2050 == 10000.0


def test_a_live_run_continues_year_by_year_as_one_run_does(two_runs):
    _, base, _ = two_runs
    run = session.LiveRun(Settings(scale=0.05, until=2030, seed=2))
    for _ in range(6):
        run.step()
    assert run.results().city.equals(base.city)


def test_difference_table_subtracts_the_baseline(two_runs):
    current, base, _ = two_runs
    rows = {r["key"]: r for r in session.difference_table(current, base, years=(2030, 2040))}
    a, b, d = rows["households"][2030]
    assert d == a - b and d > 0  # 10,000 more households wanted: more arrive
    assert 2040 not in rows["households"]  # not simulated: no column
    assert session.format_difference("vacancy", 0.012) == "+1.2 pp"
    assert session.format_difference("households", -1234) == "\u22121,234"
    assert session.format_difference("theil_h", -0.0004) == "±0.000"  # not "−0.000"
    assert session.format_figure("dissimilarity", math.nan) == "–"


def test_replicate_runs_one_seed_each_through_the_batch_runner(tmp_path):
    from experiments.backends import SerialBackend

    s = Settings(scale=0.03, until=2026).with_lever("daeb_free_share", 0.1)
    progress = []
    runs = session.replicate(s, [1, 2, 3], on_run=lambda a, b: progress.append((a, b)),
                             backend=SerialBackend(), folder=tmp_path)
    assert [r.seed for r in runs] == [1, 2, 3] and progress == [(1, 3), (2, 3), (3, 3)]
    assert all(r.params.daeb_free_share == 0.1 for r in runs)
    assert runs[0].years == [2024, 2025, 2026] and not runs[0].city.equals(runs[1].city)
    one = session.simulate(dataclasses.replace(s, seed=2))  # the same run as the app's own
    assert runs[1].city["households"].tolist() == one.city["households"].tolist()
    assert session.replicate(s, [1, 2], cancelled=lambda: True, backend=SerialBackend(),
                             folder=tmp_path) == []
    assert list(tmp_path.iterdir()) == []  # the temporary store is gone


def test_settings_key_changes_with_what_changes_a_run():
    s = Settings()
    assert s.key() != s.with_lever("daeb_free_share", 0.1).key()
    assert s.key() != dataclasses.replace(s, seed=2).key()
    assert s.key() == Settings().key()


def test_vector_levers_are_typed_as_lists_of_numbers():
    vectors = [p for levers in session.lever_groups().values() for p in levers
               if p.kind == "vector"]
    for p in vectors:
        text = session.show_value(p.default)
        assert session.read_input(p, text) == p.default
        with pytest.raises(ParameterError, match=p.name):
            session.read_input(p, "1, 2")  # too few numbers


def test_every_lever_group_has_a_readable_name_in_both_languages():
    for group in session.lever_groups():
        for lang in ("en", "nl"):
            assert session.group_label(group, lang).strip()


def test_the_page_gets_a_chart_once_then_only_what_changed():
    import json

    import pandas as pd

    from sorteermachine.app import vega
    from viz import charts

    def chart(values, title="t"):
        return charts.time_chart(pd.DataFrame({"year": range(2024, 2024 + len(values)),
                                               "series": "a", "value": values}),
                                 title=title, y_title="y", colours={"a": "#000"})

    drawn, patch = vega.split(chart([0.1, 0.2]), None)
    assert json.loads(patch) == {} and json.loads(drawn.spec)["data"][0]["values"]
    same, patch = vega.split(chart([0.1, 0.2, 0.4]), drawn)
    assert same is drawn  # the browser keeps its chart
    patch = json.loads(patch)
    assert [r["value"] for r in patch["data"]["series"]] == [0.1, 0.2, 0.4]
    assert patch["signals"]["y_domain"][1] == 0.4
    assert json.loads(vega.split(chart([0.1, 0.2]), drawn)[1]) == {}  # nothing new
    other, patch = vega.split(chart([0.1, 0.2], title="other"), drawn)
    assert other is not drawn and json.loads(patch) == {}
