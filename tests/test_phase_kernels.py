"""The compiled loops of the yearly phases (model/jit.py), each checked to the bit against
the numpy code it replaced, on random tables, compiled and as plain Python."""

import numpy as np
import pytest

from model import rules
from model.categories import IncomeClass
from model.fit import BELOW_FLAT, fits
from model.ledger import REASON
from model.phases import census, demography, intentions, migration, prices
from model.state import OWN_SEGMENT_START

N_ROWS, N_DWELLINGS, N_BUURTEN = 3000, 3500, 9


def variants(kernel):
    return pytest.mark.parametrize("fn", [kernel, kernel.py_func], ids=["compiled", "python"])


def households(rng, n=N_ROWS, n_dwellings=N_DWELLINGS):
    """A household table with dead rows, households without a dwelling and extreme ages."""
    return dict(
        alive=rng.random(n) < 0.9,
        dwelling=np.where(rng.random(n) < 0.05, -1, rng.integers(0, n_dwellings, n)),
        age=rng.integers(18, 130, n).astype(np.int16),
        adults=rng.integers(1, 3, n).astype(np.int8),
        size=rng.integers(1, 7, n).astype(np.int8),
        income=rng.lognormal(10.4, 0.6, n),
        cls=rng.integers(0, 5, n).astype(np.int8),
        vulnerable=rng.random(n) < 0.2,
        moved=rng.integers(2020, 2031, n).astype(np.int16),
        years=rng.integers(0, 40, n).astype(np.int16),
    )


def dwellings(rng, n=N_DWELLINGS):
    return dict(
        alive=rng.random(n) < 0.95,
        buurt=rng.integers(0, N_BUURTEN, n).astype(np.int16),
        owner=rng.integers(0, 3, n).astype(np.int8),
        segment=rng.integers(0, 8, n).astype(np.int8),
        rooms=rng.integers(1, 7, n).astype(np.int8),
        rent=rng.uniform(400, 1400, n),
        cost=rng.uniform(3000, 30000, n),
        occupant=np.where(rng.random(n) < 0.1, -1, rng.integers(0, N_ROWS, n)),
        woz=rng.uniform(100_000, 500_000, n),
        built=np.where(rng.random(n) < 0.8, 0, rng.integers(2025, 2031, n)).astype(np.int16),
    )


@variants(demography._deaths)
def test_deaths_as_the_numpy_code(fn):
    rng = np.random.default_rng(1)
    h = households(rng)
    rows = np.flatnonzero(h["alive"])
    first, second = rng.random(rows.size), rng.random(rows.size)
    q_by_age = demography.death_probability_by_age(30.0)  # many deaths, to test them all
    want = {k: v.copy() for k, v in h.items()}
    q = np.take(q_by_age, np.minimum(np.take(want["age"], rows), 120))
    adults = np.take(want["adults"], rows)
    deaths = (first < q).astype(np.int8)
    deaths += (adults == 2) & (second < q)
    ends = deaths >= adults
    widowed = rows[(deaths > 0) & ~ends]
    want["adults"][widowed] -= 1
    want["size"][widowed] -= 1
    want["income"][widowed] *= demography.SURVIVOR_INCOME
    alive = want["alive"].copy()
    alive[rows[ends]] = False
    alone_80 = np.flatnonzero(alive & (want["size"] == 1) & (want["age"] >= 80))

    got_ends, got_alone = fn(N_ROWS, h["alive"], h["age"], h["adults"], h["size"],
                             h["income"], first, second, q_by_age)
    np.testing.assert_array_equal(got_ends, rows[ends])
    np.testing.assert_array_equal(got_alone, alone_80)
    for k in ("adults", "size", "income"):
        np.testing.assert_array_equal(h[k], want[k])
    assert ends.sum() > 10 and widowed.size > 10 and alone_80.size > 10


@variants(demography._age_and_earn)
def test_ageing_and_income_as_the_numpy_code(fn):
    rng = np.random.default_rng(2)
    h = households(rng)
    rows = np.flatnonzero(h["alive"])
    by_age = np.ones(121)
    by_age[:35] = np.exp(0.013)
    by_age[67] = 0.7
    shock = np.exp(rng.standard_normal(rows.size, dtype=np.float32) * np.float32(0.1))
    lost = rng.random(rows.size, dtype=np.float32)
    job_loss_rate = 0.13  # not a float32 number: compared as float32, as numpy does
    want = {k: v.copy() for k, v in h.items()}
    np.add(want["age"], 1, out=want["age"], where=want["alive"])
    np.add(want["years"], 1, out=want["years"], where=want["alive"])
    age = np.minimum(np.take(want["age"], rows), 120)
    income = np.take(want["income"], rows) * np.take(by_age, age)
    income *= shock
    np.multiply(income, demography.JOB_LOSS_INCOME, out=income,
                where=(lost < job_loss_rate) & (age < 67))
    floor = np.where(np.take(want["size"], rows) > 1, *demography.INCOME_FLOOR[::-1])
    want["income"][rows] = np.maximum(income, floor, out=income)

    fn(N_ROWS, h["alive"], h["age"], h["years"], h["income"], h["size"], by_age, shock, lost,
       np.float32(job_loss_rate))
    for k in ("age", "years", "income"):
        np.testing.assert_array_equal(h[k], want[k])


