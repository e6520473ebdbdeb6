"""The year's indicators: one row for city.csv, one per wijk for wijken.csv, one per buurt.

Everything is computed from the year's census (count tables per buurt, summed to wijken and
the city) and this year's ledger entries, through the pure functions of `model.metrics`.
The start state is recorded as the first year, with zero flows.
"""

from functools import cache

import numpy as np

from model import allocation, metrics, stock
from model.categories import INCOME_CLASSES, SEGMENT_OWNER, SEGMENTS, Owner
from model.ledger import EVENT, REASON
from model.phases.census import to_wijken

N_CLASSES = len(INCOME_CLASSES)
MIN_WIJK_DWELLINGS = 100  # the vision's band is read for wijken of at least this size
CORPORATION_SEGMENTS = [s for s, o in enumerate(SEGMENT_OWNER) if o == Owner.CORPORATION]


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
                            # (a household formed from a displaced one has no home wijk)
                            ("out_outside", leave & (a["from_wijk"] >= 0), a["from_wijk"]),
                            ("in_city", between & (a["from_wijk"] >= 0), a["to_wijk"]),
                            ("out_city", between & (a["from_wijk"] >= 0), a["from_wijk"])):
        out[name] = np.bincount(wijk[sel], minlength=n_wijken)
        out[f"persons_{name}"] = np.bincount(wijk[sel], weights=size[sel], minlength=n_wijken)
    return out, a


def _stock_and_displacement(model, city_row: dict) -> dict:
    """Changes of the stock this year, the households levers displaced (where they went,
    whether they pay more, per lever) and the households levers' rules refused."""
    f = model.flows
    row = {"vacancy": city_row["vacant_dwellings"] / max(city_row["dwellings"], 1)}
    for name in STOCK_COUNTERS:
        row[name] = int(getattr(f, name)) if f is not None else 0
    row["built_outside"] = int(sum(f.built_outside.values())) if f is not None else 0
    out = stock.displacement_outcomes(model) if f is not None else None
    n = 0 if out is None else out["reason"].size
    row["displaced"] = n
    for where in ("same_buurt", "same_wijk", "elsewhere_city", "out_of_city", "cost_up"):
        row[f"displaced_{where}"] = int(out[where].sum()) if n else 0
    for lever in DISPLACING:
        row[f"displaced_{lever}"] = int((out["reason"] == REASON[lever]).sum()) if n else 0
    # Displaced by a city marriage who left the city: housed in the partner municipality, as
    # far as it added dwellings this year.
    left = int((out["out_of_city"] & (out["reason"] == REASON["city_marriage"])).sum()) if n else 0
    row["displaced_to_partner"] = min(left, row["built_outside"])
    refusals = allocation.refusal_outcomes(model) if f is not None else {}
    for lever in REFUSING:
        got = refusals.get(lever, {"refused": 0, "region": 0})
        row[f"refused_{lever}"] = got["refused"]
        row[f"refused_{lever}_to_region"] = got["region"]
    return row


def _lever_effects(model, ledger: dict) -> dict:
    """What the levers' tests read: vulnerable in-movers, placements of vulnerable
    households in buurten failing the capacity test (whether or not it is enforced), the
    highest buurt vulnerable share, lettings of new and reserved dwellings to their target
    groups."""
    c, f, p = model.census, model.flows, model.params
    event = ledger["event"]
    vulnerable = ledger["vulnerable"].astype(bool)
    placed = (event == EVENT["arrive"]) | (event == EVENT["move"])
    to_buurt = np.maximum(ledger["to_buurt"], 0)
    failing = model.capacity_failing[to_buurt] & (ledger["to_buurt"] >= 0)
    households = c.household_total
    counted = households >= MIN_BUURT_HOUSEHOLDS * p.scale
    shares = c.vulnerable / np.maximum(households, 1)

    def share(part, whole):
        return part / whole if whole else 1.0

    return {
        "in_vulnerable": int(((event == EVENT["arrive"]) & vulnerable).sum()),
        "capacity_failing_buurten": int(model.capacity_failing.sum()),
        "vulnerable_placed_failing": int((placed & vulnerable & failing).sum()),
        "max_buurt_vulnerable_share": float(shares[counted].max()) if counted.any() else 0.0,
        "new_lettings": f.new_lettings if f is not None else 0,
        "new_lettings_target_share": share(f.new_lettings_in_group, f.new_lettings)
        if f is not None else 1.0,
        "regulated_lettings": f.regulated_lettings if f is not None else 0,
        "regulated_lettings_target_share": share(f.regulated_lettings_in_group,
                                                 f.regulated_lettings)
        if f is not None else 1.0,
    }


