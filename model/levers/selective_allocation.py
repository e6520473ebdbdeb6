"""Selective allocation (Wet bijzondere maatregelen grootstedelijke problematiek, art. 8), as
Heerlen-Noord proposes: in designated areas, social and cheap private rent only to
households with income from work or pension.

The rule applies to households that have lived in the region for fewer than
`selective_allocation_residence_years` (6 in the law): in-movers from outside Parkstad
(origin 'netherlands' or 'abroad') within that many years of arriving. Their income source
is read by `model.rules.income_source`: pension from 67, social assistance for the model's
vulnerable households (they stand for bijstand and care clients), work otherwise. Refused
households look elsewhere in the city or leave (the 'waterbed' the evaluations describe);
both are counted.
"""

import numpy as np

from model import rules as dutch_rules
from model.allocation import AllocationRule
from model.categories import Segment as S

NAME = "selective_allocation"
RENTED_CHEAP = np.isin(np.arange(len(S)), (S.CORP_SOCIAL, S.PRIVATE_CHEAP))  # by segment


def is_on(params) -> bool:
    return bool(params.selective_allocation) and bool(params.selective_allocation_areas.strip())


def apply(model) -> None:
    return None


def check(params, city) -> None:
    if is_on(params):
        _areas(params, city)


def _areas(params, city) -> np.ndarray:
    from model.levers import buurt_mask

    return buurt_mask(city, params.selective_allocation_areas, "selective_allocation_areas")


def subject_choosers(model, ch) -> np.ndarray:
    """Choosers the rule applies to: recent in-movers from outside the region living on a
    benefit."""
    h, p = model.households, model.params
    rows = ch.rows
    recent = dutch_rules.FROM_OUTSIDE_REGION[h.origin[rows]] & (
        model.year - h.arrived[rows] < p.selective_allocation_residence_years)
    return recent & (dutch_rules.income_source(h.age[rows], h.vulnerable[rows])
                     == dutch_rules.BENEFIT)


class SelectiveAllocation(AllocationRule):
    lever = NAME

    def __init__(self, designated: np.ndarray):
        self.designated = designated

    def active(self, model) -> bool:
        from model.levers import scheduled

        return scheduled(model, NAME)

    def barred(self, model, market):
        return subject_choosers(model, market.ch)

    def closed(self, model, market, offered):
        d = model.dwellings
        return self.designated[d.buurt[offered]] & RENTED_CHEAP[d.segment[offered]]


def rules(params, city) -> list:
    return [SelectiveAllocation(_areas(params, city))] if is_on(params) else []
