"""The parameter register (model/register.py) and its validation (model/params.py).

Every entry must document itself (unit, source, doc) and accept its own default; make_params
must refuse what the register does not allow with a message that names the parameter and
what is allowed; Params must be immutable; every built-in scenario must validate.
"""

import copy
import math
import pickle

import pytest

from model.params import Param, ParameterError, Params, make_params
from model.register import READ_ONLY_WITH, REGISTER
from model.scenarios import BUILTIN_DIR, builtin_names, load_scenario

NUMBERS = [p for p in REGISTER.values() if p.kind in (int, float)]
VECTORS = [p for p in REGISTER.values() if p.kind == "vector"]
STRINGS = [p for p in REGISTER.values() if p.kind is str and p.choices]
KINDS = {bool, int, float, str, "vector"}


def ids(params: list[Param]) -> list[str]:
    return [p.name for p in params]


# --------------------------------------------------------------------------- the register


def test_register_is_keyed_by_name_and_not_empty():
    assert len(REGISTER) >= 50
    for key, p in REGISTER.items():
        assert isinstance(p, Param)
        assert key == p.name
        assert p.name.isidentifier() and p.name == p.name.lower()


@pytest.mark.parametrize("p", list(REGISTER.values()), ids=ids(list(REGISTER.values())))
def test_entry_is_documented(p):
    assert p.kind in KINDS
    for field in ("unit", "source", "doc", "group"):
        value = getattr(p, field)
        assert isinstance(value, str) and value.strip(), f"{p.name}: empty {field}"
    assert p.allowed().strip()


@pytest.mark.parametrize("p", list(REGISTER.values()), ids=ids(list(REGISTER.values())))
def test_default_validates_against_its_own_range(p):
    assert p.validate(p.default) == p.default
    assert type(p.validate(p.default)) is type(p.default)
    if p.kind in (int, float):
        assert type(p.default) is p.kind
        assert p.low is not None and p.high is not None, f"{p.name}: unbounded"
        assert p.low <= p.default <= p.high
    elif p.kind == "vector":
        assert isinstance(p.default, tuple) and len(p.default) == p.length
        assert all(p.low <= v <= p.high for v in p.default)
        if p.vector_sum is not None:
            assert math.isclose(sum(p.default), p.vector_sum, abs_tol=1e-6)
    elif p.kind is str and p.choices:  # free text (areas, pairs) is checked by its lever
        assert p.default in p.choices


def test_groups_are_the_model_phases_and_the_levers():
    from model.levers import MODULES

    groups = {p.group for p in REGISTER.values()}
    phases = {"run", "synthesis", "demography", "intentions", "market", "migration",
              "liveability", "prices"}
    assert phases | set(MODULES) | {"daeb_free_share"} == groups


def test_levers_exist_and_include_the_vision_levers():
    levers = {p.name for p in REGISTER.values() if p.lever}
    assert {"daeb_free_share", "construction", "bandwidth", "programme_per_year",
            "demolition", "target_group", "capacity_test", "splitting_ban", "local_binding",
            "selective_allocation", "fair_share_cut", "city_marriages", "renovation_per_year",
            "corp_middle_target"} <= levers
    # demographic scenario values are not levers: a policy package may not set them
    assert not ({"household_change_2050", "inflow_vulnerable_share"} & levers)


def test_every_lever_has_labels_unit_range_source_and_its_lever_as_group():
    from model.levers import MODULES

    for p in REGISTER.values():
        if not p.lever:
            continue
        assert p.label_nl and p.label_en and p.unit and p.source, p.name
        assert p.group in (*MODULES, "daeb_free_share"), p.name
        if p.kind in (int, float):
            assert p.low is not None and p.high is not None, p.name


def test_class_share_vectors_have_five_classes_summing_to_one():
    for name in ("start_class_shares", "inflow_class_shares"):
        p = REGISTER[name]
        assert p.length == 5 and p.vector_sum == 1.0
    assert REGISTER["start_class_shares"].default == (0.41, 0.23, 0.13, 0.08, 0.15)


# --------------------------------------------------------------------------- make_params


