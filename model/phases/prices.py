"""Prices: WOZ values and free-sector asking rents follow demand, status and liveability.

Money is in 2024 euros, so a price that does not move keeps its real value; there is no
national trend. Each buurt has a price index (1 at the start). Once a year, after the market
and before the census, the index moves part of the way (`price_adjustment`) toward a target
that says how much dearer or cheaper the buurt has become since the start:

    ln target_b = - price_vacancy_effect     x (vacancy_b - vacancy_b in the first year)
                  + price_status_effect      x (status_b - status_b at the start)
                  + price_liveability_effect x (liveability_b - liveability_b at the start)
                  + price_pressure_effect    x pressure_b

- *vacancy*: the share of dwellings standing empty after this year's market, half the
  buurt's and half its wijk's (small buurten are noisy): more empty homes, lower prices.
  It is measured against the vacancy the first year's market leaves: the start state's
  vacancy comes from statistics (KWB), and the first market moves it between buurten by
  far more (8 points standard deviation) than any later year does (about 1 point a year),
  so prices do not answer that settling-in as if it were demand;
- *status*: the buurt status movers saw this year (`market.buurt_status`);
- *liveability*: last year's score (7.7), in standard deviations;
- *pressure*: how many bids each letting of a market-priced dwelling (private rent and
  owner-occupied) drew this year in the buurt, against the city as a whole, as a log ratio:
  where more households compete for each home than elsewhere, prices rise until the
  competition evens out (the market feels them through cost and the mortgage limit).

The target is measured from the start, so the start state (built from CBS WOZ values) is in
balance. Bounds: a year's change is at most `price_max_change` either way, and the index
stays within `price_index_min`..`price_index_max` of the start.

What follows from the index:
- every dwelling's WOZ value moves with its buurt's index (the stock's value, and the price
  a buyer pays and a mortgage must reach);
- owner-occupied homes change price class with their value (`rules.woz_class`);
- free-sector rents (private, above the liberalisation limit) move with the index to the
  power `free_rent_price_elasticity`, and stay above the limit;
- regulated rents (corporation social and middle rent, private rent up to the limit) follow
  the rent rules, not demand: they change by `regulated_rent_real_growth` a year (0: the
  yearly increases only keep up with inflation), within their segment's ceiling.

Sitting households do not pay more when their home is revalued: the housing cost a household
pays (`Dwellings.cost`) is set when it moves in, from the asking price then (a mortgage taken,
a rent agreed), and changes afterwards only by the regulated yearly rent change. Prices set
what a vacancy asks (`Dwellings.asking_cost`).
"""

from dataclasses import dataclass

import numpy as np

from model import rules
from model.categories import Segment as S
from model.state import OWN_SEGMENT_START, VACANT

MARKET_PRICED_FROM = S.PRIVATE_CHEAP  # segments from here on are let or sold by the market
REGULATED_CEILING = {S.CORP_SOCIAL: rules.LIBERALISATION_LIMIT,
                     S.CORP_MIDDLE: rules.MIDDLE_RENT_CEILING,
                     S.PRIVATE_CHEAP: rules.LIBERALISATION_LIMIT}
FREE_RENT_FLOOR = rules.LIBERALISATION_LIMIT + 0.01  # a free-sector rent stays above the limit


@dataclass
class PriceState:
    """Each buurt's price index and the start-state signals the target is measured from."""

    log_index: np.ndarray  # ln of the price index per buurt (0 at the start)
    vacancy0: np.ndarray | None  # blended vacancy after the first year's market
    status0: np.ndarray  # buurt status at the start
    liveability0: np.ndarray  # liveability at the start

    @property
    def index(self) -> np.ndarray:
        return np.exp(self.log_index)


def blended_vacancy(model) -> np.ndarray:
    """Share of dwellings vacant per buurt, half the buurt's own and half its wijk's."""
    city, d = model.city, model.dwellings
    rows = d.rows()
    buurt = d.buurt[rows]
    n_b = city.n_buurten
    stock = np.bincount(buurt, minlength=n_b).astype(float)
    vacant = np.bincount(buurt, weights=d.occupant[rows] == VACANT, minlength=n_b)
    wijk_stock = np.bincount(city.buurt_wijk, weights=stock, minlength=city.n_wijken)
    wijk_vacant = np.bincount(city.buurt_wijk, weights=vacant, minlength=city.n_wijken)
    own = vacant / np.maximum(stock, 1.0)
    wijk = (wijk_vacant / np.maximum(wijk_stock, 1.0))[city.buurt_wijk]
    return 0.5 * own + 0.5 * wijk


