"""Stock operations (model/stock.py) and the allocation-rule hook (model/allocation.py):
every operation keeps the invariants, displaced households are never lost, and a rule
plugged into the hook is obeyed by the market."""

import numpy as np
import pytest

from model import SortingModel, allocation, stock
from model.categories import Owner
from model.categories import Segment as S
from model.ledger import EVENT, REASON
from model.phases import policy

SCALE = 0.1


@pytest.fixture
def model():
    # Landlords' splitting off, so each test sees its own stock operation alone.
    return SortingModel(rng=7, scale=SCALE, splitting_rate=0.0)


def step_with(monkeypatch, model, action) -> None:
    """One year with `action(model)` run right after the policy phase."""
    def policy_then_action(m):
        policy.apply(m)
        action(m)
        stock.check(m, displaced_allowed=True)

    phases = model.phases
    model.phases = tuple(policy_then_action if ph is policy.apply else ph for ph in phases)
    model.step()
    model.phases = phases
    stock.check(model)


def corp_rows(model, occupied: bool | None = None) -> np.ndarray:
    d = model.dwellings
    rows = d.rows()
    rows = rows[d.owner[rows] == Owner.CORPORATION]
    if occupied is None:
        return rows
    return rows[(d.occupant[rows] >= 0) == occupied]


def year_events(model, event: str, reason: str | None = None) -> dict[str, np.ndarray]:
    a = model.ledger.arrays(model.year)
    sel = a["event"] == EVENT[event]
    if reason is not None:
        sel &= a["reason"] == REASON[reason]
    return {k: v[sel] for k, v in a.items()}


def test_start_state_passes_the_check(model):
    stock.check(model)


def test_living_rows_of_a_mask_skip_removed_dwellings(monkeypatch, model):
    """Dwellings.living(mask over col[:n_rows]) gives the rows rows()[mask[rows()]] gives."""
    d = model.dwellings
    step_with(monkeypatch, model, lambda m: stock.remove(m, corp_rows(m)[:25], "demolition"))
    corp = d.owner[: d.n_rows] == Owner.CORPORATION
    assert not d.alive[: d.n_rows].all()  # removed rows are still among the first n_rows
    rows = d.rows()
    assert np.array_equal(d.living(corp), rows[corp[rows]])


def test_check_finds_a_broken_stock(model):
    h = model.households
    row = h.rows()[0]
    h.dwelling[row] = h.dwelling[h.rows()[1]]
    with pytest.raises(stock.StockError, match="two households"):
        stock.check(model)


def test_build_adds_vacant_dwellings_with_register_prices(monkeypatch, model):
    before = model.dwellings.count()
    built = {}

    def act(m):
        built["rows"] = stock.build(m, [S.CORP_SOCIAL, S.OWN_3], [0, 5])

    step_with(monkeypatch, model, act)
    d, rows = model.dwellings, built["rows"]
    assert model.dwellings.count() == before + 2
    assert d.segment[rows].tolist() == [S.CORP_SOCIAL, S.OWN_3]
    assert d.owner[rows].tolist() == [Owner.CORPORATION, Owner.OWNER_OCCUPIER]
    assert d.rent[rows[0]] == model.params.new_rent[S.CORP_SOCIAL]
    assert d.woz[rows[1]] == model.params.new_woz[S.OWN_3]
    assert d.buurt[rows].tolist() == [0, 5]
    assert model.city_rows[-1]["built"] == 2