@variants(demography._reclassify)
def test_reclassify_as_income_class(fn):
    rng = np.random.default_rng(3)
    h = households(rng)
    # incomes on and around every class limit
    limits = [rules.PASSEND_LIMIT_SINGLE, rules.PASSEND_LIMIT_MULTI, rules.DAEB_LIMIT_SINGLE,
              rules.DAEB_LIMIT_MULTI, rules.MIDDLE_LIMIT, rules.AFFORDABLE_PURCHASE_INCOME]
    edge = rng.choice(limits, 600) + rng.choice([-0.01, 0.0, 0.01], 600)
    h["income"][:600] = edge
    rows = np.flatnonzero(h["alive"])
    want_cls, want_vulnerable = h["cls"].copy(), h["vulnerable"].copy()
    cls = rules.income_class(np.take(h["income"], rows), np.take(h["size"], rows))
    want_cls[rows] = cls
    want_vulnerable[rows] &= cls == IncomeClass.LOW_PT

    fn(N_ROWS, h["alive"], h["income"], h["size"], h["cls"], h["vulnerable"])
    np.testing.assert_array_equal(h["cls"], want_cls)
    np.testing.assert_array_equal(h["vulnerable"], want_vulnerable)


@variants(intentions._movers)
def test_movers_as_the_numpy_code(fn):
    rng = np.random.default_rng(4)
    h, d = households(rng), dwellings(rng)
    f32 = np.float32
    hazard = rng.uniform(0.02, 0.6, 151).astype(f32)
    tenure = np.array([1.0, 1.3, 0.6], dtype=f32)
    neighbourhood = f32(1.0) + f32(0.7) * np.maximum(rng.normal(0, 1, N_BUURTEN), 0).astype(f32)
    # python floats that float32 cannot hold; one equal to a neighbourhood factor (a tie)
    crowded, unaffordable, misfit_up = 1.7, 1.3, float(neighbourhood.max())

    # the numpy code this replaced
    rows = np.flatnonzero(h["alive"] & (h["dwelling"] >= 0))
    dw = h["dwelling"][rows]
    cls = h["cls"][rows]
    prob = np.take(hazard, h["age"][rows]) * np.take(tenure, d["owner"][dw])
    strongest = np.where(cls != IncomeClass.LOW_PT, np.take(neighbourhood, d["buurt"][dw]),
                         f32(1.0))
    prob *= strongest
    reason = np.where(strongest > 1.0, REASON["neighbourhood"],
                      REASON["life_stage"]).astype(np.int8)
    below = np.take(BELOW_FLAT, cls.astype(np.intp) * 8 + d["segment"][dw])
    for name, applies, multiplier in (
        ("crowded", h["size"][rows] > d["rooms"][dw], crowded),
        ("unaffordable", d["cost"][dw] > intentions.UNAFFORDABLE_SHARE * h["income"][rows],
         unaffordable),
        ("income_rise", below, misfit_up),
    ):
        np.multiply(prob, multiplier, out=prob, where=applies)
        stronger = applies & (multiplier > strongest)
        np.putmask(reason, stronger, REASON[name])
        np.putmask(strongest, stronger, multiplier)
    prob = np.minimum(prob, 0.9)
    draw = rng.random(rows.size)
    # draws equal to a probability, and just above it in float64
    draw[:50] = prob[:50]
    draw[50:100] = np.nextafter(prob[50:100].astype(float), 1.0)
    wants = draw < prob

    factors = np.array([[1.0, crowded], [1.0, unaffordable], [1.0, misfit_up]], dtype=f32)
    movers, reasons = fn(N_ROWS, h["alive"], h["dwelling"], h["age"], h["cls"], h["size"],
                         h["income"], d["owner"], d["buurt"], d["rooms"], d["cost"],
                         d["segment"], hazard, tenure, np.append(neighbourhood, f32(1.0)),
                         factors, BELOW_FLAT, draw)
    np.testing.assert_array_equal(movers, rows[wants])
    np.testing.assert_array_equal(reasons, reason[wants])
    assert len(np.unique(reason[wants])) == 5  # every reason occurs among the movers