def test_make_params_without_overrides_gives_every_default():
    params = make_params()
    assert isinstance(params, Params)
    assert set(params) == set(REGISTER) and len(params) == len(REGISTER)
    for name, p in REGISTER.items():
        assert params[name] == p.default
        assert getattr(params, name) == p.default
    assert make_params({}) == make_params(None) == params


def test_make_params_applies_and_converts_overrides():
    params = make_params({"scale": 0.5, "market_rounds": 4.0, "household_change_2050": 100,
                          "start_class_shares": [0.4, 0.2, 0.2, 0.1, 0.1],
                          "construction": "demand"})
    assert params.scale == 0.5
    assert params.market_rounds == 4 and type(params.market_rounds) is int
    assert params.household_change_2050 == 100.0
    assert type(params.household_change_2050) is float
    assert params.start_class_shares == (0.4, 0.2, 0.2, 0.1, 0.1)
    assert isinstance(params.start_class_shares, tuple)
    assert params.construction == "demand"
    assert params.beta_status == REGISTER["beta_status"].default  # the rest untouched


def test_unknown_name_is_named_with_close_suggestions():
    with pytest.raises(ParameterError) as err:
        make_params({"beta_stauts": 1.0}, where="my.toml")
    msg = str(err.value)
    assert msg.startswith("my.toml: ")
    assert "unknown parameter 'beta_stauts'" in msg
    assert "Did you mean 'beta_status'" in msg
    assert "sorteermachine params" in msg


def test_unknown_name_without_close_match_has_no_suggestion():
    with pytest.raises(ParameterError) as err:
        make_params({"zzzzqqqq": 1})
    assert "unknown parameter 'zzzzqqqq'" in str(err.value)
    assert "Did you mean" not in str(err.value)


def test_bad_value_stops_at_the_first_error_even_among_good_ones():
    with pytest.raises(ParameterError, match="'market_rounds'"):
        make_params({"scale": 0.5, "market_rounds": 0})


def _outside(p: Param) -> list:
    step = 1 if p.kind is int else max(1e-9, 1e-6 * (p.high - p.low))
    return [p.low - step, p.high + step]


@pytest.mark.parametrize("p", NUMBERS, ids=ids(NUMBERS))
def test_numbers_outside_their_range_are_refused(p):
    for value in _outside(p):
        with pytest.raises(ParameterError) as err:
            make_params({p.name: value}, where="--set")
        msg = str(err.value)
        assert f"parameter '{p.name}'" in msg
        assert p.allowed() in msg and f"({p.unit})" in msg
        assert msg.startswith("--set: ")


@pytest.mark.parametrize("p", NUMBERS, ids=ids(NUMBERS))
def test_range_bounds_are_inclusive(p):
    needs = READ_ONLY_WITH.get(p.name, {})  # what makes the run read it
    for value in (p.low, p.high):
        assert make_params({**needs, p.name: p.kind(value)})[p.name] == value


def test_a_parameter_the_run_would_not_read_is_refused():
    for name, needs in READ_ONLY_WITH.items():
        p = REGISTER[name]
        value = p.high if p.default != p.high else p.low
        assert make_params({**needs, name: value})[name] == value
        for other, wanted in needs.items():
            unwanted = next(c for c in REGISTER[other].choices if c != wanted)
            with pytest.raises(ParameterError, match=f"'{name}' = .* is given, but {other} = "
                                                     f"'{unwanted}', so it would not be read"):
                make_params({**needs, other: unwanted, name: value}, where="x.toml")


@pytest.mark.parametrize("p", NUMBERS, ids=ids(NUMBERS))
def test_numbers_refuse_strings_bools_nan_and_none(p):
    bad = [str(p.default), True, False, None, [p.default]]
    if p.kind is float:  # NaN for whole numbers: see the xfail test below
        bad.append(float("nan"))
    for value in bad:
        with pytest.raises(ParameterError, match=f"'{p.name}'"):
            make_params({p.name: value})


def test_whole_numbers_refuse_fractions_but_take_integral_floats():
    p = REGISTER["market_rounds"]
    assert "a whole number from 1 to 10" in p.allowed()
    with pytest.raises(ParameterError, match="a whole number from 1 to 10"):
        make_params({"market_rounds": 2.5})
    assert make_params({"market_rounds": 2.0}).market_rounds == 2


