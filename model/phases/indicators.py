"""The year's indicators: one row for city.csv, one per wijk for wijken.csv, one per buurt.

Everything is computed from count tables (area x income class, area x segment) built with
`np.bincount`, and from this year's ledger entries, through the pure functions of
`model.metrics`. The start state is recorded as the first year, with zero flows.
"""

from functools import cache

import numpy as np

from model import metrics
from model.categories import INCOME_CLASSES, SEGMENTS, Owner
from model.fit import fits
from model.ledger import EVENT

N_CLASSES = len(INCOME_CLASSES)


def _table(index: np.ndarray, cls: np.ndarray, n_units: int, n_groups: int) -> np.ndarray:
    """Units x groups count table from two code arrays."""
    flat = np.bincount(index * n_groups + cls, minlength=n_units * n_groups)
    return flat.reshape(n_units, n_groups)


@cache
def _adjacency(city, big: tuple) -> np.ndarray:
    codes = list(city.wijk_codes[np.asarray(big)])
    return metrics.adjacency_matrix(city.wijk_graph, codes)


def _wijk_weights(city, big: np.ndarray) -> np.ndarray:
    """Adjacency among the wijken in `big` (cached: the set rarely changes)."""
    return _adjacency(city, tuple(big.tolist()))


def _flows_by_wijk(model, n_wijken: int) -> dict[str, np.ndarray]:
    """Households (and persons) moving in and out of each wijk this year, from the ledger."""
    a = model.ledger.arrays(model.year)
    event, size = a["event"], a["size"].astype(np.float64)
    out = {}
    arrive, leave, move = (event == EVENT[e] for e in ("arrive", "leave", "move"))
    between = move & (a["from_wijk"] != a["to_wijk"])
    for name, sel, wijk in (("in_outside", arrive, a["to_wijk"]),
                            ("out_outside", leave, a["from_wijk"]),
                            ("in_city", between & (a["from_wijk"] >= 0), a["to_wijk"]),
                            ("out_city", between & (a["from_wijk"] >= 0), a["from_wijk"])):
        out[name] = np.bincount(wijk[sel], minlength=n_wijken)
        out[f"persons_{name}"] = np.bincount(wijk[sel], weights=size[sel], minlength=n_wijken)
    return out, a


