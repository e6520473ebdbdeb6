"""The levers of the Woonfundament: one module per lever, run in a fixed order.

Each lever module holds its rules in one place and keeps its parameters in its own register
group (= the lever's name); new-build rents (`new_rent`, construction's group) are shared by
the levers that build or relabel. A module may have:
- `apply(model)`: its action on the stock this year, run by the policy phase (it returns at
  once when the lever is off or outside its schedule);
- `rules(params, city)`: its allocation rules for the market (`model/allocation.py`);
- `check(params, city)`: checks of its settings beyond the register's ranges (raise
  `ParameterError`).

The policy phase runs the stock actions in the order of `ORDER`:
  1. capacity_test         the test's verdict per buurt for this year (read by 2 and the market)
  2. private_renting       landlords split large dwellings (unless banned); upgrades to middle
                           rent and zero-step flats
  3. renovation            corporation dwellings renovated; some re-let as middle rent
  4. corp_middle           social dwellings re-let as middle rent toward a target share
  5. programme             the construction programme (dwellings per segment and year)
  6. construction          building to demand (unmet demand and a vacancy floor)
  7. city_marriage         corporation stock thinned in one area, added in its partner
  8. demolition            least wanted stock demolished down to the vacancy cap, replaced
  9. bandwidth             corporation shares of the wijken steered into the band
  10. target_group         this year's new dwellings reserved for their target groups
Changes that add stock come before the levers that balance it: demolition sees every
dwelling added before it; the band balances the corporation shares after every other change
(its own few new dwellings are seen by demolition the next year); target groups reserve
whatever was built. Allocation rules act in the market, in this order: target_group,
capacity_test, local binding (private_renting), selective_allocation, fair_share.
"""

import math

import numpy as np

from model.jit import jit
from model.levers import (
    bandwidth,
    capacity_test,
    city_marriage,
    construction,
    corp_middle,
    demolition,
    fair_share,
    private_renting,
    programme,
    renovation,
    selective_allocation,
    target_group,
)
from model.params import ParameterError
from model.state import NO_CHANGE

ORDER = (capacity_test, private_renting, renovation, corp_middle, programme, construction,
         city_marriage, demolition, bandwidth, target_group)
RULE_ORDER = (target_group, capacity_test, private_renting, selective_allocation, fair_share)
MODULES = {m.NAME: m for m in (*ORDER, selective_allocation, fair_share)}


def scheduled(model, lever: str) -> bool:
    """Whether this year lies in the lever's schedule (start and end inclusive)."""
    p = model.params
    return p[f"{lever}_start"] <= model.year <= p[f"{lever}_end"]


def yearly_amount(model, key: str, per_year: float, start: int) -> int:
    """This year's whole number of a yearly amount given for the real city: the amounts of
    the years from `start` add up to round(per_year x scale x years), so a run changes the
    stock exactly as configured whatever the scale. `key` names the amount in the model's
    lever state."""
    years = model.year - start + 1
    done = model.lever_state.get(key, 0)
    total = int(math.floor(per_year * model.params.scale * years + 0.5))
    model.lever_state[key] = total
    return max(total - done, 0)


def rows_of(model, owner: int, *, wijk: int = -1, vacant_only: bool = False) -> np.ndarray:
    """The living rows of `owner`'s dwellings without a change waiting for their letting (in
    `wijk` if given; only the vacant ones if `vacant_only`), in row order: one compiled pass
    over the columns instead of a numpy mask per condition."""
    d = model.dwellings
    n_rows = d.n_rows
    rows = np.empty(n_rows, dtype=np.int64)
    n = _rows_of(d.alive[:n_rows], d.owner[:n_rows], d.wijk[:n_rows], d.occupant[:n_rows],
                 d.pending_segment[:n_rows], int(owner), int(wijk), bool(vacant_only), rows)
    return rows[:n]


@jit
def _rows_of(live, owners, wijken, occupant, pending_segment, owner, wijk, vacant_only, rows):
    """(The rarest conditions first: rows lie mostly in buurt order, so the test of the wijk
    gives the same answer many rows in a row, which the processor predicts.)"""
    n = 0
    for i in range(live.size):
        if wijk >= 0 and wijken[i] != wijk:
            continue
        if vacant_only and occupant[i] >= 0:
            continue
        if live[i] and owners[i] == owner and pending_segment[i] == NO_CHANGE:
            rows[n] = i
            n += 1
    return n


