"""The 2024 start state: one dwelling per real dwelling, one household per real household.

Dwellings come from the CBS stock per buurt (KWB 2024 totals, KWB 2019 tenure, WOZ and
dwelling types). Households are placed in them so that the city-wide income mix matches the
vision's Table 1 and each buurt's mix follows its CBS income indicators and tenure: an
iterative proportional fit of (buurt x segment) cells against the class totals, started from a
prior income mix per segment. Household types and ages follow the buurt's CBS counts (the
number of children and the share of single parents come from fixed tables, below); the
vulnerable flag follows the buurt's social-assistance, youth-care and Wmo clients.

Everything random draws from the model's generator, so a seed fixes the whole start state;
the counts that calibration targets rest on (dwellings, tenure) do not depend on the seed.
"""

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from model import rules
from model.categories import (
    INCOME_CLASSES,
    SEGMENT_OWNER,
    SEGMENTS,
    HouseholdType,
    IncomeClass,
    Origin,
    Owner,
)
from model.categories import Segment as S
from model.city import City
from model.jit import jit
from model.params import Params
from model.state import Dwellings, Households

# Shape tables for household synthesis (documented in docs/ODD.md, section "Initialisation").
# Relative odds of household type by income class: single-person households are poorer.
TYPE_TILT_BY_CLASS = np.array([
    [1.5, 0.7, 0.8],  # low_pt: single, no children, with children
    [1.0, 1.0, 1.0],
    [0.8, 1.1, 1.1],
    [0.6, 1.2, 1.3],
    [0.5, 1.3, 1.3],  # high
])
SINGLE_PARENT_SHARE = 0.30  # of households with children (Heerlen-Noord: many single mothers)
CHILDREN_PROBS = np.array([0.42, 0.40, 0.14, 0.04])  # 1, 2, 3, 4 children
AGE_BANDS = np.array([18, 25, 35, 45, 55, 65, 75, 91])  # band edges for the head's age
AGE_TILT_BY_TYPE = np.array([
    [1.6, 1.2, 0.7, 0.8, 1.0, 1.1, 1.6],  # single
    [0.3, 0.8, 0.5, 0.8, 1.3, 1.5, 1.1],  # no children
    [0.15, 1.2, 2.2, 1.8, 0.6, 0.1, 0.02],  # with children
])
AGE_TILT_BY_CLASS = np.array([
    [1.5, 1.0, 0.8, 0.8, 0.9, 1.2, 1.5],
    [1.0, 1.0, 0.9, 0.9, 1.0, 1.2, 1.3],
    [0.6, 1.1, 1.1, 1.1, 1.1, 0.9, 0.8],
    [0.4, 1.0, 1.2, 1.2, 1.1, 0.8, 0.6],
    [0.2, 0.8, 1.2, 1.3, 1.2, 0.8, 0.5],
])
LOW_INCOME_FLOOR = (15_000.0, 21_000.0)  # about the social minimum, single / multi-person
HIGH_INCOME_SCALE = 35_000.0  # mean excess income above 78,500 in the top class
MEAN_YEARS_IN_DWELLING = (10.0, 5.0, 14.0)  # by Owner: corporation, private, owner-occupier


def largest_remainder(weights: np.ndarray, total: int) -> np.ndarray:
    """Integers proportional to `weights` that sum exactly to `total` (Hamilton's method)."""
    weights = np.asarray(weights, dtype=np.float64)
    if total <= 0 or weights.sum() <= 0:
        return np.zeros(weights.shape, dtype=np.int64)
    quota = weights / weights.sum() * total
    counts = np.floor(quota).astype(np.int64)
    short = int(total - counts.sum())
    order = np.argsort(-(quota - counts), kind="stable")
    counts[order[:short]] += 1
    return counts


@lru_cache(maxsize=64)
def buurt_columns(city: City, *names: str) -> np.ndarray:
    """`city.buurten[names]` as a read-only float array (1-D for one name), converted once
    per city: a batch builds hundreds of start states from the same data, and reading
    pandas columns costs more than the arithmetic done with them."""
    table = np.array(city.buurten[list(names)].to_numpy(float))
    table = table[:, 0].copy() if len(names) == 1 else table
    table.flags.writeable = False
    return table


