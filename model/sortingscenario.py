"""SortingScenario: the model's parameters as a Mesa `Scenario`, one field per register entry.

Mesa 3.5 passes an experiment's parameters to a model as `Model(scenario=...)`, a
`mesa.experimental.scenarios.Scenario` whose annotated class attributes are the defaults.
`SortingScenario` is that class for sorteermachine: its fields and defaults come from the
register (`model/register.py`), so nothing is written twice, and every value is validated
against the register's range when the scenario is made:

    SortingModel(scenario=SortingScenario(rng=1, scale=0.1, beta_status=2.0))

Mesa's tools that build scenarios from field names (SolaraViz sliders, Mesa's experiment
runners) therefore see every parameter. The project's own named scenarios and policy
packages (the TOML files of `model/scenarios/` and `model/policies/`) are a different thing
of the same name: `SortingScenario.named("economic-asml", "no-policy")` turns one into a Mesa
scenario.
"""

from pathlib import Path

from mesa.experimental.scenarios import Scenario

from model.params import Params, make_params
from model.register import REGISTER
from model.scenarios import combine


class _RegisterFields:
    """The register's parameters as annotated class attributes (Mesa reads the defaults of a
    Scenario subclass from its annotations)."""

    __slots__ = ()
    __annotations__ = {name: (tuple if p.kind == "vector" else p.kind)
                       for name, p in REGISTER.items()}


for _name, _param in REGISTER.items():
    setattr(_RegisterFields, _name, _param.default)


class SortingScenario(_RegisterFields, Scenario):
    """A complete, validated parameter set of one run, as a Mesa Scenario.

    Args:
        rng: the run's seed, as in any Mesa scenario.
        **values: parameters of the register that differ from their defaults; an unknown
            name or a value outside the register's range raises `ParameterError`.
    """

    def __init__(self, *, rng=None, **values):
        checked = make_params(values, where="SortingScenario")
        super().__init__(rng=rng, **{name: checked[name] for name in values})

    @classmethod
    def from_params(cls, params: Params, rng=None) -> "SortingScenario":
        """The scenario holding exactly these (already validated) parameters."""
        return cls(rng=rng, **params.changed())

    @classmethod
    def named(cls, scenario: str | Path | None = None, policy: str | Path | None = None, *,
              rng=None, **overrides) -> "SortingScenario":
        """One of the project's scenarios (by name or TOML path) with a policy package's
        levers on top, then `overrides`."""
        return cls.from_params(combine(scenario, policy, overrides).params, rng=rng)

    @property
    def params(self) -> Params:
        """The parameter values as the model's phases read them."""
        return make_params({name: getattr(self, name) for name in REGISTER},
                           where="SortingScenario")
