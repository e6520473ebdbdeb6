"""The ledger: every move, arrival, departure, formation and dissolution, with its reason.

Phases append whole batches (numpy arrays); nothing is looked up per household. The yearly
indicators (flows in and out per class and wijk, moving rate) are computed from the ledger,
so the figures in city.csv and the ledger a researcher exports can never disagree.
"""

import numpy as np
import pandas as pd

from model.categories import INCOME_CLASSES, SEGMENTS

EVENTS = (
    "arrive",  # moved into a dwelling in the city from outside
    "move",  # moved from one dwelling in the city to another (or out of the parental home)
    "leave",  # left the city
    "form",  # a new household formed in the city (child leaving home, separation)
    "dissolve",  # a household ended (death, care home, moving in with a partner)
    "unplaced",  # would have moved in from outside but found no dwelling (unmet demand)
    "displace",  # put out of its dwelling by a lever (demolition, sale, splitting, ...)
    "refuse",  # kept out of the city's market by a lever's rule (e.g. fair share)
)
REASONS = (
    "life_stage",  # the ordinary wish to move at this age
    "income_rise",  # income class above what the dwelling's segment fits
    "unaffordable",  # housing costs above 40% of income
    "crowded",  # more persons than rooms
    "neighbourhood",  # low liveability of the buurt
    "leaving_home",  # a child forming its own household
    "separation",  # a couple splitting into two households
    "stock_change",  # displaced by a change of the stock without a lever (the hindcast)
    "in_migration",  # moving in from outside the city
    "death",
    "care_home",
    "partnering",  # a single moving in with a partner elsewhere in the city
    "leave_region",  # left for work, study or family elsewhere, not for a dwelling
    # Levers (model/levers/): the displaced households' moves and the refusals carry these.
    "bandwidth",  # corporation stock sold or demolished to bring a wijk into the band
    "demolition",  # corporation stock demolished where vacancy is high
    "city_marriage",  # corporation stock thinned in one area of a paired two
    "splitting",  # a private landlord split the dwelling into units
    "capacity_test",  # a vulnerable household refused a buurt that fails the test
    "fair_share",  # a vulnerable in-mover refused above the city's fair share
    "local_binding",  # cheap private rent refused to in-movers without binding
    "selective_allocation",  # social rent refused to in-movers without income from work
    "target_group",  # a regulated dwelling refused outside its target group
)
EVENT = {name: i for i, name in enumerate(EVENTS)}
REASON = {name: i for i, name in enumerate(REASONS)}
OUTSIDE = -1  # buurt/wijk/segment code for "outside the city" or "no dwelling"

FIELDS = ("year", "event", "reason", "household", "income_class", "size", "vulnerable",
          "from_buurt", "to_buurt", "from_wijk", "to_wijk", "from_segment", "to_segment")
PLACES = ("buurt", "wijk", "segment")  # where a household moved from or to
DTYPES = {"year": np.int16, "event": np.int8, "reason": np.int8, "household": np.int64,
          "income_class": np.int8, "size": np.int8, "vulnerable": np.bool_,
          **{f"{side}_{place}": np.int16 for side in ("from", "to") for place in PLACES}}


class Ledger:
    """An append-only log of household events: one growing array per field, filled a batch
    at a time (a phase records some 15 batches a year; writing them in place costs less than
    keeping each batch and joining them when read)."""

    def __init__(self, capacity: int = 4096):
        capacity = max(int(capacity), 16)  # (it doubles when full: never from 0)
        self._columns = {f: np.empty(capacity, dtype=DTYPES[f]) for f in FIELDS}
        self._n = 0
        self._spans: dict[int, list[list[int]]] = {}  # year -> [start, stop) of its entries

    def record(self, model, event: str, reason, rows: np.ndarray,
               from_dwelling: np.ndarray | None = None,
               to_dwelling: np.ndarray | None = None) -> None:
        """Log `event` for the households in `rows` (household state is read now, so record
        after the household's class and size are final for the event).

        `reason` is a reason name or an array of reason codes; dwellings are dwelling rows
        or None (= outside / no dwelling).
        """
        rows = np.asarray(rows, dtype=np.int64)
        n = rows.size
        if n == 0:
            return
        start, stop = self._n, self._n + n
        if stop > self._columns["year"].size:
            self._grow(stop)
        c, h, d = self._columns, model.households, model.dwellings
        c["year"][start:stop] = model.year
        c["event"][start:stop] = EVENT[event]
        c["reason"][start:stop] = REASON[reason] if isinstance(reason, str) else reason
        c["household"][start:stop] = h.uid[rows]
        c["income_class"][start:stop] = h.cls[rows]
        c["size"][start:stop] = h.size[rows]
        c["vulnerable"][start:stop] = h.vulnerable[rows]
        for side, dwelling in (("from", from_dwelling), ("to", to_dwelling)):
            # Buurt, wijk and segment of each dwelling, OUTSIDE where there is none.
            if dwelling is None:
                for place in PLACES:
                    c[f"{side}_{place}"][start:stop] = OUTSIDE
                continue
            dwelling = np.asarray(dwelling, dtype=np.int64)
            if dwelling.min() >= 0:
                for place in PLACES:
                    c[f"{side}_{place}"][start:stop] = getattr(d, place)[dwelling]
                continue
            known = dwelling >= 0
            safe = np.where(known, dwelling, 0)
            for place in PLACES:
                c[f"{side}_{place}"][start:stop] = np.where(known, getattr(d, place)[safe],
                                                             OUTSIDE)
        self._n = stop
        spans = self._spans.setdefault(int(model.year), [])
        if spans and spans[-1][1] == start:
            spans[-1][1] = stop
        else:
            spans.append([start, stop])

    def _grow(self, needed: int) -> None:
        capacity = self._columns["year"].size
        while capacity < needed:
            capacity *= 2
        for f, old in self._columns.items():
            self._columns[f] = np.empty(capacity, dtype=old.dtype)
            self._columns[f][: self._n] = old[: self._n]

    def arrays(self, year: int | None = None) -> dict[str, np.ndarray]:
        """All entries (or one year's) as a dict of arrays (copies)."""
        spans = [[0, self._n]] if year is None else self._spans.get(int(year), [])
        if not spans or self._n == 0:
            return {f: np.empty(0, dtype=np.int64) for f in FIELDS}
        return {f: np.concatenate([col[a:b] for a, b in spans]) for f, col in
                self._columns.items()}

    def frame(self, city=None) -> pd.DataFrame:
        """The ledger as a readable table (codes replaced by names; buurt codes if `city`)."""
        a = self.arrays()
        df = pd.DataFrame(a)
        df["event"] = np.asarray(EVENTS, dtype=object)[a["event"]]
        df["reason"] = np.asarray(REASONS, dtype=object)[a["reason"]]
        df["income_class"] = np.asarray(INCOME_CLASSES, dtype=object)[a["income_class"]]
        segments = np.asarray((*SEGMENTS, ""), dtype=object)
        for col in ("from_segment", "to_segment"):
            df[col] = segments[a[col]]
        if city is not None:
            for col, names in (("buurt", city.buurt_codes), ("wijk", city.wijk_codes)):
                lookup = np.asarray((*names, ""), dtype=object)
                for side in ("from", "to"):
                    df[f"{side}_{col}"] = lookup[a[f"{side}_{col}"]]
        return df

    def __len__(self) -> int:
        return self._n
