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
  more than all later years together (docs/ODD.md 7.5a), so prices do not answer that
  settling-in as if it were demand;
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
what a vacancy asks (`Dwellings.asking_cost`, which the market reads for every vacancy it
offers).
"""

from dataclasses import dataclass

import numpy as np

from model import rules
from model.categories import Segment as S
from model.jit import jit
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
    stock, empty = _stock_and_vacant(d.n_rows, d.alive, d.buurt, d.occupant, city.n_buurten)
    wijk_stock = np.bincount(city.buurt_wijk, weights=stock, minlength=city.n_wijken)
    wijk_empty = np.bincount(city.buurt_wijk, weights=empty, minlength=city.n_wijken)
    own = empty / np.maximum(stock, 1.0)
    wijk = (wijk_empty / np.maximum(wijk_stock, 1.0))[city.buurt_wijk]
    return 0.5 * own + 0.5 * wijk


@jit
def _stock_and_vacant(n, alive, buurt, occupant, n_b):
    """Living dwellings per buurt, and how many of them stand vacant (as floats)."""
    stock = np.zeros(n_b)
    empty = np.zeros(n_b)
    for r in range(n):
        if alive[r]:
            stock[buurt[r]] += 1.0
            if occupant[r] == VACANT:
                empty[buurt[r]] += 1.0
    return stock, empty


def initial(model) -> PriceState:
    """The start: index 1 everywhere, and the signals of the start state as reference
    (call after the first census and liveability)."""
    from model.phases.market import buurt_status  # the market imports this module

    return PriceState(log_index=np.zeros(model.city.n_buurten), vacancy0=None,
                      status0=buurt_status(model),
                      liveability0=np.array(model.liveability, dtype=float))


def _count(model, batches: list, n_b: int) -> np.ndarray:
    """Market-priced dwellings per buurt among the rows in `batches` (social lettings go by
    rules, not by price)."""
    if not batches:
        return np.zeros(n_b)
    d = model.dwellings
    return _count_market_priced(np.concatenate(batches), d.segment, d.buurt, n_b)


@jit
def _count_market_priced(rows, segment, buurt, n_b):
    """How many of `rows` are market-priced dwellings, per buurt (as floats)."""
    count = np.zeros(n_b)
    for r in rows:
        if segment[r] >= MARKET_PRICED_FROM:
            count[buurt[r]] += 1.0
    return count


def pressure(model) -> np.ndarray:
    """Log bids per letting of market-priced dwellings per buurt this year, minus the city's
    (0 everywhere in a year without such bids). The market lists the dwellings bid for and
    let in each pass (`YearFlows.bid_dwellings`, `let_dwellings`)."""
    n_b, f = model.city.n_buurten, model.flows
    bids = _count(model, f.bid_dwellings, n_b)
    lettings = _count(model, f.let_dwellings, n_b)
    city = np.log((bids.sum() + 1.0) / (lettings.sum() + 1.0))
    return np.log((bids + 1.0) / (lettings + 1.0)) - city


def target_log_index(model, vacancy: np.ndarray | None = None) -> np.ndarray:
    """What the buurt's price index tends to this year (ln), within the index bounds."""
    p, s = model.params, model.prices
    vacancy = blended_vacancy(model) if vacancy is None else vacancy
    if s.vacancy0 is None:  # the first year: where the market leaves the start's vacancy
        s.vacancy0 = vacancy
    target = (-p.price_vacancy_effect * (vacancy - s.vacancy0)
              + p.price_status_effect * (model.buurt_status - s.status0)
              + p.price_liveability_effect * (model.liveability - s.liveability0)
              + p.price_pressure_effect * pressure(model))
    return np.clip(target, np.log(p.price_index_min), np.log(p.price_index_max))


def run(model) -> None:
    """Move each buurt's index toward its target and revalue the stock (`_revalue`); then
    free-sector rents follow their dwelling's revaluation."""
    p, s, d = model.params, model.prices, model.dwellings
    n = d.n_rows
    target = target_log_index(model)
    step = np.clip(p.price_adjustment * (target - s.log_index), -p.price_max_change,
                   p.price_max_change)
    s.log_index = s.log_index + step
    free, factor = _revalue(n, d.buurt, d.built, model.year, np.exp(step), d.woz, d.segment)
    rent = d.rent
    rent[free] = np.maximum(rent[free] * factor ** p.free_rent_price_elasticity,
                            FREE_RENT_FLOOR)
    if p.regulated_rent_real_growth:
        _regulated_rents(model, d.alive[:n], d.segment[:n])


@jit
def _revalue(n, buurt, built, year, factor_by_buurt, woz, segment):
    """Every dwelling's WOZ value times its buurt's factor (this year's new dwellings enter
    at their price), and owner-occupied homes into the price class of their new value
    (`rules.woz_class`). Runs over all rows of the table: rows of removed dwellings are
    revalued too, harmlessly, since a reused row is reset. Returns the free-sector rentals
    and the factor each was revalued by."""
    free = np.empty(n, np.int64)
    free_factor = np.empty(n)
    k = 0
    for r in range(n):
        f = 1.0 if built[r] == year else factor_by_buurt[buurt[r]]
        woz[r] *= f
        if segment[r] >= OWN_SEGMENT_START:
            c = 0
            for bound in rules.WOZ_CLASS_BOUNDS:
                if woz[r] >= bound:
                    c += 1
            segment[r] = OWN_SEGMENT_START + c
        elif segment[r] == S.PRIVATE_FREE:
            free[k] = r
            free_factor[k] = f
            k += 1
    return free[:k], free_factor[:k]


def _regulated_rents(model, alive: np.ndarray, segment: np.ndarray) -> None:
    """The yearly rent change the rules allow, for sitting tenants too, within each
    regulated segment's ceiling."""
    d, growth = model.dwellings, model.params.regulated_rent_real_growth
    n = alive.size
    rent, cost = d.rent[:n], d.cost[:n]
    occupied = alive & (d.occupant[:n] != VACANT)
    for seg, ceiling in REGULATED_CEILING.items():
        these = alive & (segment == seg)
        new = np.minimum(rent[these] * (1.0 + growth), ceiling)
        ratio = np.ones(n)
        ratio[these] = new / np.maximum(rent[these], 1e-9)
        cost[occupied] *= ratio[occupied]
        rent[these] = new