def record(model) -> None:
    """Append this year's rows to model.city_rows (a dict) and model.wijk_rows and
    model.buurt_rows (dicts of per-area arrays)."""
    h, d, city = model.households, model.dwellings, model.city
    hrows = h.rows()
    drows = d.rows()
    n_w, n_b = city.n_wijken, city.n_buurten
    hd = h.dwelling[hrows]
    cls = h.cls[hrows].astype(np.int64)
    size = h.size[hrows].astype(np.float64)
    h_wijk = d.wijk[hd].astype(np.int64)
    h_buurt = d.buurt[hd].astype(np.int64)
    wijk_cls = _table(h_wijk, cls, n_w, N_CLASSES)
    buurt_cls = _table(h_buurt, cls, n_b, N_CLASSES)

    d_wijk = d.wijk[drows].astype(np.int64)
    d_buurt = d.buurt[drows].astype(np.int64)
    corp = d.owner[drows] == Owner.CORPORATION
    vacant = d.occupant[drows] < 0
    dwellings_w = np.bincount(d_wijk, minlength=n_w)
    corp_w = np.bincount(d_wijk, weights=corp, minlength=n_w)
    corp_share_w = metrics.share(corp_w, dwellings_w)
    hh_w = wijk_cls.sum(axis=1)
    low_share_w = metrics.share(wijk_cls[:, 0], hh_w)
    vulnerable_w = np.bincount(h_wijk, weights=h.vulnerable[hrows], minlength=n_w)
    persons_w = np.bincount(h_wijk, weights=size, minlength=n_w)

    # Moran's I of the low-income share over the wijken with at least 100 dwellings.
    big = dwellings_w >= 100
    moran = metrics.morans_i(low_share_w[big], _wijk_weights(city, big))

    flows, ledger = _flows_by_wijk(model, n_w)
    event = ledger["event"]
    year = model.year
    moved_this_year = (h.moved[hrows] == year).sum() if model.steps > 0 else 0

    row = {
        "year": year,
        "households": int(hrows.size),
        "inhabitants": int(size.sum()),
        "dwellings": int(drows.size),
        "vacant_dwellings": int(vacant.sum()),
        "corp_share": float(corp.mean()),
        "wijken_in_band": metrics.count_in_band(corp_share_w, dwellings_w),
        "dissimilarity": metrics.dissimilarity(wijk_cls[:, :2].sum(1), wijk_cls[:, 3:].sum(1)),
        "theil_h": metrics.theil_h(wijk_cls),
        "isolation_low": metrics.isolation(wijk_cls[:, 0], hh_w),
        "moran_low": moran,
        "dissimilarity_buurt": metrics.dissimilarity(buurt_cls[:, :2].sum(1),
                                                     buurt_cls[:, 3:].sum(1)),
        "theil_h_buurt": metrics.theil_h(buurt_cls),
        "isolation_low_buurt": metrics.isolation(buurt_cls[:, 0], buurt_cls.sum(1)),
        "vulnerable_share": float(h.vulnerable[hrows].mean()),
    }
    for c, name in enumerate(INCOME_CLASSES):
        row[f"hh_{name}"] = int(wijk_cls[:, c].sum())
    for e, prefix in (("arrive", "in"), ("leave", "out")):
        counts = np.bincount(ledger["income_class"][event == EVENT[e]], minlength=N_CLASSES)
        for c, name in enumerate(INCOME_CLASSES):
            row[f"{prefix}_{name}"] = int(counts[c])
    row["in_total"] = int((event == EVENT["arrive"]).sum())
    row["out_total"] = int((event == EVENT["leave"]).sum())
    row["moves_within"] = int((event == EVENT["move"]).sum())
    row["formed"] = int((event == EVENT["form"]).sum())
    row["dissolved"] = int((event == EVENT["dissolve"]).sum())
    row["unmet_demand"] = int(model.unmet_demand)
    row["unplaced_searches"] = int((event == EVENT["unplaced"]).sum())
    row["built"] = int(model.flows.built)
    f = model.flows
    row["corp_lettings"] = f.corp_lettings
    row["corp_lettings_daeb_share"] = (
        1.0 - f.corp_lettings_above_daeb / f.corp_lettings if f.corp_lettings else 1.0)
    row["corp_lettings_passend_share"] = (
        f.corp_lettings_passend_ok / f.corp_lettings_passend if f.corp_lettings_passend
        else 1.0)
    row["moving_rate"] = float(moved_this_year / max(hrows.size, 1))
    seg = d.segment[drows].astype(np.int64)
    seg_total = np.bincount(seg, minlength=len(SEGMENTS))
    seg_vacant = np.bincount(seg, weights=vacant, minlength=len(SEGMENTS))
    for s, name in enumerate(SEGMENTS):
        row[f"dwellings_{name}"] = int(seg_total[s])
        row[f"vacancy_{name}"] = float(seg_vacant[s] / seg_total[s]) if seg_total[s] else 0.0
    fitting = fits(cls, h.size[hrows], d.segment[hd], d.rent[hd])
    fit_counts = np.bincount(cls, weights=fitting, minlength=N_CLASSES)
    class_counts = np.bincount(cls, minlength=N_CLASSES)
    for c, name in enumerate(INCOME_CLASSES):
        row[f"fit_{name}"] = float(fit_counts[c] / class_counts[c]) if class_counts[c] else 0.0
    model.city_rows.append(row)

    vacant_w = np.bincount(d_wijk, weights=vacant, minlength=n_w)
    live_w = np.bincount(city.buurt_wijk, weights=model.liveability
                         * np.bincount(h_buurt, minlength=n_b), minlength=n_w)
    model.wijk_rows.append({
        "year": np.full(n_w, year),
        "wijk_code": city.wijk_codes,
        "wijk_name": city.wijk_names,
        "dwellings": dwellings_w,
        "households": hh_w,
        "inhabitants": persons_w.astype(np.int64),
        "vacant_dwellings": vacant_w.astype(np.int64),
        "corp_share": corp_share_w,
        "low_income_share": low_share_w,
        "vulnerable_share": metrics.share(vulnerable_w, hh_w),
        "liveability": metrics.share(live_w, hh_w),
        **{f"hh_{name}": wijk_cls[:, c] for c, name in enumerate(INCOME_CLASSES)},
        **{name: values.astype(np.int64) for name, values in flows.items()},
    })

    hh_b = buurt_cls.sum(axis=1)
    dwellings_b = np.bincount(d_buurt, minlength=n_b)
    corp_b = np.bincount(d_buurt, weights=corp, minlength=n_b)
    vulnerable_b = np.bincount(h_buurt, weights=h.vulnerable[hrows], minlength=n_b)
    model.buurt_rows.append({
        "year": np.full(n_b, year),
        "buurt_code": city.buurt_codes,
        "wijk_code": city.wijk_codes[city.buurt_wijk],
        "dwellings": dwellings_b,
        "households": hh_b,
        "corp_share": metrics.share(corp_b, dwellings_b),
        "low_income_share": metrics.share(buurt_cls[:, 0], hh_b),
        "vulnerable_share": metrics.share(vulnerable_b, hh_b),
        "liveability": model.liveability.copy(),
        **{f"hh_{name}": buurt_cls[:, c] for c, name in enumerate(INCOME_CLASSES)},
    })
