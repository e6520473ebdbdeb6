"""Which dwellings fit which income class ("passende woningen").

The vision reads the share of households in a fitting dwelling per income group. A dwelling
fits a class when its segment is the one the Dutch rules and prices point that class to:
social or cheap private rent for the low incomes (for the lowest class only below the
aftoppingsgrens: passend toewijzen), middle rent and cheaper owner-occupied homes for middle
incomes, the upper WOZ classes and free-sector rent for high incomes.

`BELOW` marks segments cheaper than a class fits: a household there could afford better, and
when the city has nothing better it is the "rising income" the vision sees leave.
"""

import numpy as np

from model import rules
from model.categories import IncomeClass

#               corp_social corp_middle priv_cheap priv_free own_1 own_2 own_3 own_4
FIT = np.array([
    [1, 0, 1, 0, 0, 0, 0, 0],  # low_pt (social rents only up to the aftoppingsgrens)
    [1, 0, 1, 0, 1, 0, 0, 0],  # low_daeb
    [0, 1, 0, 1, 1, 1, 0, 0],  # middle
    [0, 1, 0, 1, 0, 1, 1, 0],  # high_afford
    [0, 0, 0, 1, 0, 0, 1, 1],  # high
], dtype=bool)

BELOW = np.array([
    [0, 0, 0, 0, 0, 0, 0, 0],
    [0, 0, 0, 0, 0, 0, 0, 0],
    [1, 0, 1, 0, 0, 0, 0, 0],
    [1, 0, 1, 0, 1, 0, 0, 0],
    [1, 1, 1, 0, 1, 1, 0, 0],
], dtype=bool)


def fits(cls: np.ndarray, size: np.ndarray, segment: np.ndarray,
         rent: np.ndarray) -> np.ndarray:
    """Whether each household's dwelling fits it (vectorised over pairs). The census counts
    fitting households with the same rule in its compiled loop
    (`model/phases/census.py: _count_households`); a test keeps the two equal."""
    cls = np.asarray(cls, dtype=np.intp)
    ok = np.take(FIT_FLAT, cls * FIT.shape[1] + segment)
    squeezed = (cls == IncomeClass.LOW_PT) & (rent > rules.aftopping_limit(size))
    return ok & ~squeezed


def below(cls: np.ndarray, segment: np.ndarray) -> np.ndarray:
    """Whether each household lives (or would live) below what its income fits."""
    return np.take(BELOW_FLAT, np.asarray(cls, dtype=np.intp) * BELOW.shape[1] + segment)


# Flat tables read with a flat index (class x 8 + segment): faster than 2-D fancy indexing.
FIT_FLAT = FIT.ravel()
BELOW_FLAT = BELOW.ravel()
