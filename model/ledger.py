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


class Ledger:
    """An append-only log of household events, stored as batches of arrays."""

    def __init__(self):
        self._batches: list[dict[str, np.ndarray]] = []
        self._by_year: dict[int, list[dict[str, np.ndarray]]] = {}

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
        h, d = model.households, model.dwellings

        def places(dwelling):
            """Buurt, wijk and segment of each dwelling, OUTSIDE where there is none."""
            if dwelling is None:
                out = np.full(n, OUTSIDE, dtype=np.int16)
                return out, out, out
            dwelling = np.asarray(dwelling, dtype=np.int64)
            known = dwelling >= 0
            safe = np.where(known, dwelling, 0)
            return tuple(np.where(known, getattr(d, c)[safe], OUTSIDE).astype(np.int16)
                         for c in ("buurt", "wijk", "segment"))

        from_b, from_w, from_s = places(from_dwelling)
        to_b, to_w, to_s = places(to_dwelling)
        codes = (np.full(n, REASON[reason], dtype=np.int8) if isinstance(reason, str)
                 else np.asarray(reason, dtype=np.int8))
        batch = {
            "year": np.full(n, model.year, dtype=np.int16),
            "event": np.full(n, EVENT[event], dtype=np.int8),
            "reason": codes,
            "household": h.uid[rows].copy(),
            "income_class": h.cls[rows].copy(),
            "size": h.size[rows].copy(),
            "vulnerable": h.vulnerable[rows].copy(),
            "from_buurt": from_b,
            "to_buurt": to_b,
            "from_wijk": from_w,
            "to_wijk": to_w,
            "from_segment": from_s,
            "to_segment": to_s,
        }
        self._batches.append(batch)
        self._by_year.setdefault(int(model.year), []).append(batch)

    def arrays(self, year: int | None = None) -> dict[str, np.ndarray]:
        """All entries (or one year's) as a dict of concatenated arrays."""
        batches = self._batches if year is None else self._by_year.get(int(year), [])
        if not batches:
            return {f: np.empty(0, dtype=np.int64) for f in FIELDS}
        return {f: np.concatenate([b[f] for b in batches]) for f in FIELDS}

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
        return sum(b["year"].size for b in self._batches)
