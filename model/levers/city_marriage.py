"""City marriages ((Park)stadshuwelijken): corporation stock thinned in one area and added in
its partner, phased over the years of the schedule.

`city_marriages` lists pairs 'A>B' (separated by ';'): A is a Heerlen wijk, B another
Heerlen wijk or a Parkstad municipality of outside.csv (code or name). Each year of the
schedule, `city_marriage_per_year` corporation dwellings of A are demolished (tenants
displaced, reason `city_marriage`) or, with `city_marriage_mode = 'sell'`, sold to
owner-occupiers at their next letting; `city_marriage_per_year` corporation social
dwellings are added in B, however many A could still give.
When B is outside the city its new dwellings are counted there (`built_outside`), and
displaced households that leave the city are counted as housed in the partner
(`displaced_to_partner`, up to the dwellings added there that year), not as lost.
The amounts are exact over the run (A's while it has corporation stock left).
"""

import numpy as np

from model import stock
from model.categories import Owner
from model.categories import Segment as S
from model.jit import jit
from model.params import ParameterError

NAME = "city_marriage"
VACANT_ODDS = 5.0
CORPORATION = int(Owner.CORPORATION)  # (a plain number for the compiled loop)


def is_on(params) -> bool:
    return bool(params.city_marriages.strip())


def pairs(params, city) -> list[tuple[int, str | int]]:
    """The pairs as (wijk index of A, wijk index of B or municipality code of B)."""
    out = []
    outside = city.outside
    for raw in params.city_marriages.replace("\n", ";").split(";"):
        text = raw.strip()
        if not text:
            continue
        parts = [t.strip() for t in text.split(">")]
        if len(parts) != 2 or not all(parts):
            raise ParameterError(f"city_marriages: '{text}' is not a pair; write 'A>B' (A a "
                                 "wijk of the city, B a wijk or a neighbouring "
                                 "municipality), pairs separated by ';'")
        a, b = parts
        wa = _wijk(city, a)
        if wa is None:
            raise ParameterError(f"city_marriages: pair '{text}': '{a}' is not a wijk of "
                                 f"{city.name}; the first area of a pair is the wijk whose "
                                 "corporation stock is thinned (a wijk code or name)")
        wb = _wijk(city, b)
        if wb is None:
            wb = _municipality(outside, b)
            if wb is None:
                known = ", ".join(f"{r.name} ({r.gm_code})" for r in outside.itertuples())
                raise ParameterError(f"city_marriages: pair '{text}': '{b}' is neither a "
                                     f"wijk of {city.name} nor a neighbouring municipality "
                                     f"({known})")
        if wb == wa:
            raise ParameterError(f"city_marriages: pair '{text}' pairs a wijk with itself")
        out.append((wa, wb))
    return out


def _wijk(city, name: str) -> int | None:
    from model.levers import area_index

    return area_index(name, city.wijk_codes, city.wijk_names)


def _municipality(outside, name: str) -> str | None:
    """The code of the neighbouring municipality with this code or name."""
    from model.levers import area_index

    i = area_index(name, outside["gm_code"], outside["name"])
    return None if i is None else str(outside["gm_code"].iloc[i])


def check(params, city) -> None:
    if is_on(params):
        pairs(params, city)


def apply(model) -> None:
    from model.levers import rows_of, scheduled, yearly_amount

    p, d = model.params, model.dwellings
    if not (is_on(p) and scheduled(model, NAME)):
        return
    parsed = model.lever_state.get("city_marriage_pairs")
    if parsed is None:  # parsed once per run
        parsed = model.lever_state["city_marriage_pairs"] = pairs(p, model.city)
    for k, (a, b) in enumerate(parsed):
        n = yearly_amount(model, f"city_marriage_{k}", p.city_marriage_per_year,
                          p.city_marriage_start)
        corp = rows_of(model, Owner.CORPORATION, wijk=a)
        weight = np.where(d.occupant[corp] < 0, VACANT_ODDS, 1.0)
        thinned = stock.pick(model, corp, n, weight)
        if p.city_marriage_mode == "sell":
            stock.sell(model, thinned, Owner.OWNER_OCCUPIER, NAME)
        else:
            stock.remove(model, thinned, NAME)
        if isinstance(b, str):
            model.flows.built_outside[b] = model.flows.built_outside.get(b, 0) + n
        else:
            stock.build(model, np.full(n, S.CORP_SOCIAL), _buurten_of(model, b, n))


def _buurten_of(model, wijk: int, n: int) -> np.ndarray:
    """Buurten of `wijk` for n new corporation dwellings: where the corporation share is
    lowest (odds proportional to the buurt's other dwellings)."""
    d, city = model.dwellings, model.city
    n_rows = d.n_rows
    other = np.zeros(city.n_buurten)
    _count_other(d.alive[:n_rows], d.wijk[:n_rows], d.buurt[:n_rows], d.owner[:n_rows], wijk,
                 other)
    weight = np.where(city.buurt_wijk == wijk, other + 1e-9, 0.0)
    return model.rng.choice(city.n_buurten, size=n, p=weight / weight.sum())


@jit
def _count_other(live, wijken, buurt, owner, wijk, other):
    """Per buurt of `wijk` its living dwellings that corporations do not own, in one pass
    (the wijk tested first: rows lie mostly in buurt order, so that test is predictable)."""
    for i in range(live.size):
        if wijken[i] == wijk and live[i] and owner[i] != CORPORATION:
            other[buurt[i]] += 1.0


def rules(params, city) -> list:
    return []