def test_removal_displaces_the_occupants_who_all_end_somewhere(monkeypatch, model):
    picked = {}

    def act(m):
        picked["dwellings"] = stock.pick(m, corp_rows(m, occupied=True), 60)
        picked["households"] = m.households.uid[
            m.dwellings.occupant[picked["dwellings"]]].copy()
        stock.remove(m, picked["dwellings"], "demolition")

    before = model.dwellings.count()
    step_with(monkeypatch, model, act)
    d = model.dwellings
    assert not d.alive[picked["dwellings"]].any()
    row = model.city_rows[-1]
    assert row["demolished"] == 60
    assert row["displaced"] == 60 == row["displaced_demolition"]
    assert d.count() == before - 60 + row["built"]
    # Each displaced household is recorded, then moves, leaves or dissolves: none is lost.
    displaced = set(year_events(model, "displace", "demolition")["household"].tolist())
    assert displaced == set(picked["households"].tolist())
    ended = set()
    for event in ("move", "leave"):
        ended |= set(year_events(model, event, "demolition")["household"].tolist())
    ended |= set(year_events(model, "dissolve")["household"].tolist())
    assert displaced <= ended
    left = set(year_events(model, "leave", "demolition")["household"].tolist())
    died = displaced & set(year_events(model, "dissolve")["household"].tolist())
    assert row["displaced_out_of_city"] == len(left | died)  # out of the city or dissolved
    parts = ("displaced_same_buurt", "displaced_same_wijk", "displaced_elsewhere_city",
             "displaced_out_of_city")
    assert sum(row[c] for c in parts) == row["displaced"]


def test_sale_to_owner_occupiers_waits_for_the_next_letting(monkeypatch, model):
    chosen = {}

    def act(m):
        chosen["occupied"] = stock.pick(m, corp_rows(m, occupied=True), 300)
        chosen["tenants"] = m.dwellings.occupant[chosen["occupied"]].copy()
        chosen["vacant"] = stock.pick(m, corp_rows(m, occupied=False), 5)
        stock.sell(m, np.concatenate([chosen["occupied"], chosen["vacant"]]),
                   Owner.OWNER_OCCUPIER, "bandwidth")

    step_with(monkeypatch, model, act)
    d = model.dwellings
    assert (d.owner[chosen["vacant"]] == Owner.OWNER_OCCUPIER).all()
    assert model.city_rows[-1]["displaced"] == 0
    stayed = d.occupant[chosen["occupied"]] == chosen["tenants"]
    relet = ~stayed & (d.occupant[chosen["occupied"]] >= 0)
    # A sitting tenant keeps its corporation home; one let again this year was sold.
    assert (d.owner[chosen["occupied"][stayed]] == Owner.CORPORATION).all()
    assert (d.pending_segment[chosen["occupied"][stayed]] >= S.OWN_1).all()
    assert relet.any()
    assert (d.owner[chosen["occupied"][relet]] == Owner.OWNER_OCCUPIER).all()
    sold_later = d.owner[chosen["occupied"]] == Owner.OWNER_OCCUPIER
    assert model.city_rows[-1]["sold"] == 5 + int(sold_later.sum())


def test_sale_with_vacant_possession_displaces(monkeypatch, model):
    def act(m):
        stock.sell(m, stock.pick(m, corp_rows(m, occupied=True), 30), Owner.OWNER_OCCUPIER,
                   "bandwidth", vacate=True)

    step_with(monkeypatch, model, act)
    row = model.city_rows[-1]
    assert row["sold"] == 30 and row["displaced"] == 30 == row["displaced_bandwidth"]


def test_relabel_at_next_letting_never_moves_the_tenant(monkeypatch, model):
    chosen = {}

    def act(m):
        social = corp_rows(m, occupied=True)
        social = social[m.dwellings.segment[social] == S.CORP_SOCIAL]
        chosen["rows"] = stock.pick(m, social, 300)
        chosen["tenants"] = m.dwellings.occupant[chosen["rows"]].copy()
        stock.relabel(m, chosen["rows"], S.CORP_MIDDLE, rent=1_000.0, at_next_letting=True)

    step_with(monkeypatch, model, act)
    d = model.dwellings
    assert model.city_rows[-1]["displaced"] == 0
    stayed = d.occupant[chosen["rows"]] == chosen["tenants"]
    assert stayed.any()
    assert (d.segment[chosen["rows"][stayed]] == S.CORP_SOCIAL).all()
    relet = chosen["rows"][~stayed & (d.occupant[chosen["rows"]] >= 0)]
    assert relet.size
    assert (d.segment[relet] == S.CORP_MIDDLE).all() and (d.rent[relet] == 1_000.0).all()


