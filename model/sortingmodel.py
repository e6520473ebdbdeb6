"""SortingModel: Heerlen's housing market as a Mesa model, one step per year.

The model owns the state (household and dwelling arrays, buurt liveability), the ledger and
the output rows. A year is a fixed pipeline of phases, each a function `phase(model)` in
`model/phases/`, run in this order:

1. policy       lever actions on the stock, one module per lever (model/levers/)
2. demography   deaths and moves to care homes, ageing and income mobility, births,
                separations, children leaving home, partnering
3. departures   households leave the region for work, study or family (not for housing)
4. intentions   who wants to move, and why
5. migration    candidate households from outside, as many as the scenario's path asks for
6. market       movers, new households and newcomers choose among the vacant dwellings under
                the Dutch allocation rules; some residents leave the city
7. top-up       if the city is still more than 0.5% below the path (in its last year: at
                all), more newcomers search what is left; what they cannot find is unmet
                demand
8. prices       WOZ values and free-sector asking rents follow vacancy, bids, status and
                liveability; regulated rents follow the rent rules
9. census       count tables per buurt, read by what follows and by next year's market
10. liveability buurt scores follow composition, turnover and vacancy
11. indicators  the year's rows of city.csv, wijken.csv and buurten.csv
"""

from functools import partial
from pathlib import Path

import mesa
import numpy as np
import pandas as pd
from mesa.experimental.scenarios import Scenario

from model import levers
from model.agents import Household, assign_ids, sync_handles
from model.city import load_city
from model.history import city_at
from model.ledger import Ledger
from model.params import Params, make_params
from model.phases import (
    census,
    demography,
    indicators,
    intentions,
    liveability,
    market,
    migration,
    policy,
    prices,
)
from model.scenarios import combine
from model.sortingscenario import SortingScenario
from model.state import YearFlows
from model.synthesis import build_start_state

PHASES = (
    policy.apply,
    demography.run,
    migration.leave_region,
    intentions.run,
    migration.run,
    market.run,
    migration.top_up,
    prices.run,
    census.run,
    liveability.update,
    indicators.record,
)

LEDGER_EVENTS_PER_HOUSEHOLD = 8  # the ledger's first capacity, per start household
# Model time counts years since the start year. A time this large is a calendar year given
# by mistake (run_until(2050) would otherwise simulate 2,050 years): refused with a message.
TIME_LOOKS_LIKE_A_YEAR = 1000


