"""The compiled passes of the levers (model/levers/), each checked to the bit against the
numpy code it replaced, on random stock tables, compiled and as plain Python; and those of
the stock operations (model/stock.py)."""

from types import SimpleNamespace

import numpy as np
import pytest

from model import stock
from model.categories import Owner
from model.categories import Segment as S
from model.levers import (
    _rows_of,
    bandwidth,
    city_marriage,
    corp_middle,
    demolition,
    programme,
)
from model.state import NO_CHANGE, Dwellings

N_ROWS, N_BUURTEN, N_WIJKEN = 4000, 11, 4


def counts(group, mask, n):
    return np.bincount(group, weights=mask, minlength=n)


def variants(kernel):
    return pytest.mark.parametrize("fn", [kernel, kernel.py_func], ids=["compiled", "python"])


def stock_table(seed: int) -> dict:
    """Dwelling columns with dead rows, vacancies, every owner and changes waiting."""
    rng = np.random.default_rng(seed)
    n = N_ROWS
    segment = rng.integers(0, 8, n).astype(np.int8)
    buurt = np.sort(rng.integers(0, N_BUURTEN, n)).astype(np.int16)  # mostly buurt order
    return dict(
        live=rng.random(n) < 0.9,
        buurt=buurt,
        wijk=(buurt * N_WIJKEN // N_BUURTEN).astype(np.int16),
        owner=rng.integers(0, 3, n).astype(np.int8),
        segment=segment,
        occupant=np.where(rng.random(n) < 0.15, -1, rng.integers(0, 9000, n)),
        pending=np.where(rng.random(n) < 0.2, rng.integers(0, 8, n), NO_CHANGE).astype(np.int8),
    )


@variants(_rows_of)
@pytest.mark.parametrize("owner, wijk, vacant_only", [(0, -1, False), (1, -1, True),
                                                      (0, 2, False), (2, 1, True)])
def test_rows_of_as_the_numpy_masks(fn, owner, wijk, vacant_only):
    t = stock_table(1)
    mask = t["live"] & (t["owner"] == owner) & (t["pending"] == NO_CHANGE)
    if wijk >= 0:
        mask &= t["wijk"] == wijk
    if vacant_only:
        mask &= t["occupant"] < 0
    rows = np.empty(N_ROWS, dtype=np.int64)
    n = fn(t["live"], t["owner"], t["wijk"], t["occupant"], t["pending"], owner, wijk,
           vacant_only, rows)
    assert np.array_equal(rows[:n], np.flatnonzero(mask))


@variants(bandwidth._tally)
def test_bandwidth_tally_as_the_numpy_counts(fn):
    t = stock_table(2)
    live, owner, pending = t["live"], t["owner"], t["pending"]
    is_corp = (owner == Owner.CORPORATION) & ~(pending > S.CORP_MIDDLE)  # a sale counts done
    free = pending == NO_CHANGE
    total, corp, other = np.zeros(N_WIJKEN), np.zeros(N_WIJKEN), np.zeros(N_BUURTEN)
    corp_rows, private_rows = np.empty(N_ROWS, dtype=np.int64), np.empty(N_ROWS, dtype=np.int64)
    n_corp, n_private = fn(live, t["wijk"], t["buurt"], owner, pending, total, corp, other,
                           corp_rows, private_rows)
    np.testing.assert_array_equal(total, counts(t["wijk"], live, N_WIJKEN))
    np.testing.assert_array_equal(corp, counts(t["wijk"], is_corp & live, N_WIJKEN))
    np.testing.assert_array_equal(
        other, counts(t["buurt"], live & (owner != Owner.CORPORATION), N_BUURTEN))
    assert np.array_equal(corp_rows[:n_corp], np.flatnonzero(live & is_corp & free))
    assert np.array_equal(private_rows[:n_private],
                          np.flatnonzero(live & (owner == Owner.PRIVATE_LANDLORD) & free))


@variants(demolition._survey)
def test_demolition_survey_as_the_numpy_masks(fn):
    t = stock_table(3)
    live, buurt, vacant = t["live"], t["buurt"], t["occupant"] < 0
    rented = (live & (vacant | (t["owner"] == Owner.CORPORATION))
              & (t["pending"] == NO_CHANGE))
    rows, odds_class = np.empty(N_ROWS, dtype=np.int64), np.empty(N_ROWS, dtype=np.int64)
    n_vacant, n_all = np.zeros(N_BUURTEN), np.zeros(N_BUURTEN)
    n = fn(live, buurt, t["occupant"], t["owner"], t["pending"], rows, odds_class, n_vacant,
           n_all)
    np.testing.assert_array_equal(n_vacant, np.bincount(buurt, weights=vacant & live,
                                                        minlength=N_BUURTEN))
    np.testing.assert_array_equal(n_all, np.bincount(buurt, weights=live, minlength=N_BUURTEN))
    assert np.array_equal(rows[:n], np.flatnonzero(rented))
    assert np.array_equal(odds_class[:n], 2 * buurt[rented] + vacant[rented])


@variants(demolition._keep_in_buurten)
def test_demolition_keeps_the_candidates_of_the_buurten_in_order(fn):
    rng = np.random.default_rng(4)
    rows = np.sort(rng.choice(10_000, 500, replace=False))
    odds_class = rng.integers(0, 2 * N_BUURTEN, 500)
    for high in (rng.random(N_BUURTEN) < 0.4, np.zeros(N_BUURTEN, dtype=bool)):
        kept = high[odds_class // 2]
        r, c = rows.copy(), odds_class.copy()
        n = fn(r, c, high)
        assert np.array_equal(r[:n], rows[kept]) and np.array_equal(c[:n], odds_class[kept])
        if n == 0:
            assert np.array_equal(r, rows)  # none kept: all left as they were


def test_demolition_log_odds_per_class_are_those_per_dwelling():
    class Model:
        liveability = np.random.default_rng(5).normal(size=N_BUURTEN)

    buurt = np.random.default_rng(6).integers(0, N_BUURTEN, 3000)
    vacant = np.random.default_rng(7).random(3000) < 0.3
    weight = (np.where(vacant, demolition.VACANT_ODDS, 1.0)
              * np.exp(-Model.liveability[buurt]))
    want = np.log(np.maximum(weight, 1e-300))
    got = demolition.log_odds(Model)[2 * buurt + vacant]
    assert np.array_equal(got.view(np.int64), want.view(np.int64))


@variants(corp_middle._tally)
def test_corp_middle_tally_as_the_numpy_masks(fn):
    t = stock_table(8)
    corp = np.flatnonzero(t["live"] & (t["owner"] == Owner.CORPORATION))
    seg, pend = t["segment"][corp], t["pending"][corp]
    middle = (seg == S.CORP_MIDDLE) | (pend == S.CORP_MIDDLE)
    social = corp[(seg == S.CORP_SOCIAL) & (pend == NO_CHANGE)]
    candidates = np.empty(N_ROWS, dtype=np.int64)
    n_corp, n_middle, n_social = fn(t["live"], t["owner"], t["segment"], t["pending"],
                                    candidates)
    assert (n_corp, n_middle) == (corp.size, middle.sum())
    assert np.array_equal(candidates[:n_social], social)


@variants(city_marriage._count_other)
def test_city_marriage_counts_the_other_dwellings_of_the_wijk(fn):
    t = stock_table(9)
    other = np.zeros(N_BUURTEN)
    fn(t["live"], t["wijk"], t["buurt"], t["owner"], 2, other)
    mask = t["live"] & (t["owner"] != Owner.CORPORATION)
    want = np.bincount(t["buurt"], weights=mask, minlength=N_BUURTEN)
    in_wijk = np.isin(np.arange(N_BUURTEN), t["buurt"][t["wijk"] == 2])
    np.testing.assert_array_equal(other, np.where(in_wijk, want, 0.0))


def test_bandwidth_buurten_as_choice_wijk_by_wijk():
    """All wijken cumulated at once give the numbers of the loop over wijken it replaced."""
    class City:
        n_buurten = 40
        buurt_wijk = np.sort(np.random.default_rng(10).integers(0, 7, 40))

    class Model:
        city = City

    for seed in range(50):
        rng = np.random.default_rng(seed)
        n = np.where(rng.random(7) < 0.6, rng.integers(1, 9, 7), 0)
        weight = rng.random(40) * 100 + 1e-9
        Model.rng = np.random.default_rng(seed)
        got = bandwidth._buurten(Model, n, weight)
        old_rng = np.random.default_rng(seed)
        wijken = np.flatnonzero(n > 0)
        uniform = old_rng.random(int(n[wijken].sum())) if wijken.size else None
        want, end = [], 0
        for w in wijken:
            p = np.where(City.buurt_wijk == w, weight, 0.0)
            cdf = (p / p.sum()).cumsum()
            cdf /= cdf[-1]
            want.append(cdf.searchsorted(uniform[end:end + n[w]], side="right"))
            end += n[w]
        assert np.array_equal(got, np.concatenate(want) if want else np.zeros(0, dtype=int))


@variants(programme._count_per_buurt)
def test_programme_counts_per_buurt_and_segment_as_bincount(fn):
    t = stock_table(11)
    per_buurt = np.zeros((N_BUURTEN, 8))
    fn(t["live"], t["buurt"], t["segment"], per_buurt)
    cell = t["buurt"].astype(np.int64) * 8 + t["segment"]
    want = counts(cell, t["live"], N_BUURTEN * 8).reshape(N_BUURTEN, 8)
    np.testing.assert_array_equal(per_buurt, want)


@variants(bandwidth._look_up)
def test_bandwidth_look_up_as_searchsorted(fn):
    rng = np.random.default_rng(12)
    cdf = np.sort(rng.random((6, 30)), axis=1)
    cdf[:, 3:6] = cdf[:, 3:4]  # equal entries (buurten of no weight)
    cdf[:, -1] = 1.0
    row = rng.integers(0, 6, 2000)
    uniform = np.where(rng.random(2000) < 0.1, cdf[row, 4], rng.random(2000))  # ties too
    where = np.empty(2000, dtype=np.int64)
    fn(cdf, row, uniform, where)
    want = [np.searchsorted(cdf[r], u, side="right") for r, u in zip(row, uniform, strict=True)]
    assert where.tolist() == want


# --- the compiled passes of the stock operations (model/stock.py) -------------------------
def dwelling_columns(seed: int) -> dict:
    """The columns a change of segment writes, on a random table."""
    rng = np.random.default_rng(seed)
    n = N_ROWS
    return dict(segment=rng.integers(0, 8, n).astype(np.int8),
                owner=rng.integers(0, 3, n).astype(np.int8),
                rent=rng.uniform(300, 1500, n), woz=rng.uniform(8e4, 6e5, n),
                cost=rng.uniform(0, 2e4, n),
                pending_segment=np.where(rng.random(n) < 0.3, rng.integers(0, 8, n),
                                         NO_CHANGE).astype(np.int8),
                pending_rent=rng.uniform(300, 1500, n),
                pending_kind=rng.integers(0, 4, n).astype(np.int8))


@variants(stock._change_segments)
def test_segment_change_as_the_numpy_columns(fn):
    rng = np.random.default_rng(11)
    c, rate = dwelling_columns(11), 0.0437
    rows = rng.choice(N_ROWS, 700, replace=False)
    segments = rng.integers(0, 8, rows.size).astype(np.int8)
    rent = rng.uniform(300, 1500, rows.size)
    want = {k: v.copy() for k, v in c.items()}
    want["segment"][rows] = segments
    want["owner"][rows] = stock.SEGMENT_OWNER_ARRAY[segments]
    want["rent"][rows] = np.where(want["owner"][rows] == Owner.OWNER_OCCUPIER, 0.0, rent)
    want["pending_segment"][rows] = NO_CHANGE
    owned = want["segment"][rows] >= 4
    want["cost"][rows] = np.where(owned, want["woz"][rows] * rate, want["rent"][rows] * 12.0)
    fn(rows, segments, rent, c["segment"], c["owner"], c["rent"], c["pending_segment"])
    # ... then _set_segment sets the cost with the one rule of the asking cost:
    c["cost"][rows] = Dwellings.asking_cost(SimpleNamespace(**c), rows, rate)
    for name in want:
        assert np.array_equal(c[name].view(np.uint8), want[name].view(np.uint8)), name


@variants(stock._waiting)
def test_waiting_changes_as_the_numpy_mask_and_counts(fn):
    c = dwelling_columns(12)
    vacant = np.sort(np.random.default_rng(12).choice(N_ROWS, 900, replace=False))
    rows, done = np.empty(vacant.size, dtype=np.int64), np.zeros(4, dtype=np.int64)
    n = fn(vacant, c["pending_segment"], c["pending_kind"], rows, done)
    want = vacant[c["pending_segment"][vacant] != NO_CHANGE]
    assert np.array_equal(rows[:n], want)
    assert np.array_equal(done, np.bincount(c["pending_kind"][want], minlength=4))