def initial(model) -> PriceState:
    """The start: index 1 everywhere, and the signals of the start state as reference
    (call after the first census and liveability)."""
    from model.phases.market import buurt_status  # the market imports this module

    return PriceState(log_index=np.zeros(model.city.n_buurten), vacancy0=None,
                      status0=buurt_status(model),
                      liveability0=np.array(model.liveability, dtype=float))


def count_bids(model, bid_dwellings: np.ndarray, let_dwellings: np.ndarray) -> None:
    """Called by the market after each pass of bids: the dwellings bid for and those let.
    Only market-priced dwellings count (social lettings go by rules, not by price)."""
    flows, d = model.flows, model.dwellings
    n_b = model.city.n_buurten
    if flows.market_bids is None:
        flows.market_bids = np.zeros(n_b)
        flows.market_lettings = np.zeros(n_b)
    for dwellings, counter in ((bid_dwellings, flows.market_bids),
                               (let_dwellings, flows.market_lettings)):
        if dwellings.size:
            priced = dwellings[d.segment[dwellings] >= MARKET_PRICED_FROM]
            counter += np.bincount(d.buurt[priced], minlength=n_b)


def pressure(model) -> np.ndarray:
    """Log bids per letting of market-priced dwellings per buurt this year, minus the city's
    (0 everywhere in a year without such bids)."""
    f = model.flows
    if f.market_bids is None:
        return np.zeros(model.city.n_buurten)
    city = np.log((f.market_bids.sum() + 1.0) / (f.market_lettings.sum() + 1.0))
    return np.log((f.market_bids + 1.0) / (f.market_lettings + 1.0)) - city


def target_log_index(model) -> np.ndarray:
    """What the buurt's price index tends to this year (ln), within the index bounds."""
    p, s = model.params, model.prices
    vacancy = blended_vacancy(model)
    if s.vacancy0 is None:  # the first year: where the market leaves the start's vacancy
        s.vacancy0 = vacancy
    target = (-p.price_vacancy_effect * (vacancy - s.vacancy0)
              + p.price_status_effect * (model.buurt_status - s.status0)
              + p.price_liveability_effect * (model.liveability - s.liveability0)
              + p.price_pressure_effect * pressure(model))
    return np.clip(target, np.log(p.price_index_min), np.log(p.price_index_max))


def run(model) -> None:
    """Move each buurt's index toward its target and revalue the stock."""
    p, s, d = model.params, model.prices, model.dwellings
    step = p.price_adjustment * (target_log_index(model) - s.log_index)
    step = np.clip(step, -p.price_max_change, p.price_max_change)
    s.log_index = s.log_index + step
    rows = d.rows()
    rows = rows[d.built[rows] != model.year]  # this year's new dwellings enter at their price
    factor = np.exp(step)[d.buurt[rows]]
    d.woz[rows] *= factor
    segment = d.segment[rows]
    owned = segment >= OWN_SEGMENT_START
    d.segment[rows[owned]] = OWN_SEGMENT_START + rules.woz_class(d.woz[rows[owned]])
    free = rows[segment == S.PRIVATE_FREE]
    d.rent[free] = np.maximum(d.rent[free] * factor[segment == S.PRIVATE_FREE]
                              ** p.free_rent_price_elasticity, FREE_RENT_FLOOR)
    if p.regulated_rent_real_growth:
        _regulated_rents(model, rows, segment)
    vacant = rows[d.occupant[rows] == VACANT]
    d.set_costs(vacant, p.owner_cost_rate)  # a vacancy asks today's price


def _regulated_rents(model, rows: np.ndarray, segment: np.ndarray) -> None:
    """The yearly rent change the rules allow, for sitting tenants too, within each
    regulated segment's ceiling."""
    d, growth = model.dwellings, model.params.regulated_rent_real_growth
    for seg, ceiling in REGULATED_CEILING.items():
        these = rows[segment == seg]
        new = np.minimum(d.rent[these] * (1.0 + growth), ceiling)
        occupied = these[d.occupant[these] != VACANT]
        d.cost[occupied] *= (new[d.occupant[these] != VACANT]
                             / np.maximum(d.rent[occupied], 1e-9))
        d.rent[these] = new