def test_floats_refuse_infinity():
    for value in (float("inf"), float("-inf")):
        with pytest.raises(ParameterError, match="'scale'"):
            make_params({"scale": value})


@pytest.mark.parametrize("value", [float("inf"), float("nan")])
def test_whole_numbers_refuse_infinity_and_nan_with_parameter_error(value):
    with pytest.raises(ParameterError, match="'market_rounds'"):
        make_params({"market_rounds": value})


@pytest.mark.parametrize("p", STRINGS, ids=ids(STRINGS))
def test_strings_must_be_one_of_the_choices(p):
    for value in ("nope", p.default.upper(), 1, True, None):
        with pytest.raises(ParameterError) as err:
            make_params({p.name: value})
        assert f"'{p.name}'" in str(err.value)
        assert "one of " + ", ".join(repr(c) for c in p.choices) in str(err.value)
    for choice in p.choices:
        assert make_params({p.name: choice})[p.name] == choice


def test_bool_kind_takes_only_real_booleans():
    p = Param("flag", False, bool, "switch", "run", "test", "A test switch.")
    assert p.validate(True) is True and p.validate(False) is False
    assert p.allowed() == "true or false"
    for value in (1, 0, "true", None):
        with pytest.raises(ParameterError, match="'flag'.*true or false"):
            p.validate(value)


@pytest.mark.parametrize("p", VECTORS, ids=ids(VECTORS))
def test_vectors_of_the_wrong_length_are_refused(p):
    for value in (list(p.default[:-1]), [*p.default, 0.0], [], p.default[0]):
        with pytest.raises(ParameterError) as err:
            make_params({p.name: value})
        assert f"'{p.name}'" in str(err.value)
        assert f"a list of {p.length} numbers" in str(err.value)


@pytest.mark.parametrize("p", VECTORS, ids=ids(VECTORS))
def test_vector_elements_are_range_and_type_checked(p):
    for bad in (p.low - 0.5, p.high + 0.5, "0.1", True, float("nan"), None):
        value = list(p.default)
        value[0] = bad
        with pytest.raises(ParameterError, match=f"'{p.name}'"):
            make_params({p.name: value})


@pytest.mark.parametrize("p", [v for v in VECTORS if v.vector_sum is not None],
                         ids=ids([v for v in VECTORS if v.vector_sum is not None]))
def test_vectors_with_a_required_sum_must_have_it(p):
    value = list(p.default)
    value[0] += 0.01
    value[1] -= 0.005  # sums to 1.005: all elements still in range
    with pytest.raises(ParameterError) as err:
        make_params({p.name: value})
    assert f"summing to {p.vector_sum:g}" in str(err.value)
    # within the 1e-6 tolerance is accepted
    value = list(p.default)
    value[0] += 1e-9
    assert make_params({p.name: value})[p.name] == pytest.approx(p.default)


def test_start_class_shares_must_sum_to_one():
    with pytest.raises(ParameterError, match="start_class_shares.*summing to 1"):
        make_params({"start_class_shares": [0.5, 0.5, 0.1, 0.0, 0.0]})
    with pytest.raises(ParameterError, match="start_class_shares"):
        make_params({"start_class_shares": [0.2, 0.2, 0.2, 0.2, 0.1]})
    ok = make_params({"start_class_shares": [1, 0, 0, 0, 0]}).start_class_shares
    assert ok == (1.0, 0.0, 0.0, 0.0, 0.0) and all(type(v) is float for v in ok)


def test_vector_without_sum_takes_any_in_range_values():
    p = REGISTER["move_hazard_by_age"]
    assert p.vector_sum is None
    value = [0.9] * p.length
    assert make_params({p.name: value})[p.name] == tuple(value)


# --------------------------------------------------------------------------- Params


def test_params_are_immutable():
    params = make_params()
    with pytest.raises(AttributeError, match="immutable"):
        params.scale = 0.5
    with pytest.raises(AttributeError):
        params.new_name = 1
    with pytest.raises(TypeError):
        params["scale"] = 0.5  # type: ignore[index]
    with pytest.raises(TypeError):
        params._values["scale"] = 0.5  # a read-only mapping proxy
    assert params.scale == 1.0


