"""The model's state: households and dwellings as structs of numpy arrays.

One row per household or dwelling. Rows of households that left or dissolved are marked dead
and reused by newcomers through a free list; the arrays double in size when full, so adding a
household never copies per agent. Phases read and write these arrays directly, vectorised.
"""

from dataclasses import dataclass, field

import numpy as np

NO_DWELLING = -1
VACANT = -1
NO_CHANGE = -1  # Dwellings.pending_segment when no change waits for the next letting
OWN_SEGMENT_START = 4  # Segment.OWN_1: codes from here on are owner-occupied


class Table:
    """A struct of equally long numpy arrays with an `alive` mask, a free list and growth."""

    COLUMNS: dict[str, np.dtype] = {}
    FILL: dict[str, object] = {}

    def __init__(self, capacity: int):
        self.capacity = max(int(capacity), 16)
        for name, dtype in self.COLUMNS.items():
            setattr(self, name, self._blank(name, dtype, self.capacity))
        self.alive = np.zeros(self.capacity, dtype=bool)
        self.n_rows = 0  # rows ever handed out; rows >= n_rows are untouched
        self._free: list[np.ndarray] = []
        self._retired: list[np.ndarray] = []

    def _blank(self, name: str, dtype, n: int) -> np.ndarray:
        return np.full(n, self.FILL.get(name, 0), dtype=dtype)

    def _grow(self, needed: int) -> None:
        new_cap = self.capacity
        while new_cap < needed:
            new_cap *= 2
        for name, dtype in self.COLUMNS.items():
            old = getattr(self, name)
            new = self._blank(name, dtype, new_cap)
            new[: self.capacity] = old
            setattr(self, name, new)
        alive = np.zeros(new_cap, dtype=bool)
        alive[: self.capacity] = self.alive
        self.alive = alive
        self.capacity = new_cap

    def allocate(self, n: int) -> np.ndarray:
        """Rows for `n` new entries (reusing freed rows first), marked alive and reset."""
        free = np.concatenate(self._free) if self._free else np.empty(0, dtype=np.int64)
        reuse, rest = free[:n], free[n:]
        self._free = [rest] if rest.size else []
        fresh = n - reuse.size
        if self.n_rows + fresh > self.capacity:
            self._grow(self.n_rows + fresh)
        start = self.n_rows
        rows = np.concatenate([reuse, np.arange(start, start + fresh)])
        self.n_rows += fresh
        if reuse.size:  # fresh rows were never handed out: they still hold the fill values
            for name in self.COLUMNS:
                getattr(self, name)[reuse] = self.FILL.get(name, 0)
        self.alive[rows] = True
        return rows.astype(np.int64)

    def release(self, rows: np.ndarray) -> None:
        """Mark rows dead and hand them back for reuse."""
        rows = np.asarray(rows, dtype=np.int64)
        self.alive[rows] = False
        if rows.size:
            self._free.append(np.sort(rows))

    def retire(self, rows: np.ndarray) -> None:
        """Mark rows dead but keep them out of reuse until `recycle()`: a demolished
        dwelling's row still names its buurt for the households it displaced this year."""
        rows = np.asarray(rows, dtype=np.int64)
        self.alive[rows] = False
        if rows.size:
            self._retired.append(np.sort(rows))

    def recycle(self) -> None:
        """Hand the rows retired so far back for reuse."""
        self._free.extend(self._retired)
        self._retired = []

    def rows(self) -> np.ndarray:
        """Indices of the living rows, in row order (deterministic)."""
        return np.flatnonzero(self.alive[: self.n_rows])

    def living(self, mask: np.ndarray) -> np.ndarray:
        """The living rows where `mask` holds, in row order: `mask` is over the first
        `n_rows` rows, made from columns read whole (`col[: n_rows]`). The same rows as
        `rows()[mask[rows()]]`, but no column is gathered row by row (faster)."""
        return np.flatnonzero(self.alive[: self.n_rows] & mask)

    def count(self) -> int:
        return int(self.alive[: self.n_rows].sum())


class Households(Table):
    """Household state. Money in 2024 euros a year; ages in years."""

    COLUMNS = {
        "uid": np.int64,  # Mesa unique_id of the household's agent handle
        "income": np.float64,  # gross yearly household income
        "cls": np.int8,  # IncomeClass, recomputed from income and size
        "adults": np.int8,  # 1 or 2
        "size": np.int8,  # persons
        "age": np.int16,  # age of the head
        "vulnerable": np.bool_,  # priority group (social assistance, care needs)
        "dwelling": np.int64,  # row in Dwellings, or NO_DWELLING
        "years": np.int16,  # years in the current dwelling
        "origin": np.int8,  # Origin
        "arrived": np.int16,  # calendar year the household entered the model
        "moved": np.int16,  # calendar year of the last move into a dwelling
    }
    FILL = {"dwelling": NO_DWELLING, "moved": -1}