@pytest.mark.parametrize("compiled", [True, False])
def test_census_counts_as_bincount(compiled):
    rng = np.random.default_rng(5)
    h, d = households(rng), dwellings(rng)
    h["dwelling"][h["alive"]] = np.abs(h["dwelling"][h["alive"]])  # the living are housed
    year = 2030
    # the numpy code this replaced
    n_b, n_c, n_s = N_BUURTEN, census.N_CLASSES, census.N_SEGMENTS
    rows = np.flatnonzero(h["alive"])
    dw = h["dwelling"][rows]
    buurt = d["buurt"][dw].astype(np.intp)
    cls = h["cls"][rows].astype(np.intp)
    cell = buurt * n_c + cls
    fit = fits(cls, h["size"][rows], d["segment"][dw], d["rent"][dw])
    drows = np.flatnonzero(d["alive"])
    dbuurt = d["buurt"][drows].astype(np.intp)
    dcell = dbuurt * n_s + d["segment"][drows]
    woz = d["woz"][drows]
    want = [
        np.bincount(cell, minlength=n_b * n_c).reshape(n_b, n_c),
        np.bincount(buurt, weights=h["size"][rows], minlength=n_b),
        np.bincount(buurt, weights=h["vulnerable"][rows], minlength=n_b),
        np.bincount(buurt, weights=h["moved"][rows] >= year - 1, minlength=n_b),
        np.bincount(cell, weights=fit, minlength=n_b * n_c).reshape(n_b, n_c),
        np.bincount(dcell, minlength=n_b * n_s).reshape(n_b, n_s),
        np.bincount(dcell, weights=d["occupant"][drows] < 0,
                    minlength=n_b * n_s).reshape(n_b, n_s),
        np.bincount(dbuurt, weights=woz, minlength=n_b),
        np.bincount(dbuurt, weights=woz * (d["built"][drows] == 0), minlength=n_b),
    ]
    count_h, count_d = census._count_households, census._count_dwellings
    if not compiled:
        count_h, count_d = count_h.py_func, count_d.py_func
    got = [*count_h(N_ROWS, h["alive"], h["dwelling"], h["cls"], h["size"], h["vulnerable"],
                    h["moved"], year - 1, d["buurt"], d["segment"], d["rent"], n_b),
           *count_d(N_DWELLINGS, d["alive"], d["buurt"], d["segment"], d["occupant"],
                    d["woz"], d["built"], n_b)]
    for g, w in zip(got, want, strict=True):
        assert g.dtype == w.dtype and g.shape == w.shape
        np.testing.assert_array_equal(g, w)  # the WOZ sums too: same order of additions
    assert want[4].sum() > 0 and want[4].sum() < want[0].sum()


@variants(migration._drawn)
def test_leaving_the_region_as_the_numpy_code(fn):
    rng = np.random.default_rng(6)
    h = households(rng)
    h["age"] = np.minimum(h["age"], 150)
    by_age = rng.random(151)
    rows = np.flatnonzero(h["alive"] & (h["dwelling"] >= 0))
    draw = rng.random(rows.size)
    draw[:50] = by_age[h["age"][rows[:50]]]  # a draw equal to the probability: stays
    want = rows[draw < by_age[h["age"][rows]]]
    np.testing.assert_array_equal(fn(N_ROWS, h["alive"], h["dwelling"], h["age"], by_age, draw),
                                  want)
    assert 0 < want.size < rows.size


@variants(prices._stock_and_vacant)
def test_stock_and_vacancy_per_buurt(fn):
    rng = np.random.default_rng(7)
    d = dwellings(rng)
    stock, empty = fn(N_DWELLINGS, d["alive"], d["buurt"], d["occupant"], N_BUURTEN)
    rows = np.flatnonzero(d["alive"])
    buurt = d["buurt"][rows].astype(np.intp)
    np.testing.assert_array_equal(stock, np.bincount(buurt, minlength=N_BUURTEN).astype(float))
    np.testing.assert_array_equal(
        empty, np.bincount(buurt[d["occupant"][rows] < 0], minlength=N_BUURTEN).astype(float))


@variants(prices._count_market_priced)
def test_market_priced_dwellings_per_buurt(fn):
    rng = np.random.default_rng(8)
    d = dwellings(rng)
    rows = rng.integers(0, N_DWELLINGS, 900)
    kept = rows[d["segment"][rows] >= prices.MARKET_PRICED_FROM]
    np.testing.assert_array_equal(
        fn(rows, d["segment"], d["buurt"], N_BUURTEN),
        np.bincount(d["buurt"][kept], minlength=N_BUURTEN).astype(float))


@variants(prices._revalue)
def test_revalue_as_the_numpy_code(fn):
    rng = np.random.default_rng(9)
    d = dwellings(rng)
    year, n = 2030, N_DWELLINGS - 100  # rows beyond n are left alone
    factor_by_buurt = np.exp(rng.uniform(-0.1, 0.1, N_BUURTEN))
    woz, segment = d["woz"].copy(), d["segment"].copy()
    factor = factor_by_buurt[d["buurt"][:n]]
    factor[d["built"][:n] == year] = 1.0
    woz[:n] *= factor
    owned = segment[:n] >= OWN_SEGMENT_START
    segment[:n][owned] = OWN_SEGMENT_START + rules.woz_class(woz[:n][owned])
    free = np.flatnonzero(segment[:n] == prices.S.PRIVATE_FREE)

    got_free, got_factor = fn(n, d["buurt"], d["built"], year, factor_by_buurt, d["woz"],
                              d["segment"])
    np.testing.assert_array_equal(d["woz"], woz)
    np.testing.assert_array_equal(d["segment"], segment)
    np.testing.assert_array_equal(got_free, free)
    np.testing.assert_array_equal(got_factor, factor[free])
    before = OWN_SEGMENT_START + rules.woz_class(d["woz"][:n][owned] / factor[owned])
    assert (segment[:n][owned] != before).any()  # some homes changed price class
