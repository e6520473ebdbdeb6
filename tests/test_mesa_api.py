"""Mesa, honoured: time, scenarios, agents and batch_run mean what they mean in Mesa 3.5.

`model.time` counts years since the start year; `run_until`/`run_for` take Mesa time; a
calendar year given by mistake stops with a message. `scenario=` takes a Mesa Scenario. A
kept agent handle never shows another household's data. `mesa.batch_run` works.
"""

import re
from pathlib import Path

import numpy as np
import pytest
from mesa.batchrunner import batch_run
from mesa.experimental.scenarios import Scenario

from model import SortingModel, SortingScenario
from model.agents import Household, HouseholdGone
from model.params import ParameterError
from model.register import REGISTER

SCALE = 0.05


def test_time_is_years_since_the_start_year():
    model = SortingModel(rng=1, scale=SCALE)
    assert (model.time, model.steps, model.year) == (0.0, 0, 2024)
    model.step()
    assert (model.time, model.steps, model.year) == (1.0, 1, 2025)
    model.run_until(3)
    assert (model.time, model.year) == (3, 2027)
    model.run_for(2)
    assert (model.time, model.year) == (5, 2029)
    model.run_until_year(2031)
    assert (model.time, model.year) == (7, 2031)
    assert model.city_frame()["year"].tolist() == list(range(2024, 2032))


@pytest.mark.parametrize("call", ["run_until", "run_for"])
def test_a_calendar_year_given_as_model_time_is_refused(call):
    model = SortingModel(rng=1, scale=SCALE)
    with pytest.raises(ValueError, match=r"run_until_year\(2050\).*run_until\(26\)"):
        getattr(model, call)(2050)
    assert model.steps == 0  # nothing was simulated


def test_run_model_stops_at_the_end_of_the_scenarios():
    model = SortingModel(rng=1, scale=SCALE)
    model.run_model()
    assert model.year == 2050 and not model.running
    assert model.time == 26


def test_running_backwards_in_calendar_years_is_refused():
    model = SortingModel(rng=1, scale=SCALE)
    model.run_until_year(2026)
    with pytest.raises(ValueError, match="already in 2026"):
        model.run_until_year(2025)


def test_scenario_is_a_mesa_scenario_with_the_register_as_fields():
    scenario = SortingScenario(rng=3, scale=SCALE, beta_status=2.0)
    assert isinstance(scenario, Scenario)
    assert set(REGISTER) <= set(scenario.to_dict())
    model = SortingModel(scenario=scenario)
    assert model.scenario is scenario
    assert model.params.beta_status == 2.0 and model.params.scale == SCALE
    assert model.scenario.rng == 3
    with pytest.raises(ValueError, match="during model run"):
        model.scenario.beta_status = 3.0  # Mesa freezes a scenario while the model runs


def test_default_model_has_a_scenario_holding_its_parameters():
    model = SortingModel(rng=2, scale=SCALE, beta_status=1.5)
    assert isinstance(model.scenario, SortingScenario)
    assert model.scenario.params == model.params
    assert model.scenario.beta_status == 1.5 and model.scenario.rng == 2


def test_same_run_through_any_way_of_giving_parameters():
    by_kw = SortingModel(rng=4, scale=SCALE, beta_status=2.0)
    by_scenario = SortingModel(scenario=SortingScenario(rng=4, scale=SCALE, beta_status=2.0))
    by_plain = SortingModel(scenario=Scenario(rng=4, scale=SCALE, beta_status=2.0))
    for model in (by_kw, by_scenario, by_plain):
        model.run_until_year(2026)
    assert by_kw.city_frame().equals(by_scenario.city_frame())
    assert by_kw.city_frame().equals(by_plain.city_frame())


def test_named_scenarios_have_a_name_of_their_own():
    with pytest.raises(TypeError, match="scenario_name='economic-asml'"):
        SortingModel(rng=1, scenario="economic-asml")
    model = SortingModel(rng=1, scenario_name="economic-asml", scale=SCALE)
    assert model.scenario_name == "economic-asml" and model.policy_name == "no-policy"
    assert model.params.household_change_2050 == 8395
    assert SortingScenario.named("economic-asml", scale=SCALE).params == model.params


def test_bad_scenario_values_name_the_field():
    with pytest.raises(ParameterError, match="beta_status"):
        SortingScenario(beta_status=-1.0)
    with pytest.raises(ParameterError, match="unknown parameter 'beta_stat'"):
        SortingModel(scenario=Scenario(rng=1, beta_stat=2.0))


def test_a_kept_handle_never_shows_another_households_data():
    model = SortingModel(rng=5, scale=SCALE)
    kept = {a.row: a for a in model.agents}
    gone = []
    while not gone:
        model.step()
        h = model.households
        gone = [a for row, a in kept.items()
                if h.alive[row] and h.uid[row] != a.unique_id]  # row reused by another
    handle = gone[0]
    assert not handle.alive
    with pytest.raises(HouseholdGone, match=f"household {handle.unique_id} is no longer"):
        handle.income  # noqa: B018
    assert getattr(handle, "income_class", None) is None
    assert "(gone)" in repr(handle)
    assert handle not in model.agents  # the next read of model.agents dropped it
    assert len(model.agents) == model.households.count()
    assert len(model.agents_by_type[Household]) == model.households.count()
    ids = {a.unique_id for a in model.agents}
    assert ids == set(model.households.uid[model.households.rows()].tolist())


def test_agent_ids_are_mesa_ids_kept_from_creation():
    model = SortingModel(rng=6, scale=SCALE)
    first = sorted(a.unique_id for a in model.agents)
    assert first[0] == 1 and first == list(range(1, len(first) + 1))
    counter = model.agent_id_counter
    assert counter == len(first) + 1  # reading the agents does not use up ids
    model.step()
    new = [a for a in model.agents if a.unique_id >= counter]
    assert new and all(a.alive for a in new)


def test_mesa_batch_run_gives_the_models_own_figures():
    rows = batch_run(SortingModel, parameters={"scale": SCALE, "beta_status": [2.0, 4.0]},
                     rng=[1, 2], max_steps=2, data_collection_period=1,
                     number_processes=2, display_progress=False)
    assert len(rows) == 2 * 2 * 3  # 2 values x 2 seeds x (start + 2 years)
    row = next(r for r in rows if r["beta_status"] == 4.0 and r["rng"] == 2
               and r["Step"] == 2.0)
    model = SortingModel(rng=2, scale=SCALE, beta_status=4.0)
    model.run_for(2)
    last = model.city_rows[-1]
    assert row["year"] == 2026
    assert row["households"] == last["households"]
    assert np.isclose(row["dissimilarity"], last["dissimilarity"])


def test_no_private_mesa_field_is_written():
    """The handles used to write Mesa's agent sets directly; now only Agent.__init__ and
    Agent.remove() touch them."""
    private = re.compile(r"\.(_all_agents|_agents_by_type|_agents|_event_list|_user_step|"
                         r"_scenario|_collection_steps)\b|_HardKeyAgentSet")
    sources = Path(__file__).parents[1].glob("model/**/*.py")
    hits = [f"{p.name}: {m.group(0)}" for p in sources for m in private.finditer(p.read_text())]
    assert hits == []