def test_split_makes_units_and_displaces_the_occupant(monkeypatch, model):
    chosen = {}

    def act(m):
        d = m.dwellings
        rows = d.rows()
        big = rows[(d.owner[rows] == Owner.PRIVATE_LANDLORD) & (d.rooms[rows] >= 4)
                   & (d.occupant[rows] >= 0)]
        chosen["rows"] = stock.pick(m, big, 10)
        chosen["units"] = stock.split(m, chosen["rows"], 3, "splitting")

    before = model.dwellings.count()
    step_with(monkeypatch, model, act)
    d, row = model.dwellings, model.city_rows[-1]
    assert row["split"] == 10 and row["displaced_splitting"] == 10
    assert d.count() == before + 20 + row["built"]
    assert (d.rooms[chosen["units"]] == 1).all()
    assert (d.segment[chosen["units"]] == S.PRIVATE_CHEAP).all()


def test_removed_rows_are_reused_only_the_next_year(monkeypatch, model):
    removed = {}

    def act(m):
        removed["rows"] = stock.pick(m, corp_rows(m, occupied=False), 5)
        stock.remove(m, removed["rows"], "demolition")
        new = stock.build(m, np.full(5, S.CORP_SOCIAL), np.zeros(5, dtype=int))
        assert not np.isin(new, removed["rows"]).any()

    step_with(monkeypatch, model, act)
    model.step()
    assert model.dwellings.count() > 0


# --- the allocation-rule hook ---------------------------------------------------------------
class NoneInBuurt(allocation.AllocationRule):
    """A test rule: nobody may take a dwelling in one buurt."""

    lever = "capacity_test"

    def __init__(self, buurt):
        self.buurt = buurt

    def barred(self, model, market):
        return np.ones(market.ch.rows.size, dtype=bool)

    def closed(self, model, market, offered):
        return model.dwellings.buurt[offered] == self.buurt


class KeepOutNewcomers(allocation.AllocationRule):
    lever = "fair_share"

    def screen(self, model, market):
        return market.ch.newcomer.copy()


def test_a_forbidding_rule_is_obeyed_and_its_refusals_counted():
    model = SortingModel(rng=3, scale=SCALE)
    busiest = int(np.argmax(model.census.dwelling_total))
    model.allocation_rules = [NoneInBuurt(busiest)]
    model.step()
    a = model.ledger.arrays(model.year)
    placed = np.isin(a["event"], [EVENT["move"], EVENT["arrive"]])
    assert placed.sum() > 0
    assert not (a["to_buurt"][placed] == busiest).any()
    outcome = allocation.refusal_outcomes(model)["capacity_test"]
    assert outcome["refused"] > 0
    assert outcome["elsewhere"] + outcome["region"] == outcome["refused"]
    assert model.city_rows[-1]["refused_capacity_test"] == outcome["refused"]


def test_a_screening_rule_keeps_newcomers_out():
    model = SortingModel(rng=3, scale=SCALE)
    model.allocation_rules = [KeepOutNewcomers()]
    model.step()
    a = model.ledger.arrays(model.year)
    assert (a["event"] == EVENT["arrive"]).sum() == 0
    refused = a["event"] == EVENT["refuse"]
    assert refused.sum() > 0 and (a["reason"][refused] == REASON["fair_share"]).all()
    stock.check(model)


def test_without_lever_rules_the_market_is_unchanged():
    """An inactive rule costs nothing and changes nothing: same seed, same results."""
    class Inactive(NoneInBuurt):
        def active(self, model):
            return False

    a, b = SortingModel(rng=5, scale=SCALE), SortingModel(rng=5, scale=SCALE)
    b.allocation_rules = [Inactive(0)]
    for m in (a, b):
        m.run_until_year(2027)
    assert a.city_frame().equals(b.city_frame())


def test_a_reused_row_holds_the_fill_values_whether_released_or_recycled(model):
    """A removed dwelling's row (retired, then recycled) and a dropped household's row
    (released) start from the fill values when reused, never from their last ones."""
    for table, hand_back in ((model.dwellings, "retire"), (model.households, "release")):
        rows = table.rows()[:3]
        for name in table.COLUMNS:
            getattr(table, name)[rows] = 1
        getattr(table, hand_back)(rows)
        table.recycle()
        reused = table.allocate(3)
        assert np.array_equal(np.sort(reused), np.sort(rows))
        for name in table.COLUMNS:
            assert (getattr(table, name)[reused] == table.FILL.get(name, 0)).all(), name
