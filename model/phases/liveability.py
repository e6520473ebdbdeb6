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
    """Per-buurt shares of low-income and vulnerable households, recent movers (moved in
    during the last two years) and vacant dwellings, from this year's census."""
    c = model.census
    households = np.maximum(c.household_total, 1)
    return {
        "low": c.households[:, IncomeClass.LOW_PT] / households,
        "vulnerable": c.vulnerable / households,
        "turnover": c.recent_movers / households,
        "vacancy": c.vacant.sum(axis=1) / np.maximum(c.dwelling_total, 1),
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