def _top_k_per_group(group: np.ndarray, weight: np.ndarray, k: np.ndarray,
                     rng: np.random.Generator) -> np.ndarray:
    """Mask choosing k[g] items of each group g at random with probability ~ weight
    (without replacement: the Gumbel top-k trick, vectorised over all groups)."""
    key = np.log(np.maximum(weight, 1e-12)) + rng.gumbel(size=group.size)
    order = _by_group_then_key_descending(group, key)
    sorted_group = group[order]
    sizes = np.bincount(sorted_group)
    starts = (np.cumsum(sizes) - sizes)[sorted_group]  # where each item's group begins
    rank = np.arange(group.size) - starts
    chosen = np.zeros(group.size, dtype=bool)
    chosen[order] = rank < k[sorted_group]
    return chosen


def _by_group_then_key_descending(group: np.ndarray, key: np.ndarray) -> np.ndarray:
    """`np.lexsort((-key, group))`, faster: sort by key (unstable, but keys drawn from a
    continuous distribution do not tie; if two do, the stable lexsort decides), then a
    stable sort by group as small integers (radix)."""
    by_key = np.argsort(-key)
    ranked = key[by_key]
    if (ranked[1:] == ranked[:-1]).any() or np.isnan(ranked[-1:]).any():
        return np.lexsort((-key, group))
    if group.size and 0 <= group.min() and group.max() < 2**15:
        group = group.astype(np.int16)
    return by_key[np.argsort(group[by_key], kind="stable")]