def apply(model) -> None:
    """This year's stock actions of every lever, in ORDER."""
    for module in ORDER:
        module.apply(model)


def allocation_rules(params, city) -> list:
    """The allocation rules of every lever, in RULE_ORDER (each knows its own schedule)."""
    return [rule for module in RULE_ORDER for rule in module.rules(params, city)]


def check(params, city=None, where: str = "") -> None:
    """Checks of lever settings beyond single values: a schedule must not end before it
    starts; areas must exist in the city (when `city` is given). Raises ParameterError
    naming the fields and what is allowed."""
    prefix = f"{where}: " if where else ""
    for lever in MODULES:
        if f"{lever}_start" not in params:  # construction to demand has no schedule
            continue
        start, end = params[f"{lever}_start"], params[f"{lever}_end"]
        if end < start:
            raise ParameterError(
                f"{prefix}the schedule of lever '{lever}' ends before it starts: "
                f"{lever}_end = {end} is before {lever}_start = {start}; give a last year "
                "on or after the first")
    for module in MODULES.values():
        if city is not None and hasattr(module, "check"):
            try:
                module.check(params, city)
            except ParameterError as exc:
                raise ParameterError(f"{prefix}{exc}") from None


def active(params) -> list[str]:
    """The levers that are on in `params` (the report lists them): a lever module that is
    on, or a lever without a module (the DAEB free share) set away from its default."""
    from model.register import REGISTER

    on = []
    for group in dict.fromkeys(p.group for p in REGISTER.values() if p.lever):
        if group in MODULES:
            if MODULES[group].is_on(params):
                on.append(group)
        elif any(params[k] != p.default for k, p in REGISTER.items()
                 if p.group == group and p.lever):
            on.append(group)
    return on


LABELS = {  # levers without a switch of their own: (English, Dutch)
    "programme": ("Construction programme", "Bouwprogramma"),
    "private_renting": ("Vulnerable private renting", "Aanpak kwetsbare particuliere huur"),
    "fair_share": ("Fair share of priority groups", "Eerlijke verdeling aandachtsgroepen"),
    "city_marriage": ("City marriages", "Stadshuwelijken"),
    "renovation": ("Renovation", "Renovatie (verduurzamingsoffensief)"),
    "corp_middle": ("Middle rent in the corporation stock", "Middenhuur bij corporaties"),
}


def label(lever: str, language: str = "en") -> str:
    """The lever's name for people, in English ('en') or Dutch ('nl')."""
    from model.register import REGISTER

    if lever in LABELS:
        return LABELS[lever][language == "nl"]
    return REGISTER[lever].label(language) if lever in REGISTER else lever


def settings(params, lever: str) -> dict:
    """The lever's parameters and their values (the report shows them)."""
    from model.register import REGISTER

    return {name: params[name] for name, p in REGISTER.items() if p.group == lever}


def buurt_mask(city, text: str, what: str) -> np.ndarray:
    """Buurten named by a comma-separated list of wijk or buurt codes or names."""
    mask = np.zeros(city.n_buurten, dtype=bool)
    for item in (t.strip() for t in text.split(",")):
        if not item:
            continue
        wijk = area_index(item, city.wijk_codes, city.wijk_names)
        if wijk is not None:
            mask |= city.buurt_wijk == wijk
            continue
        buurt = area_index(item, city.buurt_codes, city.buurt_names)
        if buurt is None:
            raise ParameterError(f"{what}: '{item}' is not a wijk or buurt of {city.name}; "
                                 "give wijk or buurt codes or names, separated by commas")
        mask[buurt] = True
    return mask


def area_index(item: str, codes, names) -> int | None:
    """Index of the area whose code or name is `item` (case ignored), or None."""
    key = item.casefold()
    for i, (code, name) in enumerate(zip(codes, names, strict=True)):
        if key in (str(code).casefold(), str(name).casefold()):
            return i
    return None
