"""SortingModel: Heerlen's housing market as a Mesa model, one step per year.

The model owns the state (household and dwelling arrays, buurt liveability), the ledger and
the output rows. A year is a fixed pipeline of phases, each a function `phase(model)` in
`model/phases/`, run in this order:

1. policy       lever actions on the stock (construction to demand, ...)
2. demography   deaths and moves to care homes, ageing and income mobility, births,
                separations, children leaving home, partnering
3. departures   households leave the region for work, study or family (not for housing)
4. intentions   who wants to move, and why
5. migration    candidate households from outside, as many as the scenario's path asks for
6. market       movers, new households and newcomers choose among the vacant dwellings under
                the Dutch allocation rules; some residents leave the city
7. top-up       if the city is still below the path, more newcomers search what is left;
                the rest of the gap is unmet demand
8. census       count tables per buurt, read by what follows and by next year's market
9. liveability  buurt scores follow composition, turnover and vacancy
10. indicators  the year's rows of city.csv, wijken.csv and buurten.csv
"""

from pathlib import Path

import mesa
import numpy as np
import pandas as pd

from model.agents import Household, assign_ids, sync_handles
from model.city import load_city
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
)
from model.scenarios import load_scenario
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
    census.run,
    liveability.update,
    indicators.record,
)


class SortingModel(mesa.Model):
    """The Heerlen housing market from 2024, one `step()` per year.

    Args:
        rng: seed (int) for every random draw; the same seed and parameters give the same run.
        scenario: a built-in scenario name ('base', 'economic-asml', ...) or a TOML file path.
        params: a `Params` object (overrides `scenario`); keyword arguments override single
            parameters on top, e.g. `SortingModel(rng=1, scale=0.1)`.
        data_dir: folder with city data in the packaged format (default: Heerlen).
    """

    def __init__(self, *, rng=None, scenario: str | Path | None = None,
                 params: Params | None = None, data_dir: str | Path | None = None, **overrides):
        super().__init__(rng=rng)
        if params is None:
            loaded = load_scenario(scenario) if scenario else None
            params = make_params(loaded.params if loaded else None,
                                 where=str(loaded.path) if loaded else "")
            self.scenario_name = loaded.name if loaded else "default"
        else:
            self.scenario_name = "custom"
        self.params = params.replace(**overrides) if overrides else params
        self.city = load_city(data_dir)
        self.year = self.params.start_year
        self.dwellings, self.households = build_start_state(self.city, self.params, self.rng)
        self._handles = np.empty(0, dtype=object)  # Household agent per row (lazy)
        self._handle_uid = np.empty(0, dtype=np.int64)  # uid each handle was made for
        assign_ids(self, self.households.rows())
        self.ledger = Ledger()
        self.flows = YearFlows()  # this year's counters
        self.previous_flows = None  # last year's: what this year's deciding phases read
        self.intent = None  # set by the intentions phase: who wants to move this year
        self.formed = None  # set by demography: new households that need a dwelling
        self.newcomers = None  # set by migration: candidate households from outside
        self.buurt_status = None  # set by the market: each buurt's income status this year
        self.census = None  # set by the census phase: count tables per buurt
        self.start_households = self.households.count()
        census.run(self)
        self.liveability = liveability.initial(self)
        self.city_rows: list[dict] = []
        self.wijk_rows: list[dict] = []
        self.buurt_rows: list[dict] = []
        indicators.record(self)
        self.flows = None  # the start state has no year before it

    def step(self) -> None:
        """One year: run every phase in order."""
        self.year += 1
        self.previous_flows, self.flows = self.flows, YearFlows()
        for phase in PHASES:
            phase(self)

    def run_until(self, year: int) -> None:
        """Step until the model has simulated `year` (inclusive)."""
        while self.year < year:
            self.step()

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
        return self._all_agents

    @property
    def agents_by_type(self) -> dict:
        sync_handles(self)
        return self._agents_by_type

    @property
    def agent_types(self) -> list[type]:
        sync_handles(self)
        return list(self._agents_by_type)

    # --- results ---------------------------------------------------------------------------
    def city_frame(self) -> pd.DataFrame:
        """One row per year: city.csv."""
        return pd.DataFrame(self.city_rows)

    def wijk_frame(self) -> pd.DataFrame:
        """One row per wijk per year: wijken.csv."""
        return pd.concat([pd.DataFrame(r) for r in self.wijk_rows], ignore_index=True)

    def buurt_frame(self) -> pd.DataFrame:
        """One row per buurt per year: buurten.csv."""
        return pd.concat([pd.DataFrame(r) for r in self.buurt_rows], ignore_index=True)

    def household_agent(self, uid: int) -> Household:
        """The Mesa agent of the household with this unique_id."""
        sync_handles(self)
        row = np.flatnonzero((self.households.uid == uid) & self.households.alive)
        if row.size == 0:
            raise KeyError(f"no living household with unique_id {uid}")
        return self._handles[row[0]]