def _sample_rows(table: np.ndarray, rows: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """One categorical draw per entry of `rows`, with the probabilities of that row of
    `table` (inverse CDF). Many draws share a few rows (a buurt, class and type), so the
    rows are read in place rather than gathered into a matrix per draw."""
    return _inverse_cdf(np.ascontiguousarray(table, dtype=np.float64),
                        np.asarray(rows, dtype=np.intp), rng.random(len(rows)))


@jit
def _inverse_cdf(table, rows, r):
    """Per draw i, from p = table[rows[i]]: the number of cumulative sums of p below r[i] x
    its total (at most the last column). The sums are added left to right, as np.cumsum
    does."""
    n, k = rows.size, table.shape[1]
    out = np.empty(n, dtype=np.int64)
    cdf = np.empty(k)
    for i in range(n):
        p = table[rows[i]]
        total = p[0]
        cdf[0] = total
        for j in range(1, k):
            total = total + p[j]
            cdf[j] = total
        u = r[i] * total
        below = 0
        for j in range(k):
            if u > cdf[j]:
                below += 1
        out[i] = min(below, k - 1)
    return out


def scaled_counts(city: City, scale: float) -> tuple[np.ndarray, np.ndarray]:
    """Dwellings and households per buurt for a city at `scale` (1.0 = the real city)."""
    b = city.buurten
    if scale >= 1.0:
        return b["dwellings"].to_numpy(np.int64), b["households"].to_numpy(np.int64)
    dwellings = largest_remainder(b["dwellings"].to_numpy(float), round(b["dwellings"].sum()
                                                                         * scale))
    households = np.minimum(
        largest_remainder(b["households"].to_numpy(float), round(b["households"].sum() * scale)),
        dwellings)
    return dwellings, households


def owner_counts(city: City, dwellings: np.ndarray) -> np.ndarray:
    """Dwellings per (buurt, owner): buurt tenure shares raked to the wijk's KWB 2019 shares.

    Buurt percentages are rounded and partly suppressed; the wijk shares are the calibration
    target, so the buurt table is fitted to them (iterative proportional fitting, all wijken
    at once) and then rounded per buurt.
    """
    b, w = city.buurten, city.wijken
    pct = b[["pct_corporation", "pct_other_landlord", "pct_owner"]].to_numpy(float)
    pct = np.where(pct.sum(axis=1, keepdims=True) > 0, pct, 1.0)
    table = dwellings[:, None] * (pct / pct.sum(axis=1, keepdims=True)) + 1e-6
    wijk = city.buurt_wijk
    wpct = w[["pct_corporation", "pct_other_landlord", "pct_owner"]].to_numpy(float)
    known = np.isfinite(wpct).all(axis=1) & (np.nan_to_num(wpct).sum(axis=1) > 0)
    wpct = np.where(known[:, None], np.nan_to_num(wpct), 1.0)
    wijk_dwellings = np.bincount(wijk, weights=dwellings, minlength=len(w))
    target = wijk_dwellings[:, None] * wpct / wpct.sum(axis=1, keepdims=True)
    fitted = known[wijk]  # wijken without published shares keep their buurten's own
    for _ in range(50):
        sums = np.stack([np.bincount(wijk, table[:, k], len(w)) for k in range(3)], axis=1)
        col = target / np.maximum(sums, 1e-12)
        table = np.where(fitted[:, None], table * col[wijk], table)
        table *= (dwellings / np.maximum(table.sum(axis=1), 1e-12))[:, None]
    return np.stack([largest_remainder(table[r], int(dwellings[r])) for r in range(len(b))])


@dataclass(frozen=True)
class StockLayout:
    """The part of the start state that neither the seed nor a parameter other than the
    scale changes: how many dwellings and households each buurt gets, how its dwellings
    split over owners, each dwelling's buurt and owner. Made once per city and scale in a
    process (`stock_layout`) and shared by the runs, so its arrays are read-only."""

    dwellings: np.ndarray  # per buurt
    households: np.ndarray  # per buurt
    buurt: np.ndarray  # per dwelling
    owner: np.ndarray  # per dwelling
    single_family: np.ndarray  # single-family houses per buurt

    @property
    def n(self) -> int:
        return self.buurt.size


@lru_cache(maxsize=8)
def stock_layout(city: City, scale: float) -> StockLayout:
    """The city's StockLayout at `scale` (cached: the same for every seed)."""
    dwellings, households = scaled_counts(city, scale)
    per_owner = owner_counts(city, dwellings).ravel()
    n_buurten = city.n_buurten
    arrays = (np.array(dwellings), np.array(households),
              np.repeat(np.repeat(np.arange(n_buurten), 3), per_owner),
              np.repeat(np.tile(np.arange(3), n_buurten), per_owner),
              np.rint(dwellings * buurt_columns(city, "pct_single_family") / 100).astype(int))
    for a in arrays:
        a.flags.writeable = False
    return StockLayout(*arrays)


def build_dwellings(city: City, params: Params, rng: np.random.Generator,
                    layout: StockLayout) -> Dwellings:
    """One row per dwelling with owner, segment, rent or WOZ, type and rooms."""
    n = layout.n
    dwellings_per_buurt, buurt, owner = layout.dwellings, layout.buurt, layout.owner
    d = Dwellings(capacity=int(n * 1.3))
    rows = d.allocate(n)
    d.buurt[rows] = buurt
    d.wijk[rows] = city.buurt_wijk[buurt]
    d.owner[rows] = owner

    # Single-family houses: the buurt's share, likelier among owner-occupied homes.
    sf_weight = np.array([0.6, 0.5, 2.0])[owner]
    d.single_family[rows] = _top_k_per_group(buurt, sf_weight, layout.single_family, rng)
    sf = d.single_family[rows]
    rooms_sf = rng.choice([3, 4, 5], size=n, p=[0.15, 0.50, 0.35])
    rooms_mf = rng.choice([1, 2, 3, 4], size=n, p=[0.10, 0.40, 0.40, 0.10])
    d.rooms[rows] = np.where(sf, rooms_sf, rooms_mf)

    # Values: WOZ around the buurt mean, indexed to 2024; owner-occupied homes above it.
    woz_keur = buurt_columns(city, "woz_2019_keur")
    woz_mean = woz_keur[buurt] * 1000 * params.woz_index_2019_2024
    premium = np.where(owner == Owner.OWNER_OCCUPIER, params.owner_woz_premium, 1.0)
    sigma = params.owner_woz_sigma
    d.woz[rows] = woz_mean * premium * np.exp(sigma * rng.standard_normal(n) - sigma**2 / 2)

    # Rents: corporation rents near the sector median; private rents follow the buurt's WOZ.
    corp_rent = params.corp_rent_median * np.exp(params.corp_rent_sigma * rng.standard_normal(n))
    corp_rent = np.clip(corp_rent * np.where(sf, 1.08, 1.0), 380.0, rules.LIBERALISATION_LIMIT)
    city_woz = np.average(woz_keur, weights=dwellings_per_buurt)
    rel_woz = (woz_keur[buurt] / city_woz) ** 0.5
    private_rent = params.private_rent_median * rel_woz * np.exp(
        params.private_rent_sigma * rng.standard_normal(n))
    private_rent = np.clip(private_rent, 380.0, 2_000.0)

    segment = np.empty(n, dtype=np.int8)
    rent = np.zeros(n)
    corp = owner == Owner.CORPORATION
    middle = corp & (rng.random(n) < params.corp_middle_share)
    segment[corp] = S.CORP_SOCIAL
    rent[corp] = corp_rent[corp]
    segment[middle] = S.CORP_MIDDLE
    rent[middle] = rng.uniform(rules.LIBERALISATION_LIMIT + 1, rules.MIDDLE_RENT_CEILING,
                               int(middle.sum()))
    private = owner == Owner.PRIVATE_LANDLORD
    rent[private] = private_rent[private]
    segment[private] = np.where(private_rent[private] <= rules.LIBERALISATION_LIMIT,
                                S.PRIVATE_CHEAP, S.PRIVATE_FREE)
    own = owner == Owner.OWNER_OCCUPIER
    segment[own] = S.OWN_1 + rules.woz_class(d.woz[rows][own])
    d.segment[rows] = segment
    d.rent[rows] = rent
    d.set_costs(rows, params.owner_cost_rate)
    return d


def class_probabilities(city: City, params: Params, occupied: np.ndarray) -> np.ndarray:
    """P(income class | buurt, segment): a prior mix per segment, tilted by the buurt's CBS
    income indicators and raked so the occupied cells add up to Table 1's city shares.

    `occupied` is the (buurt x segment) count of occupied dwellings.
    """
    prior = np.array([getattr(params, f"prior_classes_{s}") for s in SEGMENTS])  # seg x class
    k = params.income_indicator_strength
    indicators = buurt_columns(city, "pct_low_income", "pct_low40", "pct_top20")
    mean = np.average(indicators, axis=0, weights=occupied.sum(axis=1))
    low_income = (indicators[:, 0] / mean[0]) ** k
    low40 = (indicators[:, 1] / mean[1]) ** k
    top20 = (indicators[:, 2] / mean[2]) ** k
    tilt = np.stack([low_income, low40, np.ones(city.n_buurten), top20, top20],
                    axis=1)  # buurt x class
    table = occupied[:, :, None] * prior[None, :, :] * tilt[:, None, :] + 1e-9
    target = occupied.sum() * np.asarray(params.start_class_shares)
    for _ in range(60):
        table *= (target / table.sum(axis=(0, 1)))[None, None, :]
        table *= (occupied / np.maximum(table.sum(axis=2), 1e-12))[:, :, None]
    return table / np.maximum(table.sum(axis=2, keepdims=True), 1e-12)


def _household_types(city: City, buurt: np.ndarray, cls: np.ndarray, single_family: np.ndarray,
                     rng: np.random.Generator) -> np.ndarray:
    """Household type per household: the buurt's CBS type mix, tilted by income class and
    dwelling type, then fitted so each buurt's expected mix equals its CBS counts.

    The fit runs on cells (buurt x class x house type), which share their probabilities."""
    counts = buurt_columns(city, "hh_single", "hh_no_children", "hh_with_children")
    share = counts / np.maximum(counts.sum(axis=1, keepdims=True), 1)
    n_buurt = city.n_buurten
    cell = (buurt * 5 + cls) * 2 + single_family
    cell_count = np.bincount(cell, minlength=n_buurt * 10).reshape(n_buurt, 5, 2)
    house_tilt = np.array([[1.2, 1.0, 0.6], [0.8, 1.0, 1.5]])  # flat, single-family house
    weights = TYPE_TILT_BY_CLASS[None, :, None, :] * house_tilt[None, None, :, :]
    target = share * cell_count.sum(axis=(1, 2))[:, None]
    factor = share + 1e-9
    for _ in range(15):
        probs = weights * factor[:, None, None, :]
        probs /= probs.sum(axis=3, keepdims=True)
        expected = (probs * cell_count[..., None]).sum(axis=(1, 2))
        factor *= np.where(expected > 0, target / np.maximum(expected, 1e-12), 1.0)
    probs = weights * factor[:, None, None, :]
    probs /= probs.sum(axis=3, keepdims=True)
    return _sample_rows(probs.reshape(-1, 3), cell, rng).astype(np.int8)


def _ages(city: City, buurt: np.ndarray, htype: np.ndarray, cls: np.ndarray,
          rng: np.random.Generator) -> np.ndarray:
    """Age of each head: the buurt's adult age structure, tilted by type and class."""
    groups = buurt_columns(city, "age_15_25", "age_25_45", "age_45_65", "age_65_plus")
    bands = np.stack([groups[:, 0] * 0.7, groups[:, 1] / 2, groups[:, 1] / 2, groups[:, 2] / 2,
                      groups[:, 2] / 2, groups[:, 3] * 0.55, groups[:, 3] * 0.45], axis=1)
    n_types, n_classes = len(AGE_TILT_BY_TYPE), len(AGE_TILT_BY_CLASS)
    probs = (bands[:, None, None, :] * AGE_TILT_BY_TYPE[None, :, None, :]
             * AGE_TILT_BY_CLASS[None, None, :, :] + 1e-9)  # buurt x type x class x band
    band = _sample_rows(probs.reshape(-1, len(AGE_BANDS) - 1),
                        (buurt * n_types + htype) * n_classes + cls, rng)
    lo, hi = AGE_BANDS[band], AGE_BANDS[band + 1]
    return (lo + np.floor(rng.random(band.size) * (hi - lo))).astype(np.int16)


def _income_bounds() -> tuple[np.ndarray, np.ndarray]:
    """Per income class (rows) and one-person/multi-person household (columns), the bounds
    incomes are drawn between (the lowest class from LOW_INCOME_FLOOR; the top class
    open-ended)."""
    lo, hi = np.empty((len(IncomeClass), 2)), np.empty((len(IncomeClass), 2))
    for c in IncomeClass:
        for m in (False, True):
            lo[c, int(m)], hi[c, int(m)] = rules.class_income_bounds(c, m)
    lo[IncomeClass.LOW_PT] = LOW_INCOME_FLOOR
    return lo, hi


INCOME_LO, INCOME_HI = _income_bounds()


def draw_incomes(cls: np.ndarray, size: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """An income inside each household's class bounds (which depend on its size): uniform
    between them, for the top class the lower bound plus an exponential draw (drawn for
    one-person households first, then for multi-person ones)."""
    multi = rules.is_multi_person(size).astype(np.intp)
    lo, hi = INCOME_LO[cls, multi], INCOME_HI[cls, multi]
    u = rng.random(cls.size)
    top = np.isinf(hi)
    income = lo + 1 + u * np.where(top, 0.0, hi - lo - 1)
    for m in (0, 1):
        sel = top & (multi == m)
        income[sel] = lo[sel] + 1 + rng.exponential(HIGH_INCOME_SCALE, int(sel.sum()))
    return income


def _vulnerable(city: City, params: Params, buurt: np.ndarray, cls: np.ndarray,
                segment: np.ndarray, htype: np.ndarray, scale: float,
                rng: np.random.Generator) -> np.ndarray:
    """Flag the buurt's expected number of priority-group households among its lowest class,
    likelier in social and cheap private rent."""
    expected = scale * (
        params.vulnerable_per_bijstand * buurt_columns(city, "bijstand_persons")
        + params.vulnerable_per_youth_care * buurt_columns(city, "youth_care")
        + params.vulnerable_per_wmo * buurt_columns(city, "wmo_clients"))
    low = cls == IncomeClass.LOW_PT
    cap = 0.8 * np.bincount(buurt[low], minlength=city.n_buurten)
    k = np.rint(np.minimum(expected, cap)).astype(int)
    weight = np.where(np.isin(segment, (S.CORP_SOCIAL, S.PRIVATE_CHEAP)), 2.0, 1.0)
    weight *= np.where(htype == HouseholdType.NO_CHILDREN, 0.5, 1.0)
    weight = np.where(low, weight, 0.0)
    return _top_k_per_group(buurt, weight, k, rng) & low


def build_households(city: City, params: Params, rng: np.random.Generator, d: Dwellings,
                     households_per_buurt: np.ndarray, scale: float) -> Households:
    """Choose which dwellings are occupied, then place one synthetic household in each."""
    drows = d.rows()
    buurt = d.buurt[drows]
    dwellings_per_buurt = np.bincount(buurt, minlength=city.n_buurten)
    vacant_k = dwellings_per_buurt - households_per_buurt
    private = d.owner[drows] == Owner.PRIVATE_LANDLORD
    vacant = _top_k_per_group(buurt, np.where(private, params.vacancy_weight_private, 1.0),
                              vacant_k, rng)
    occ = drows[~vacant]
    ob, oseg = d.buurt[occ].astype(np.int64), d.segment[occ].astype(np.int64)
    occupied = np.bincount(ob * len(SEGMENTS) + oseg, minlength=city.n_buurten * len(SEGMENTS)
                           ).reshape(city.n_buurten, len(SEGMENTS)).astype(np.float64)
    probs = class_probabilities(city, params, occupied)
    cls = _sample_rows(probs.reshape(-1, len(INCOME_CLASSES)), ob * len(SEGMENTS) + oseg,
                       rng).astype(np.int8)

    htype = _household_types(city, ob, cls, d.single_family[occ], rng)
    with_children = htype == HouseholdType.WITH_CHILDREN
    adults = np.where(htype == HouseholdType.SINGLE, 1, 2)
    adults = np.where(with_children & (rng.random(occ.size) < SINGLE_PARENT_SHARE), 1, adults)
    children = np.where(with_children, 1 + _sample_rows(
        CHILDREN_PROBS[None, :], np.zeros(occ.size, dtype=np.intp), rng), 0)
    size = (adults + children).astype(np.int8)

    h = Households(capacity=int(occ.size * 1.4))
    rows = h.allocate(occ.size)
    h.cls[rows] = cls
    h.adults[rows] = adults
    h.size[rows] = size
    h.income[rows] = draw_incomes(cls, size, rng)
    h.age[rows] = _ages(city, ob, htype, cls, rng)
    h.vulnerable[rows] = _vulnerable(city, params, ob, cls, oseg, htype, scale, rng)
    mean_years = np.asarray(MEAN_YEARS_IN_DWELLING)[SEGMENT_OWNER_ARRAY[oseg]]
    years = rng.geometric(1.0 / mean_years)
    h.years[rows] = np.minimum(years, np.maximum(h.age[rows] - 18, 1))
    h.origin[rows] = Origin.RESIDENT
    h.arrived[rows] = params.start_year
    h.moved[rows] = params.start_year - h.years[rows]
    h.dwelling[rows] = occ
    d.occupant[occ] = rows
    return h


SEGMENT_OWNER_ARRAY = np.asarray(SEGMENT_OWNER)


def withhold_structural_vacancy(city: City, params: Params, rng: np.random.Generator,
                                d: Dwellings) -> None:
    """Mark the vacant dwellings beyond `frictional_vacancy` of each buurt's stock as
    structural vacancy (`withheld`: never offered on the market), drawn at random among the
    buurt's vacant ones (default 1%); at 1 (100%) nothing is withheld and nothing drawn."""
    if params.frictional_vacancy >= 1.0:
        return
    rows = d.rows()
    buurt = d.buurt[rows].astype(np.int64)
    vacant = rows[d.occupant[rows] < 0]
    stock = np.bincount(buurt, minlength=city.n_buurten)
    empty = np.bincount(d.buurt[vacant].astype(np.int64), minlength=city.n_buurten)
    k = np.maximum(empty - np.rint(params.frictional_vacancy * stock), 0).astype(np.int64)
    d.withheld[vacant] = _top_k_per_group(d.buurt[vacant].astype(np.int64),
                                          np.ones(vacant.size), k, rng)


def build_start_state(city: City, params: Params, rng: np.random.Generator
                      ) -> tuple[Dwellings, Households]:
    """The whole 2024 start state for `city` at `params.scale`."""
    layout = stock_layout(city, params.scale)
    d = build_dwellings(city, params, rng, layout)
    h = build_households(city, params, rng, d, layout.households, params.scale)
    withhold_structural_vacancy(city, params, rng, d)
    return d, h
