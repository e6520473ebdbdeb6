"""Target-group regulation (Doelgroepenverordening Heerlen 2023): new social rent, middle
rent and affordable purchase let or sold only to their income groups for a lock-in period.

Every dwelling built while the lever is on (by the programme, to demand, as replacement,
by a city marriage or the band) is reserved for the `target_group_lock_years` after it is
built, if its segment has a target group:
- social rent (corp_social, private_cheap): incomes within the DAEB limit;
- middle rent (corp_middle; private_free up to the middle-rent ceiling): the middle-income
  band of the Wet betaalbare huur;
- affordable purchase (own_1..own_3, WOZ up to 390,000): incomes up to 78,500.
Its allocation rule forbids a reserved dwelling to anyone outside its group (refusals:
`refused_target_group`). Whether the lever is on or not, lettings of dwellings built in the
run within the lock-in period are counted with the share that went to the target group
(`new_lettings`, `new_lettings_target_share`), and lettings of reserved dwellings
(`regulated_lettings`, `regulated_lettings_target_share`).
"""

import numpy as np

from model import rules as dutch_rules
from model.allocation import AllocationRule
from model.categories import Segment as S

NAME = "target_group"
NONE, SOCIAL, MIDDLE, AFFORDABLE = 0, 1, 2, 3
SEGMENT_GROUP = np.array([SOCIAL, MIDDLE, SOCIAL, MIDDLE, AFFORDABLE, AFFORDABLE, AFFORDABLE,
                          NONE], dtype=np.int8)
GROUP_BIT = np.array([0, 1, 2, 4], dtype=np.uint8)  # by group: none, social, middle, affordable


def is_on(params) -> bool:
    return bool(params.target_group)


def apply(model) -> None:
    """Reserve this year's new dwellings for their target groups."""
    from model.levers import scheduled

    p, d = model.params, model.dwellings
    if not (is_on(p) and scheduled(model, NAME)):
        return
    n_rows = d.n_rows
    new = d.living((d.built[:n_rows] == model.year) & (d.regulated_until[:n_rows] == 0))
    new = new[group_of(d, new) != NONE]
    d.regulated_until[new] = model.year + p.target_group_lock_years - 1


def group_of(d, rows: np.ndarray) -> np.ndarray:
    """The target group of each dwelling by its segment (free-sector rent above the
    middle-rent ceiling has none)."""
    group = SEGMENT_GROUP[d.segment[rows]]
    expensive = (d.segment[rows] == S.PRIVATE_FREE) & (d.rent[rows]
                                                        > dutch_rules.MIDDLE_RENT_CEILING)
    return np.where(expensive, NONE, group)


def outside_groups(ctx) -> np.ndarray:
    """Per chooser, the target groups it is not in, as bits (GROUP_BIT); made once per
    market (kept on its context). Bits let a rule test a pair with one `&`."""
    bits = getattr(ctx, "outside_groups", None)
    if bits is None:
        outside = (~ctx.daeb, ~ctx.middle_ok,
                   ctx.income > dutch_rules.AFFORDABLE_PURCHASE_INCOME)
        bits = np.zeros(ctx.income.size, dtype=np.uint8)
        for group, out in zip((SOCIAL, MIDDLE, AFFORDABLE), outside, strict=True):
            bits |= out.view(np.uint8) * GROUP_BIT[group]
        ctx.outside_groups = bits
    return bits


def in_group(ctx, idx: np.ndarray, group: np.ndarray) -> np.ndarray:
    """Whether each chooser idx belongs to the target group of the dwelling paired with it
    (idx and group of the same length)."""
    return (outside_groups(ctx)[idx] & GROUP_BIT[group]) == 0


class TargetGroups(AllocationRule):
    """Reserved dwellings only for their target group; counts lettings of new dwellings."""

    lever = NAME
    kinds = 3  # social, middle, affordable (GROUP_BIT)

    def __init__(self, enforced: bool):
        self.enforced = enforced

    def barred(self, model, market):
        return outside_groups(market.ctx) if self.enforced else None

    def closed(self, model, market, offered):
        """A reserved dwelling's group bit (0 for the others): a pair is forbidden where it
        is a group the chooser is outside."""
        d = model.dwellings
        reserved = np.flatnonzero(d.regulated_until[offered] >= model.year)
        bits = np.zeros(offered.size, dtype=np.uint8)
        bits[reserved] = GROUP_BIT[group_of(d, offered[reserved])]
        return bits

    def let(self, model, market, winners, homes):
        d, f, p = model.dwellings, model.flows, model.params
        built = d.built[homes]
        recent = np.flatnonzero((built > 0) & (built > model.year - p.target_group_lock_years))
        if recent.size == 0:
            return
        winners, homes = winners[recent], homes[recent]
        group = group_of(d, homes)
        new = group != NONE
        ok = in_group(market.ctx, winners, group)
        reserved = d.regulated_until[homes] >= model.year
        f.new_lettings += np.count_nonzero(new)
        f.new_lettings_in_group += np.count_nonzero(new & ok)
        f.regulated_lettings += np.count_nonzero(reserved)
        f.regulated_lettings_in_group += np.count_nonzero(reserved & ok)


def rules(params, city) -> list:
    return [TargetGroups(is_on(params))]
