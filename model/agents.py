"""Households as Mesa agents: thin handles on one row of the model's household arrays.

The state of a household lives in `model.households` (numpy arrays), because the yearly
phases treat all households at once. A `Household` agent only knows its row, and reads its
attributes from the arrays, so `model.agents` works as in any Mesa model (for inspection, the
UI and teaching) while the hot path stays vectorised.

Registering 45,000 agents one by one through `Agent.__init__` costs about 0.4 s, mostly
garbage-collector passes; `add_handles` registers a whole batch at once with the collector
paused (about 0.05 s). It writes the same fields `Agent.__init__` and `Model.register_agent`
write (Mesa 3.5), so the handles behave like ordinary agents.
"""

import gc

import mesa
import numpy as np
from mesa.agentset import _HardKeyAgentSet

from model.categories import HOUSEHOLD_TYPES, INCOME_CLASSES, ORIGINS, SEGMENTS
from model.state import NO_DWELLING


class Household(mesa.Agent):
    """One household. Attributes are read live from the model's arrays."""

    def __repr__(self) -> str:
        if not self.alive:
            return f"<Household {self.unique_id} (gone)>"
        return (f"<Household {self.unique_id}: {self.income_class}, {self.size} persons, "
                f"head {self.age}, {self.segment} in {self.buurt_name}>")

    @property
    def _h(self):
        return self.model.households

    @property
    def alive(self) -> bool:
        return bool(self._h.alive[self.row]) and self._h.uid[self.row] == self.unique_id

    @property
    def income(self) -> float:
        return float(self._h.income[self.row])

    @property
    def income_class(self) -> str:
        return INCOME_CLASSES[self._h.cls[self.row]]

    @property
    def size(self) -> int:
        return int(self._h.size[self.row])

    @property
    def household_type(self) -> str:
        h, r = self._h, self.row
        if h.size[r] == 1:
            return HOUSEHOLD_TYPES[0]
        return HOUSEHOLD_TYPES[2] if h.size[r] > h.adults[r] else HOUSEHOLD_TYPES[1]

    @property
    def age(self) -> int:
        return int(self._h.age[self.row])

    @property
    def vulnerable(self) -> bool:
        return bool(self._h.vulnerable[self.row])

    @property
    def years_in_dwelling(self) -> int:
        return int(self._h.years[self.row])

    @property
    def origin(self) -> str:
        return ORIGINS[self._h.origin[self.row]]

    @property
    def dwelling(self) -> int:
        return int(self._h.dwelling[self.row])

    @property
    def segment(self) -> str | None:
        d = self.dwelling
        return None if d == NO_DWELLING else SEGMENTS[self.model.dwellings.segment[d]]

    @property
    def buurt_name(self) -> str | None:
        d = self.dwelling
        if d == NO_DWELLING:
            return None
        return self.model.city.buurten["buurt_name"].iat[int(self.model.dwellings.buurt[d])]


def add_handles(model: mesa.Model, rows: np.ndarray) -> None:
    """Create and register one Household agent per new household row; stores their ids."""
    start = model.agent_id_counter
    ids = np.arange(start, start + rows.size, dtype=np.int64)
    new = object.__new__

    def handle(uid: int, row: int) -> Household:
        agent = new(Household)
        agent.__dict__ = {"model": model, "unique_id": uid, "pos": None, "row": row}
        return agent

    enabled = gc.isenabled()
    gc.disable()
    try:
        agents = list(map(handle, ids.tolist(), rows.tolist()))
        model.agent_id_counter = start + rows.size
        model._all_agents._agents.update(dict.fromkeys(agents))
        if Household not in model._agents_by_type:
            model._agents_by_type[Household] = _HardKeyAgentSet([], random=model.random)
        model._agents_by_type[Household]._agents.update(dict.fromkeys(agents))
    finally:
        if enabled:
            gc.enable()
    model.households.uid[rows] = ids
    handles = model._handles
    if handles.size < model.households.capacity:
        grown = np.empty(model.households.capacity, dtype=object)
        grown[: handles.size] = handles
        model._handles = handles = grown
    handles[rows] = agents


def remove_handles(model: mesa.Model, rows: np.ndarray) -> None:
    """Deregister the agents of households that left the city or dissolved."""
    pop_all = model._all_agents._agents.pop
    pop_type = model._agents_by_type[Household]._agents.pop
    for agent in model._handles[rows]:
        pop_all(agent)
        pop_type(agent)
    model._handles[rows] = None
