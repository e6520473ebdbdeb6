"""Liveability: a Leefbarometer-like score per buurt that responds to who lives there.

Like the Leefbarometer, the score is a deviation from a reference, in standard-deviation
units (0 = the city's average buurt, positive = better). It has two parts:
- a fixed part for the dwellings and surroundings, read from the buurt's WOZ level at the
  start (Leefbarometer's 'woningvoorraad' and 'fysieke omgeving' dimensions);
- a social part that falls with the share of low-income households, the share of vulnerable
  households, resident turnover and vacancy, each measured against the city mean (the
  dimensions 'bewoners', 'overlast en onveiligheid' and 'sociale samenhang').
Each year the score moves part of the way (`liveability_adjustment`) toward what the current
composition implies, so a buurt changes slowly, as the real index does.
"""

import numpy as np

from model.categories import IncomeClass


def _composition(model) -> dict[str, np.ndarray]:
    """Per-buurt shares of low-income and vulnerable households, turnover and vacancy."""
    h, d = model.households, model.dwellings
    n_b = model.city.n_buurten
    hrows = h.rows()
    buurt = d.buurt[h.dwelling[hrows]].astype(np.int64)
    households = np.maximum(np.bincount(buurt, minlength=n_b), 1)
    drows = d.rows()
    d_buurt = d.buurt[drows].astype(np.int64)
    dwellings = np.maximum(np.bincount(d_buurt, minlength=n_b), 1)
    return {
        "low": np.bincount(buurt, weights=h.cls[hrows] == IncomeClass.LOW_PT,
                           minlength=n_b) / households,
        "vulnerable": np.bincount(buurt, weights=h.vulnerable[hrows], minlength=n_b) / households,
        "turnover": np.bincount(buurt, weights=h.moved[hrows] >= model.year - 1,
                                minlength=n_b) / households,
        "vacancy": np.bincount(d_buurt, weights=d.occupant[drows] < 0,
                               minlength=n_b) / dwellings,
        "weight": households,
    }


def _social_part(model) -> np.ndarray:
    """What the present composition implies for each buurt, relative to the city mean."""
    p = model.params
    c = _composition(model)
    score = np.zeros(model.city.n_buurten)
    for key, weight in (("low", p.liveability_weight_low_income),
                        ("vulnerable", p.liveability_weight_vulnerable),
                        ("turnover", p.liveability_weight_turnover),
                        ("vacancy", p.liveability_weight_vacancy)):
        score -= weight * (c[key] - np.average(c[key], weights=c["weight"]))
    return score


def initial(model) -> np.ndarray:
    """Start scores: the fixed physical part (standardised log WOZ) plus the social part."""
    woz = np.log(model.city.buurten["woz_2019_keur"].to_numpy(float))
    model.liveability_fixed = (woz - woz.mean()) / woz.std()
    return model.liveability_fixed + _social_part(model)


def update(model) -> None:
    """Move each buurt's score part of the way toward what its composition now implies."""
    target = model.liveability_fixed + _social_part(model)
    rate = model.params.liveability_adjustment
    model.liveability = (1 - rate) * model.liveability + rate * target