MIN_BUURT_HOUSEHOLDS = 50  # buurten read for the highest vulnerable share (real households)
# Output columns of the stock and displacement block (a fixed schema, whatever is active).
STOCK_COUNTERS = ("demolished", "sold", "acquired", "relabelled", "renovated", "split",
                  "split_units")
DISPLACING = ("bandwidth", "demolition", "city_marriage", "splitting", "stock_change")
REFUSING = ("capacity_test", "fair_share", "local_binding", "selective_allocation",
            "target_group")


def record(model) -> None:
    """Append this year's rows to model.city_rows (a dict) and model.wijk_rows and
    model.buurt_rows (dicts of per-area arrays), from this year's census and ledger."""
    city, census = model.city, model.census
    h = model.households
    buurt_cls = census.households
    wijk_cls = to_wijken(city, buurt_cls).astype(np.int64)
    hh_b, hh_w = buurt_cls.sum(axis=1), wijk_cls.sum(axis=1)
    dwellings_b = census.dwellings.sum(axis=1)
    corp_b = census.dwellings[:, CORPORATION_SEGMENTS].sum(axis=1)
    vacant_b = census.vacant.sum(axis=1)
    dwellings_w = to_wijken(city, dwellings_b).astype(np.int64)
    corp_share_w = metrics.share(to_wijken(city, corp_b), dwellings_w)
    low_share_w = metrics.share(wijk_cls[:, 0], hh_w)
    vulnerable_w = to_wijken(city, census.vulnerable)
    persons_w = to_wijken(city, census.persons)

    # Moran's I of the low-income share over the wijken with at least 100 dwellings (in the
    # real city: a tenth-size run counts wijken of 10 simulated dwellings).
    min_dwellings = MIN_WIJK_DWELLINGS * model.params.scale
    big = dwellings_w >= min_dwellings
    moran = metrics.morans_i(low_share_w[big], _wijk_weights(city, big))

    flows, ledger = _flows_by_wijk(model, city.n_wijken)
    event = ledger["event"]
    alive = h.alive[: h.n_rows]  # counted on the columns whole, no gather of the living rows
    living = int(np.count_nonzero(alive))
    moved_this_year = (int(np.count_nonzero(alive & (h.moved[: h.n_rows] == model.year)))
                       if model.steps > 0 else 0)
    seg_total = census.dwellings.sum(axis=0)
    seg_vacant = census.vacant.sum(axis=0)
    class_total = buurt_cls.sum(axis=0)
    fit_total = census.fitting.sum(axis=0)

    row = {
        "year": model.year,
        "households": int(hh_b.sum()),
        "inhabitants": int(census.persons.sum()),
        "dwellings": int(dwellings_b.sum()),
        "vacant_dwellings": int(vacant_b.sum()),
        "corp_share": float(corp_b.sum() / dwellings_b.sum()),
        "wijken_in_band": metrics.count_in_band(corp_share_w, dwellings_w,
                                                low=model.params.bandwidth_low,
                                                high=model.params.bandwidth_high,
                                                min_size=min_dwellings),
        "dissimilarity": metrics.dissimilarity(wijk_cls[:, :2].sum(1), wijk_cls[:, 3:].sum(1)),
        "theil_h": metrics.theil_h(wijk_cls),
        "isolation_low": metrics.isolation(wijk_cls[:, 0], hh_w),
        "moran_low": moran,
        "dissimilarity_buurt": metrics.dissimilarity(buurt_cls[:, :2].sum(1),
                                                     buurt_cls[:, 3:].sum(1)),
        "theil_h_buurt": metrics.theil_h(buurt_cls),
        "isolation_low_buurt": metrics.isolation(buurt_cls[:, 0], hh_b),
        "vulnerable_share": float(census.vulnerable.sum() / hh_b.sum()),
    }
    for c, name in enumerate(INCOME_CLASSES):
        row[f"hh_{name}"] = int(class_total[c])
    for e, prefix in (("arrive", "in"), ("leave", "out")):
        counts = np.bincount(ledger["income_class"][event == EVENT[e]], minlength=N_CLASSES)
        for c, name in enumerate(INCOME_CLASSES):
            row[f"{prefix}_{name}"] = int(counts[c])
    events = np.bincount(event, minlength=len(EVENT))  # entries per event
    row["in_total"] = int(events[EVENT["arrive"]])
    row["out_total"] = int(events[EVENT["leave"]])
    row["moves_within"] = int(events[EVENT["move"]])
    row["formed"] = int(events[EVENT["form"]])
    row["dissolved"] = int(events[EVENT["dissolve"]])
    row["unmet_demand"] = int(model.flows.unmet_demand)
    row["unplaced_searches"] = int(events[EVENT["unplaced"]])
    row["built"] = int(model.flows.built)
    f = model.flows
    row["corp_lettings"] = f.corp_lettings
    row["corp_lettings_daeb_share"] = (
        1.0 - f.corp_lettings_above_daeb / f.corp_lettings if f.corp_lettings else 1.0)
    row["corp_lettings_passend_share"] = (
        f.corp_lettings_passend_ok / f.corp_lettings_passend if f.corp_lettings_passend
        else 1.0)
    row["moving_rate"] = moved_this_year / max(living, 1)
    for s, name in enumerate(SEGMENTS):
        row[f"dwellings_{name}"] = int(seg_total[s])
        row[f"vacancy_{name}"] = float(seg_vacant[s] / seg_total[s]) if seg_total[s] else 0.0
    for c, name in enumerate(INCOME_CLASSES):
        row[f"fit_{name}"] = float(fit_total[c] / class_total[c]) if class_total[c] else 0.0
    row.update(_stock_and_displacement(model, row))
    row.update(_lever_effects(model, ledger))
    values = _values(model, census, dwellings_b)
    row.update(values["city"])
    model.city_rows.append(row)

    live_w = to_wijken(city, model.liveability * hh_b)
    model.wijk_rows.append({
        "year": np.full(city.n_wijken, model.year),
        "wijk_code": city.wijk_codes,
        "wijk_name": city.wijk_names,
        "dwellings": dwellings_w,
        "households": hh_w,
        "inhabitants": persons_w.astype(np.int64),
        "vacant_dwellings": to_wijken(city, vacant_b).astype(np.int64),
        "corp_share": corp_share_w,
        "low_income_share": low_share_w,
        "vulnerable_share": metrics.share(vulnerable_w, hh_w),
        "liveability": metrics.share(live_w, hh_w),
        **{f"hh_{name}": wijk_cls[:, c] for c, name in enumerate(INCOME_CLASSES)},
        **{name: values.astype(np.int64) for name, values in flows.items()},
        **values["wijk"],
    })
    model.buurt_rows.append({
        "year": np.full(city.n_buurten, model.year),
        "buurt_code": city.buurt_codes,
        "buurt_name": city.buurt_names,
        "wijk_code": city.wijk_codes[city.buurt_wijk],
        "dwellings": dwellings_b,
        "households": hh_b,
        "inhabitants": census.persons.astype(np.int64),
        "vacant_dwellings": vacant_b.astype(np.int64),
        "corp_share": metrics.share(corp_b, dwellings_b),
        "low_income_share": metrics.share(buurt_cls[:, 0], hh_b),
        "vulnerable_share": metrics.share(census.vulnerable, hh_b),
        "liveability": model.liveability.copy(),
        **{f"hh_{name}": buurt_cls[:, c] for c, name in enumerate(INCOME_CLASSES)},
        **values["buurt"],
    })


def _values(model, census, dwellings_b: np.ndarray) -> dict[str, dict]:
    """Real-estate value (2024 euros) for city, wijk and buurt rows: the mean WOZ value of
    a dwelling and the stock's total value; the city also the value of the dwellings that
    stood at the start (what prices alone did to it), the buurt its price index."""
    city = model.city
    total_b = census.woz_total
    total_w = to_wijken(city, total_b)
    dwellings_w = to_wijken(city, dwellings_b)
    return {
        "city": {"mean_woz": float(total_b.sum() / max(dwellings_b.sum(), 1)),
                 "stock_value": float(total_b.sum()),
                 "stock_value_existing": float(census.woz_total_existing.sum())},
        "wijk": {"mean_woz": metrics.share(total_w, dwellings_w), "stock_value": total_w},
        "buurt": {"mean_woz": metrics.share(total_b, dwellings_b), "stock_value": total_b,
                  "price_index": model.prices.index},
    }
