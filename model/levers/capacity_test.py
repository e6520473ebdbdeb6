"""Capacity test (draagkrachtstoets, Heerlen 2023): no more vulnerable households, and no
splitting of dwellings, in buurten that cannot bear them.

Each year, before anything moves, the test gives its verdict per buurt from last year's
figures: a buurt *fails* if its liveability is below `capacity_test_liveability_min` or its
share of vulnerable households is above `capacity_test_vulnerable_max` ('either'; with
'both', only if both fail). The verdict is kept in `model.capacity_failing` and output every
year, also when the lever is off, so a run without the lever can be compared.

While the lever is on, its allocation rule forbids every dwelling in a failing buurt to a
vulnerable household (residents moving, new households and in-movers alike); a household
whose best choice was refused looks elsewhere in the city, or leaves for the region. Both
are counted (`refused_capacity_test`, `refused_capacity_test_to_region`). Landlords do not
split dwellings in failing buurten (`model/levers/private_renting.py`).
"""

import numpy as np

from model.allocation import AllocationRule

NAME = "capacity_test"


def is_on(params) -> bool:
    return bool(params.capacity_test)


def enforced(model) -> bool:
    """Whether the test is enforced this year."""
    from model.levers import scheduled

    return is_on(model.params) and scheduled(model, NAME)


def verdict(model) -> np.ndarray:
    """Per buurt: whether it fails the test on last year's census and liveability."""
    p, c = model.params, model.census
    vulnerable = c.vulnerable / np.maximum(c.household_total, 1)
    low_liveability = model.liveability < p.capacity_test_liveability_min
    too_vulnerable = vulnerable > p.capacity_test_vulnerable_max
    if p.capacity_test_combine == "both":
        return low_liveability & too_vulnerable
    return low_liveability | too_vulnerable


def apply(model) -> None:
    """This year's verdict (computed whether or not the lever is on)."""
    model.capacity_failing = verdict(model)


class CapacityTest(AllocationRule):
    """No placement of a vulnerable household in a failing buurt."""

    lever = NAME

    def active(self, model) -> bool:
        return enforced(model) and bool(model.capacity_failing.any())

    def barred(self, model, market):
        return model.households.vulnerable[market.ch.rows]

    def closed(self, model, market, offered):
        return model.capacity_failing[model.dwellings.buurt[offered]]


def rules(params, city) -> list:
    return [CapacityTest()] if is_on(params) else []
