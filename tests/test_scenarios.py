"""The vision's Table 3 scenarios: household change 2024-2050 within 10% with enough dwellings;
with too few dwellings growth is capped by the stock and the unmet demand is reported."""

import pytest

from model import SortingModel
from model.scenarios import builtin_names, load_scenario

TABLE_3 = {
    "base": -3_795,
    "migration": -220,
    "economic-workers": 5_775,
    "economic-brightlands": 6_395,
    "economic-asml": 8_395,
}


def household_change(model) -> int:
    c = model.city_frame()
    return int(c["households"].iloc[-1] - c["households"].iloc[0])


def test_every_table_3_scenario_is_built_in():
    assert set(TABLE_3) <= set(builtin_names())
    for name, change in TABLE_3.items():
        assert load_scenario(name).params["household_change_2050"] == change


@pytest.mark.parametrize("name", list(TABLE_3))
def test_household_change_matches_table_3(name):
    model = SortingModel(rng=7, scenario_name=name)
    model.run_until_year(2050)
    assert abs(household_change(model) - TABLE_3[name]) <= 0.1 * abs(TABLE_3[name])
    assert model.city_frame()["unmet_demand"].max() < 50  # enough dwellings: little unmet


def test_growth_without_construction_is_capped_and_unmet_demand_reported():
    model = SortingModel(rng=7, scenario_name="economic-asml", construction="none")
    model.run_until_year(2050)
    c = model.city_frame()
    vacant_at_start = c["vacant_dwellings"].iloc[0]
    made_by_splitting = (c["split_units"] - c["split"]).sum()  # landlords' units
    # no more households than dwellings
    assert household_change(model) <= vacant_at_start + made_by_splitting
    assert household_change(model) < 0.9 * TABLE_3["economic-asml"]
    assert c["unmet_demand"].iloc[-1] > 1_000
    assert c["built"].sum() == 0


def test_construction_to_demand_builds_what_growth_needs():
    model = SortingModel(rng=7, scenario_name="economic-asml")
    model.run_until_year(2050)
    c = model.city_frame()
    made_by_splitting = (c["split_units"] - c["split"]).sum()  # landlords' units
    assert c["built"].sum() >= (TABLE_3["economic-asml"] - c["vacant_dwellings"].iloc[0]
                                - made_by_splitting)
    assert c["dwellings"].iloc[-1] == (c["dwellings"].iloc[0] + c["built"].sum()
                                       + made_by_splitting - c["demolished"].sum())


def test_a_policy_package_combines_with_any_scenario():
    from experiments.single import resolve

    setup = resolve("economic-asml", "no-policy")
    assert (setup.scenario, setup.policy) == ("economic-asml", "no-policy")
    assert setup.params["household_change_2050"] == 8395


def test_unknown_policy_and_non_lever_in_a_package_are_refused(tmp_path):
    import pytest

    from model.scenarios import ScenarioError, load_policy

    with pytest.raises(ScenarioError, match="unknown policy 'nope'; built-in policy packages "
                                            "are no-policy"):
        load_policy("nope")
    bad = tmp_path / "p.toml"
    bad.write_text('[policy]\nname = "p"\n[params]\nbeta_status = 2.0\n')
    with pytest.raises(ScenarioError, match="'beta_status' is not a lever; a policy package "
                                            "sets levers only"):
        load_policy(bad)
