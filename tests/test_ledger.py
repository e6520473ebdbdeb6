"""The ledger (model/ledger.py): what a phase records is what it reads back, per year and
whole, whatever the order of the years and however often the columns had to grow."""

from types import SimpleNamespace

import numpy as np

from model.ledger import EVENT, FIELDS, OUTSIDE, REASON, Ledger
from model.state import Dwellings, Households


def small_model():
    h, d = Households(capacity=8), Dwellings(capacity=8)
    hr, dr = h.allocate(6), d.allocate(4)
    h.uid[hr] = np.arange(100, 106)
    h.cls[hr] = [0, 1, 2, 3, 4, 0]
    h.size[hr] = [1, 2, 3, 4, 5, 6]
    h.vulnerable[hr] = [True, False, False, True, False, False]
    d.buurt[dr], d.wijk[dr], d.segment[dr] = [5, 6, 7, 8], [1, 1, 2, 2], [0, 3, 4, 7]
    return SimpleNamespace(households=h, dwellings=d, year=2030)


def test_entries_read_back_per_year_and_whole_across_growth():
    model, ledger = small_model(), Ledger(capacity=2)  # grows on the first batch
    ledger.record(model, "move", "crowded", [0, 1], from_dwelling=[0, 1], to_dwelling=[2, -1])
    model.year = 2031
    ledger.record(model, "arrive", np.array([REASON["in_migration"]] * 3), [2, 3, 4],
                  to_dwelling=[3, 0, 1])
    model.year = 2030  # a year recorded again after another: both parts are its entries
    ledger.record(model, "leave", "death", [5])
    ledger.record(model, "form", "separation", [])  # nothing to log

    a = ledger.arrays(2030)
    assert a["household"].tolist() == [100, 101, 105]
    assert a["event"].tolist() == [EVENT["move"]] * 2 + [EVENT["leave"]]
    assert a["to_buurt"].tolist() == [7, OUTSIDE, OUTSIDE]
    assert a["from_segment"].tolist() == [0, 3, OUTSIDE]
    b = ledger.arrays(2031)
    assert b["to_wijk"].tolist() == [2, 1, 1] and b["size"].tolist() == [3, 4, 5]
    assert b["vulnerable"].tolist() == [False, True, False]
    whole = ledger.arrays()
    assert len(ledger) == 6 and whole["year"].tolist() == [2030, 2030, 2031, 2031, 2031, 2030]
    assert list(whole) == list(FIELDS)
    assert ledger.arrays(2040)["year"].size == 0
    a["household"][:] = 0  # a copy: reading cannot change the ledger
    assert ledger.arrays(2030)["household"].tolist() == [100, 101, 105]
