"""Households as Mesa agents: thin handles on one row of the model's household arrays.

The state of a household lives in `model.households` (numpy arrays), because the yearly
phases treat all households at once. A `Household` agent only knows its row and reads its
attributes from the arrays, so `model.agents` works as in any Mesa model (for inspection, the
UI and teaching) while the hot path stays vectorised.

Handles are made lazily: a household gets its `unique_id` (from Mesa's `agent_id_counter`)
when it is created, but its `Household` object is only built, and registered with Mesa
through the public `Agent.__init__`, the next time someone reads `model.agents`,
`model.agents_by_type` or `model.agent_types`; handles of households that have gone are then
removed with the public `Agent.remove()`. A batch run that never looks at single agents pays
nothing for them; one that does pays about 7 microseconds per household once (0.3 s for
Heerlen's 45,000, with the garbage collector paused while they are made).

A handle kept by a user after its household left the city (or died, or moved in with a
partner) never shows another household's data: its row may by then hold a newcomer, so every
attribute checks that the row still belongs to the handle's household and raises
`HouseholdGone` otherwise.
"""

import gc

import mesa
import numpy as np

from model.categories import HOUSEHOLD_TYPES, INCOME_CLASSES, ORIGINS, SEGMENTS
from model.state import NO_DWELLING


class HouseholdGone(AttributeError):
    """Raised when a handle's household is no longer in the model. An AttributeError, so
    `getattr(agent, "income", None)` and `AgentSet.get(..., handle_missing="default")` work."""


class Household(mesa.Agent):
    """One household. Attributes are read live from the model's arrays."""

    def __init__(self, model: mesa.Model, row: int):
        super().__init__(model)
        self.row = row

    def __repr__(self) -> str:
        if not self.alive:
            return f"<Household {self.unique_id} (gone)>"
        return (f"<Household {self.unique_id}: {self.income_class}, {self.size} persons, "
                f"head {self.age}, {self.segment} in {self.buurt_name}>")

    @property
    def _r(self) -> int:
        """This household's row, checked to still be this household's."""
        if not self.alive:
            raise HouseholdGone(
                f"household {self.unique_id} is no longer in the model (it left the city, "
                "died, or moved in with another household); a handle keeps no data of a "
                "household that has gone: model.ledger holds its events")
        return self.row

    @property
    def _h(self):
        return self.model.households

    @property
    def alive(self) -> bool:
        """Whether this household is still in the model."""
        return bool(self._h.alive[self.row] and self._h.uid[self.row] == self.unique_id)

    @property
    def income(self) -> float:
        return float(self._h.income[self._r])

    @property
    def income_class(self) -> str:
        return INCOME_CLASSES[self._h.cls[self._r]]

    @property
    def size(self) -> int:
        return int(self._h.size[self._r])

    @property
    def household_type(self) -> str:
        h, r = self._h, self._r
        if h.size[r] == 1:
            return HOUSEHOLD_TYPES[0]
        return HOUSEHOLD_TYPES[2] if h.size[r] > h.adults[r] else HOUSEHOLD_TYPES[1]

    @property
    def age(self) -> int:
        return int(self._h.age[self._r])

    @property
    def life_stage(self) -> str:
        """A reading of age and household type: 'young single' (under 30), 'single',
        'couple', 'single parent', 'family' (two adults with children) or 'senior' (65+)."""
        h, r = self._h, self._r
        if h.size[r] > h.adults[r]:
            return "family" if h.adults[r] == 2 else "single parent"
        if h.age[r] >= 65:
            return "senior"
        if h.adults[r] == 2:
            return "couple"
        return "young single" if h.age[r] < 30 else "single"

    @property
    def vulnerable(self) -> bool:
        return bool(self._h.vulnerable[self._r])

    @property
    def income_source(self) -> str:
        """'work', 'pension' or 'benefit' (see model.rules.income_source)."""
        from model.rules import INCOME_SOURCES, income_source

        return INCOME_SOURCES[int(income_source(self._h.age[self.row],
                                                self._h.vulnerable[self.row]))]

    @property
    def years_in_dwelling(self) -> int:
        return int(self._h.years[self._r])

    @property
    def origin(self) -> str:
        return ORIGINS[self._h.origin[self._r]]

    @property
    def dwelling(self) -> int:
        return int(self._h.dwelling[self._r])

    @property
    def segment(self) -> str | None:
        d = self.dwelling
        return None if d == NO_DWELLING else SEGMENTS[self.model.dwellings.segment[d]]

    @property
    def buurt_name(self) -> str | None:
        d = self.dwelling
        if d == NO_DWELLING:
            return None
        return self.model.city.buurt_names[self.model.dwellings.buurt[d]]


def assign_ids(model: mesa.Model, rows: np.ndarray) -> None:
    """Give new household rows their unique ids from Mesa's agent id counter."""
    start = model.agent_id_counter
    model.households.uid[rows] = np.arange(start, start + rows.size, dtype=np.int64)
    model.agent_id_counter = start + rows.size


def sync_handles(model: mesa.Model) -> None:
    """Make Mesa's agent sets hold exactly one Household handle per living household, through
    Mesa's public API only (`Agent.__init__` registers, `Agent.remove()` deregisters)."""
    h = model.households
    n = h.n_rows
    if model._handles.size < h.capacity:
        grown = np.empty(h.capacity, dtype=object)
        grown[: model._handles.size] = model._handles
        model._handles = grown
        uids = np.full(h.capacity, -1, dtype=np.int64)
        uids[: model._handle_uid.size] = model._handle_uid
        model._handle_uid = uids
    have, live = model._handle_uid[:n], np.where(h.alive[:n], h.uid[:n], -1)
    stale = np.flatnonzero((have >= 0) & (have != live))
    missing = np.flatnonzero((live >= 0) & (have != live))
    for agent in model._handles[stale]:
        agent.remove()
    model._handles[stale] = None
    model._handle_uid[stale] = -1
    if missing.size == 0:
        return
    # Mesa numbers an agent from model.agent_id_counter when it registers; the household got
    # its number when it was created, so the counter is set to it for each registration and
    # put back afterwards.
    counter = model.agent_id_counter
    enabled = gc.isenabled()
    gc.disable()
    try:
        agents = []
        for uid, row in zip(h.uid[missing].tolist(), missing.tolist(), strict=True):
            model.agent_id_counter = uid
            agents.append(Household(model, row))
    finally:
        model.agent_id_counter = counter
        if enabled:
            gc.enable()
    model._handles[missing] = agents
    model._handle_uid[missing] = h.uid[missing]
