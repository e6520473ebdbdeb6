"""Vulnerable private renting: landlords' splitting, the splitting ban, upgrades of cheap
private rent, and local binding.

Without policy, private landlords split large dwellings into one-room units each year
(`splitting_rate` of the private rentals with 4+ rooms, vacant ones three times likelier;
`splitting_units` units at `splitting_rent`): cheap units that draw single low-income and
vulnerable households, as Heerlen-Noord reports. A split displaces the occupant (reason
`splitting`). No split happens in a buurt that fails an active capacity test.

The lever (schedule `private_renting_start`..`_end`) can:
- ban splitting (`splitting_ban`);
- turn a yearly share of cheap private rent into middle rent (`private_upgrade_share`), a
  part of it as zero-step senior flats (`private_upgrade_zero_step_share`), at the next
  letting, never by moving the sitting tenant;
- bind cheap private rent (up to `local_binding_rent_max`) to home-seekers with binding to
  the region (`local_binding`): in-movers from outside Parkstad whose income is not from work
  may not rent it (refusals counted as `refused_local_binding`).
"""

import numpy as np

from model import rules as dutch_rules
from model import stock
from model.allocation import AllocationRule
from model.categories import Owner
from model.categories import Segment as S

NAME = "private_renting"
LARGE_ROOMS = 4
VACANT_ODDS = 3.0


def is_on(params) -> bool:
    return bool(params.splitting_ban or params.private_upgrade_share > 0
                or params.local_binding)


def _scheduled(model) -> bool:
    from model.levers import scheduled

    return is_on(model.params) and scheduled(model, NAME)


def apply(model) -> None:
    p = model.params
    lever = _scheduled(model)
    if p.splitting_rate > 0 and not (lever and p.splitting_ban):
        landlords_split(model)
    if lever and p.private_upgrade_share > 0:
        upgrade(model)


def landlords_split(model) -> None:
    """Landlords split a share of the large private rentals into units."""
    p, d = model.params, model.dwellings
    n_rows = d.n_rows
    large = d.living((d.owner[:n_rows] == Owner.PRIVATE_LANDLORD)
                     & (d.rooms[:n_rows] >= LARGE_ROOMS) & ~stock.pending(model, slice(n_rows)))
    from model.levers import capacity_test

    if capacity_test.enforced(model):
        large = large[~model.capacity_failing[d.buurt[large]]]
    n = int(model.rng.binomial(large.size, p.splitting_rate)) if large.size else 0
    weight = np.where(d.occupant[large] < 0, VACANT_ODDS, 1.0)
    stock.split(model, stock.pick(model, large, n, weight), p.splitting_units, "splitting",
                rent=p.splitting_rent)


def upgrade(model) -> None:
    """A share of cheap private rent becomes middle rent (some zero-step) at the next
    letting."""
    p, d = model.params, model.dwellings
    n_rows = d.n_rows
    cheap = d.living((d.segment[:n_rows] == S.PRIVATE_CHEAP)
                     & ~stock.pending(model, slice(n_rows)))
    n = int(round(p.private_upgrade_share * cheap.size))
    chosen = model.rng.permutation(stock.pick(model, cheap, n, d.rooms[cheap]))
    k = int(round(p.private_upgrade_zero_step_share * chosen.size))
    rent = p.new_rent[S.PRIVATE_FREE]
    stock.relabel(model, chosen[:k], S.PRIVATE_FREE, rent=rent, at_next_letting=True,
                  zero_step=True)
    stock.relabel(model, chosen[k:], S.PRIVATE_FREE, rent=rent, at_next_letting=True)


def unbound_choosers(model, ch) -> np.ndarray:
    """In-movers from outside Parkstad whose income is not from work: no binding."""
    h = model.households
    return (ch.newcomer & dutch_rules.FROM_OUTSIDE_REGION[h.origin[ch.rows]]
            & (dutch_rules.income_source(h.age[ch.rows], h.vulnerable[ch.rows])
               != dutch_rules.WORK))


class LocalBinding(AllocationRule):
    """Cheap private rent only to home-seekers with binding to the region."""

    lever = "local_binding"

    def active(self, model) -> bool:
        return _scheduled(model) and model.params.local_binding

    def barred(self, model, market):
        return unbound_choosers(model, market.ch)

    def closed(self, model, market, offered):
        d = model.dwellings
        return ((d.segment[offered] == S.PRIVATE_CHEAP)
                & (d.rent[offered] <= model.params.local_binding_rent_max))


def rules(params, city) -> list:
    return [LocalBinding()] if params.local_binding else []