class Dwellings(Table):
    """Dwelling state. Rents are monthly; WOZ values in euros; codes per model.categories."""

    COLUMNS = {
        "buurt": np.int16,  # index into City.buurten
        "wijk": np.int16,  # index into City.wijken
        "owner": np.int8,  # Owner
        "segment": np.int8,  # Segment
        "rent": np.float64,  # monthly bare rent (0 for owner-occupied)
        "woz": np.float64,  # WOZ value
        "rooms": np.int8,
        "single_family": np.bool_,
        "occupant": np.int64,  # row in Households, or VACANT
        "built": np.int16,  # year built (0 = before the start)
        "cost": np.float64,  # housing cost a year its household pays (set when it moves in)
        # Changes that wait for the next letting (model/stock.py: relabel, sell):
        "pending_segment": np.int8,  # segment it gets when next vacant, or NO_CHANGE
        "pending_rent": np.float64,  # its rent then (0 for owner-occupied)
        "pending_kind": np.int8,  # what the change is (stock.RELABEL, SALE, RENOVATION)
        "regulated_until": np.int16,  # last year it is reserved for its target group (0: not)
        "zero_step": np.bool_,  # no steps to the front door and inside (for older households)
        "renovated": np.int16,  # year of the last renovation (0 = none in the run)
        "withheld": np.bool_,  # structural vacancy: never offered on the market
    }
    FILL = {"occupant": VACANT, "pending_segment": -1}

    def asking_cost(self, rows: np.ndarray, owner_cost_rate: float) -> np.ndarray:
        """What living in the dwellings would cost a household moving in now, a year: the
        rent x 12, or today's WOZ value x the user cost of owning."""
        owned = self.segment[rows] >= OWN_SEGMENT_START
        return np.where(owned, self.woz[rows] * owner_cost_rate, self.rent[rows] * 12.0)

    def set_costs(self, rows: np.ndarray, owner_cost_rate: float) -> None:
        """Set `cost`, the housing cost a year its household pays, to today's asking cost:
        when a household moves in (its rent agreed, its mortgage taken) or a dwelling is made
        or changed. Revaluations afterwards do not change what a sitting household pays
        (model/phases/prices.py)."""
        self.cost[rows] = self.asking_cost(rows, owner_cost_rate)


class Displacements:
    """Households a lever put out of their dwelling this year (demolition, sale with vacant
    possession, splitting, a city marriage), with what the accounting of where they went
    needs: who (row and uid, as rows are reused), why (the lever's ledger reason code), from
    where, and at what yearly housing cost."""

    FIELDS = ("row", "uid", "reason", "dwelling", "buurt", "wijk", "cost")

    def __init__(self):
        self._parts: list[tuple[np.ndarray, ...]] = []

    def add(self, *columns: np.ndarray) -> None:
        if columns[0].size:
            self._parts.append(tuple(np.asarray(c) for c in columns))

    def arrays(self) -> dict[str, np.ndarray]:
        if not self._parts:
            return {f: np.empty(0, dtype=np.int64) for f in self.FIELDS}
        return {f: np.concatenate([p[i] for p in self._parts])
                for i, f in enumerate(self.FIELDS)}

    def __len__(self) -> int:
        return sum(p[0].size for p in self._parts)


@dataclass
class YearFlows:
    """Counters of one year that the ledger does not hold: lettings under the allocation
    rules (to check the DAEB and passend-toewijzen rules), dwellings built, and what next
    year's deciding phases read of this one (departures, unmet demand): they read it here,
    in model state, never from the output rows."""

    built: int = 0
    departures: int = 0  # residents who left the city in the market
    left_region: int = 0  # households who left the region for work, study or family
    unmet_demand: int = 0  # households the path asked for that found no dwelling
    newcomers_drawn: int = 0  # candidate newcomers of the main market (migration.run)
    newcomers_unplaced: int = 0  # ... that found no dwelling there
    unmet_by_class: np.ndarray = field(default_factory=lambda: np.zeros(5, dtype=np.int64))
    corp_lettings: int = 0  # corporation social dwellings let this year
    corp_lettings_above_daeb: int = 0  # ... to households above the DAEB income limit
    corp_lettings_passend: int = 0  # ... to households within the passend-toewijzen limit
    corp_lettings_passend_ok: int = 0  # ... of which at a rent up to the aftoppingsgrens
    # Changes of the stock (model/stock.py), counted when they take effect.
    demolished: int = 0
    sold: int = 0  # corporation dwellings sold (to owner-occupiers or private landlords)
    acquired: int = 0  # private rentals bought by corporations
    relabelled: int = 0  # segment changed without a change of owner (e.g. to middle rent)
    renovated: int = 0
    split: int = 0  # dwellings split into units
    split_units: int = 0  # units made by splitting
    built_outside: dict = field(default_factory=dict)  # partner municipality -> dwellings
    displaced: Displacements = field(default_factory=Displacements)
    # Allocation rules of levers (model/allocation.py): per lever, the (row, uid) of each
    # household a rule refused this year; and lettings under target-group regulation.
    refused: dict = field(default_factory=dict)
    # The dwellings bid for and let in each pass of the market (arrays of rows), which the
    # prices phase counts per buurt (model/phases/prices.py).
    bid_dwellings: list = field(default_factory=list)
    let_dwellings: list = field(default_factory=list)
    regulated_lettings: int = 0
    regulated_lettings_in_group: int = 0
    new_lettings: int = 0  # lettings of dwellings built in the run, within the lock-in period
    new_lettings_in_group: int = 0  # ... to their target group