def test_params_do_not_share_the_dict_they_were_made_from():
    values = {name: p.default for name, p in REGISTER.items()}
    params = Params(values)
    values["scale"] = 0.5
    assert params.scale == 1.0


def test_unknown_attribute_names_the_parameter():
    with pytest.raises(AttributeError, match="no parameter named 'nope'"):
        make_params().nope  # noqa: B018
    with pytest.raises(KeyError):
        make_params()["nope"]


def test_params_survive_pickle_and_copy():
    params = make_params({"scale": 0.3, "construction": "demand"})
    for clone in (pickle.loads(pickle.dumps(params)), copy.copy(params), copy.deepcopy(params)):
        assert isinstance(clone, Params)
        assert clone == params and clone.scale == 0.3
        with pytest.raises(AttributeError):
            clone.scale = 1.0


def test_replace_returns_a_validated_copy():
    params = make_params()
    other = params.replace(scale=0.5, construction="demand")
    assert other is not params and isinstance(other, Params)
    assert other.scale == 0.5 and other.construction == "demand"
    assert params.scale == 1.0 and params.construction == "none"
    with pytest.raises(ParameterError, match="'scale'.*0.02 to 1"):
        params.replace(scale=5)
    with pytest.raises(ParameterError, match="unknown parameter 'scael'.*'scale'"):
        params.replace(scael=0.5)
    with pytest.raises(ParameterError, match="start_class_shares"):
        params.replace(start_class_shares=[0.5, 0.5])


def test_changed_returns_only_values_that_differ_from_the_defaults():
    assert make_params().changed() == {}
    params = make_params({"scale": 0.5, "construction": "demand",
                          "household_change_2050": REGISTER["household_change_2050"].default,
                          "outside_option": list(REGISTER["outside_option"].default)})
    assert params.changed() == {"scale": 0.5, "construction": "demand"}
    assert params.replace(scale=1.0).changed() == {"construction": "demand"}
    # an int equal to a float default is not a change
    assert make_params({"household_change_2050": -3795}).changed() == {}


# --------------------------------------------------------------------------- scenarios


def test_builtin_scenarios_are_the_vision_scenarios():
    assert builtin_names() == sorted(["base", "migration", "economic-workers",
                                      "economic-brightlands", "economic-asml"])


@pytest.mark.parametrize("name", builtin_names())
def test_builtin_scenario_loads_and_validates(name):
    s = load_scenario(name)
    assert s.name == name
    assert s.path == BUILTIN_DIR / f"{name}.toml"
    assert s.description.strip() and s.source.strip()
    assert set(s.params) <= set(REGISTER)
    params = make_params(s.params, where=str(s.path))
    for key, value in s.params.items():
        assert params[key] == pytest.approx(value)
    # loading by path gives the same scenario
    assert load_scenario(s.path).params == s.params
    # changed() holds exactly the scenario's non-default values
    expected = {k for k, v in s.params.items()
                if REGISTER[k].validate(v) != REGISTER[k].default}
    assert set(params.changed()) == expected


def test_base_scenario_is_the_register_default():
    base = make_params(load_scenario("base").params)
    assert base.changed() == {}
    assert base.household_change_2050 == -3795


def test_growth_scenarios_grow_and_build():
    for name in ("economic-workers", "economic-brightlands", "economic-asml"):
        params = make_params(load_scenario(name).params)
        assert params.household_change_2050 > 0
        assert params.construction == "demand"


def test_allowed_values_read_in_dutch_for_the_app():
    assert REGISTER["market_rounds"].allowed("nl") == "een geheel getal van 1 tot 10"
    assert REGISTER["market_rounds"].allowed("en") == REGISTER["market_rounds"].allowed()
    assert REGISTER["daeb_free_share"].allowed("nl").startswith("een getal van 0 tot ")
    # Text parameters say they take text, not "a number".
    assert REGISTER["city_marriages"].allowed() == "text"
    assert REGISTER["selective_allocation_areas"].allowed("nl") == "tekst"
