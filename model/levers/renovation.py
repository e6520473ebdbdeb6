"""Renovation (Verduurzamingsoffensief): a yearly number of corporation dwellings renovated;
a set share re-let as middle rent at the next letting.

Each year of the schedule, `renovation_per_year` corporation social dwellings not yet
renovated in the run are renovated (a lever whose schedule starts in the start year, 2024,
first acts in 2025 and makes up that year's amount then), drawn at random and likelier in
buurten of low liveability (the offensive starts where energy poverty is highest:
Vrieheide, Molenberg). The sitting tenant stays and keeps the rent (Heerlen's agreements: no
rent rise after insulation). A share `renovation_middle_share` of them is re-let as middle rent
(`renovation_middle_rent`) when next vacant, never by moving the tenant. Renovation lifts the
fixed part of the buurt's liveability (the Leefbarometer's housing-stock dimension) by
`renovation_liveability_gain` per unit share of its stock renovated.

Amounts are exact: over the run, round(renovation_per_year x scale x years) dwellings are
renovated (while unrenovated social stock lasts), and round(share x renovated) of them are
marked for middle rent.
"""

import numpy as np

from model import stock
from model.categories import Segment as S

NAME = "renovation"


def is_on(params) -> bool:
    return params.renovation_per_year > 0


def apply(model) -> None:
    from model.levers import scheduled, yearly_amount

    p, d = model.params, model.dwellings
    if not (is_on(p) and scheduled(model, NAME)):
        return
    n = yearly_amount(model, "renovated", p.renovation_per_year, p.renovation_start)
    n_rows = d.n_rows
    candidates = d.living((d.segment[:n_rows] == S.CORP_SOCIAL) & (d.renovated[:n_rows] == 0)
                          & ~stock.pending(model, slice(n_rows)))
    weight = np.exp(-model.liveability[d.buurt[candidates]])
    chosen = model.rng.permutation(stock.pick(model, candidates, n, weight))
    d.renovated[chosen] = model.year
    model.flows.renovated += int(chosen.size)
    done = model.lever_state.get("renovated_done", 0) + chosen.size
    model.lever_state["renovated_done"] = done
    middle_total = int(np.floor(p.renovation_middle_share * done + 0.5))
    k = middle_total - model.lever_state.get("renovated_middle", 0)
    model.lever_state["renovated_middle"] = middle_total
    stock.relabel(model, chosen[:k], S.CORP_MIDDLE, rent=p.renovation_middle_rent,
                  at_next_letting=True)
    per_buurt = np.bincount(d.buurt[chosen], minlength=model.city.n_buurten)
    size = np.maximum(model.census.dwelling_total, 1)
    model.liveability_fixed = model.liveability_fixed + (
        p.renovation_liveability_gain * per_buurt / size)


def rules(params, city) -> list:
    return []