class SortingModel(mesa.Model):
    """The Heerlen housing market from 2024, one `step()` per year.

    Time follows Mesa: `model.time` is years since the start year (0 at the start state),
    `run_for(n)` runs n years and `run_until(t)` runs to model time t, so `run_until(26)`
    ends in 2050. `run_until_year(2050)` says the same in calendar years; `model.year` is the
    calendar year reached. `run_model()` runs to 2050, the end of the scenarios' household
    paths (`model.running` turns False there), which is also where `mesa.batch_run` stops.

    Args:
        rng: seed (int) for every random draw; the same seed and parameters give the same run.
        scenario: a Mesa scenario holding the parameters, as in any Mesa model: usually a
            `SortingScenario` (fields = the register), e.g.
            `SortingModel(scenario=SortingScenario(rng=1, scale=0.1))`; a plain Mesa
            `Scenario`'s fields are read as parameters too.
        scenario_name: one of the project's named scenarios ('base', 'economic-asml', ...;
            `sorteermachine scenarios` lists them) or a scenario TOML file.
        policy_name: a policy package ('no-policy', ...) or a policy TOML file, whose levers
            go on top of the scenario's values.
        params: a complete `Params` object (instead of the three above).
        data_dir: folder with city data in the packaged format (default: Heerlen).
        **overrides: single parameters on top of all that, e.g. `SortingModel(rng=1,
            scale=0.1)`; this is how `mesa.batch_run` passes its parameter grid.
    """

    def __init__(self, *, rng=None, scenario: Scenario | None = None,
                 scenario_name: str | Path | None = None, policy_name: str | Path | None = None,
                 params: Params | None = None, data_dir: str | Path | None = None,
                 **overrides):
        params, scenario = self._parameters(rng, scenario, scenario_name, policy_name, params,
                                            overrides)
        super().__init__(rng=rng, scenario=scenario)
        self.params = params
        self.city = city_at(load_city(data_dir), params.start_year)
        levers.check(self.params, self.city)
        migration.check_household_path(self.params, self.city)
        self.dwellings, self.households = build_start_state(self.city, self.params, self.rng)
        self._handles = np.empty(0, dtype=object)  # Household agent per row (lazy)
        self._handle_uid = np.empty(0, dtype=np.int64)  # uid each handle was made for
        assign_ids(self, self.households.rows())
        # A run to 2050 logs 5-8 events per start household: a ledger that large from the
        # start never copies itself to grow (its memory is used only as it fills).
        self.ledger = Ledger(capacity=LEDGER_EVENTS_PER_HOUSEHOLD * self.households.count())
        self.flows = YearFlows()  # this year's counters
        self.previous_flows = None  # last year's: what this year's deciding phases read
        self.intent = None  # set by the intentions phase: who wants to move this year
        self.formed = None  # set by demography: new households that need a dwelling
        self.newcomers = None  # set by migration: candidate households from outside
        self.buurt_status = None  # set by the market: each buurt's income status this year
        self.census = None  # set by the census phase: count tables per buurt
        # Levers (model/levers/): their letting rules for the market (model/allocation.py),
        # their bookkeeping across years, and the capacity test's verdict per buurt.
        self.allocation_rules: list = levers.allocation_rules(self.params, self.city)
        self.lever_state: dict = {}
        self.capacity_failing = np.zeros(self.city.n_buurten, dtype=bool)
        self.start_households = self.households.count()
        # What migration steers the household count toward: the scenario's straight path to
        # 2050, or another (a hindcast sets the observed one).
        self.household_path = migration.StraightPath(self.params, self.start_households)
        self.phases = PHASES  # the year's pipeline (a hindcast adds its observed stock)
        census.run(self)
        self.liveability = liveability.initial(self)
        self.prices = prices.initial(self)  # each buurt's price index and its reference
        self.city_rows: list[dict] = []
        self.wijk_rows: list[dict] = []
        self.buurt_rows: list[dict] = []
        indicators.record(self)
        self.flows = None  # the start state has no year before it
        # Mesa's DataCollector, for users of mesa.batch_run and Mesa's charts: one model
        # reporter per city.csv column, read from the row the indicators phase just wrote.
        self.datacollector = mesa.DataCollector(model_reporters={
            column: partial(_city_value, column=column) for column in self.city_rows[0]})
        self.datacollector.collect(self)

    def _parameters(self, rng, scenario, scenario_name, policy_name, params, overrides):
        """The run's parameters and the SortingScenario that holds them (Mesa's
        `model.scenario`): the given one if it says everything, else a new one."""
        if isinstance(scenario, str | Path):
            raise TypeError(
                f"SortingModel(scenario={str(scenario)!r}): as in Mesa, scenario= takes a Mesa "
                "Scenario object (e.g. SortingScenario(scale=0.1)); give one of the project's "
                f"named scenarios or a TOML file as scenario_name={str(scenario)!r}")
        if scenario is not None and not isinstance(scenario, Scenario):
            raise TypeError(f"SortingModel(scenario=...): expected a Mesa Scenario such as "
                            f"SortingScenario, got {type(scenario).__name__}")
        given = [name for name, v in (("scenario", scenario), ("params", params),
                                      ("scenario_name or policy_name",
                                       scenario_name or policy_name)) if v is not None]
        if len(given) > 1:
            raise TypeError(f"SortingModel: give one of scenario=, params= or "
                            f"scenario_name=/policy_name=, not {' and '.join(given)}")
        self.policy_name = "no-policy"
        if isinstance(scenario, SortingScenario):
            base, self.scenario_name = scenario.params, "custom"
        elif scenario is not None:  # a plain Mesa Scenario: its fields are parameters
            base = make_params({k: v for k, v in scenario if k != "rng"}, where="scenario")
            self.scenario_name = "custom"
        elif params is not None:
            base, self.scenario_name = params, "custom"
        elif scenario_name or policy_name:
            setup = combine(scenario_name, policy_name)
            base, self.scenario_name, self.policy_name = (setup.params, setup.scenario,
                                                           setup.policy)
        else:
            base, self.scenario_name = make_params(), "default"
        final = base.replace(**overrides) if overrides else base
        if isinstance(scenario, SortingScenario) and not overrides:
            return final, scenario
        seed = scenario.rng if scenario is not None and rng is None else rng
        return final, SortingScenario.from_params(final, rng=seed)

    # --- time, as in Mesa: one unit of model.time is one year ------------------------------
    @property
    def year(self) -> int:
        """The calendar year the model has simulated up to (the start year at time 0)."""
        return self.params.start_year + self.steps

    def step(self) -> None:
        """One year: run every phase in order."""
        self.previous_flows, self.flows = self.flows, YearFlows()
        for phase in self.phases:
            phase(self)
        self.datacollector.collect(self)
        self.running = self.year < self.household_path.end_year

    def run_for(self, duration: float | int) -> None:
        """Run `duration` years (Mesa's meaning: time units; one unit is one year)."""
        self._refuse_calendar_year("run_for", duration, self.time + duration)
        super().run_for(duration)

    def run_until(self, end_time: float | int) -> None:
        """Run to model time `end_time` (Mesa's meaning: years since the start year, so
        `run_until(26)` ends in 2050). For a calendar year use `run_until_year`."""
        self._refuse_calendar_year("run_until", end_time, end_time)
        super().run_until(end_time)

    def run_until_year(self, year: int) -> None:
        """Run until the model has simulated the calendar year `year` (inclusive)."""
        if year < self.year:
            raise ValueError(f"run_until_year({year}): the model is already in {self.year}")
        self.run_until(year - self.params.start_year)

    def _refuse_calendar_year(self, method: str, value: float, end_time: float) -> None:
        if value >= TIME_LOOKS_LIKE_A_YEAR:
            start = self.params.start_year
            raise ValueError(
                f"{method}({value}): model time counts years since {start} (as in Mesa, one "
                f"step is one time unit), so this would simulate {end_time - self.time:,.0f} "
                f"years. To run to the calendar year {value}, use "
                f"model.run_until_year({value}) or model.run_until({value - start}).")

    # --- adding and removing households (keeps the Mesa agent handles in step) -------------
    def new_households(self, n: int) -> np.ndarray:
        """Rows for `n` new households (attributes to be filled by the caller)."""
        rows = self.households.allocate(n)
        assign_ids(self, rows)
        return rows

    def drop_households(self, rows: np.ndarray) -> None:
        """Remove households (left the city or dissolved), freeing their dwellings."""
        rows = np.asarray(rows, dtype=np.int64)
        if rows.size == 0:
            return
        dwell = self.households.dwelling[rows]
        self.dwellings.occupant[dwell[dwell >= 0]] = -1
        self.households.release(rows)

    # --- Mesa's agent API: handles are synchronised with the arrays when read -------------
    @property
    def agents(self) -> mesa.agentset.AbstractAgentSet:
        """All agents: one Household per living household (see model/agents.py)."""
        sync_handles(self)
        return super().agents

    @property
    def agents_by_type(self) -> dict:
        sync_handles(self)
        return super().agents_by_type

    @property
    def agent_types(self) -> list[type]:
        sync_handles(self)
        return super().agent_types

    # --- results ---------------------------------------------------------------------------
    def city_frame(self) -> pd.DataFrame:
        """One row per year: city.csv."""
        return pd.DataFrame(self.city_rows)

    def wijk_frame(self) -> pd.DataFrame:
        """One row per wijk per year: wijken.csv."""
        return _stacked(self.wijk_rows)

    def buurt_frame(self) -> pd.DataFrame:
        """One row per buurt per year: buurten.csv."""
        return _stacked(self.buurt_rows)

    def household_agent(self, uid: int) -> Household:
        """The Mesa agent of the household with this unique_id."""
        sync_handles(self)
        row = np.flatnonzero((self.households.uid == uid) & self.households.alive)
        if row.size == 0:
            raise KeyError(f"no living household with unique_id {uid}")
        return self._handles[row[0]]


def _stacked(rows: list[dict[str, np.ndarray]]) -> pd.DataFrame:
    """The years' per-area rows (dicts of arrays) as one table: each column joined once,
    rather than a frame per year and a concat (the same table, a fraction of the time)."""
    return pd.DataFrame({column: np.concatenate([r[column] for r in rows])
                         for column in rows[0]})


def _city_value(model: SortingModel, column: str):
    """One column of the latest city.csv row (a DataCollector model reporter)."""
    return model.city_rows[-1][column]
