"""Dutch income and rent limits, and the rules built on them.

The model counts money in 2024 euros: incomes, rents and values are real, so the nationally
indexed limits stay at their 2024 levels for the whole run. Every figure names its source
(see ../shared/brief/POLICY_RULES.md, section 1, and the vision's Table 1).

Every function here works on whole numpy arrays, so the market can test thousands of
households against thousands of dwellings at once.
"""

import numpy as np

# --- Income limits, gross yearly household income (Aedes 2024; Woonbond 2024; vision Table 1) ---
PASSEND_LIMIT_SINGLE = 27_725.0  # passend toewijzen, one person below AOW age
PASSEND_LIMIT_MULTI = 37_625.0  # passend toewijzen, two or more persons
DAEB_LIMIT_SINGLE = 47_699.0  # DAEB target group, one person
DAEB_LIMIT_MULTI = 52_671.0  # DAEB target group, two or more persons
MIDDLE_LIMIT = 63_355.0  # Table 1: top of the middle incomes
AFFORDABLE_PURCHASE_INCOME = 78_500.0  # Table 1: top of "high, up to affordable purchase"

MIDDLE_RENT_INCOME_MAX_SINGLE = 62_191.0  # Wet betaalbare huur: middle-income band, one person
MIDDLE_RENT_INCOME_MAX_MULTI = 82_921.0  # same, two or more persons

# --- Rent limits, monthly bare rent (Woonbond 2024; Vesteda 2024) ---
AFTOPPING_LOW = 650.43  # aftoppingsgrens for 1-2 person households
AFTOPPING_HIGH = 697.07  # aftoppingsgrens for 3+ person households
LIBERALISATION_LIMIT = 879.66  # huurtoeslaggrens = liberalisatiegrens = DAEB rent limit
MIDDLE_RENT_CEILING = 1_157.95  # 186 WWS points, after the July 2024 indexation

# --- Purchase (Rijksoverheid 25-10-2023) ---
AFFORDABLE_PURCHASE_PRICE = 390_000.0  # betaalbare-koop limit 2024

# --- Owner-occupied WOZ price classes (bounds in euros; see docs/ODD.md) ---
# Class 3 ends at the affordable-purchase limit, so own_4 is "above betaalbare koop".
WOZ_CLASS_BOUNDS = (200_000.0, 300_000.0, AFFORDABLE_PURCHASE_PRICE)


def is_multi_person(size: np.ndarray) -> np.ndarray:
    """Dutch limits differ for one-person and multi-person households."""
    return np.asarray(size) >= 2


def income_class(income: np.ndarray, size: np.ndarray) -> np.ndarray:
    """Table 1 income class (0-4) of each household, from its income and size."""
    income = np.asarray(income, dtype=np.float64)
    multi = is_multi_person(size)
    # The class is the number of class limits the income lies above.
    cls = (income > np.where(multi, PASSEND_LIMIT_MULTI, PASSEND_LIMIT_SINGLE)).astype(np.int8)
    cls += income > np.where(multi, DAEB_LIMIT_MULTI, DAEB_LIMIT_SINGLE)
    cls += income > MIDDLE_LIMIT
    cls += income > AFFORDABLE_PURCHASE_INCOME
    return cls


def class_income_bounds(cls: int, multi: bool) -> tuple[float, float]:
    """Lower and upper income bound of one class (upper is inf for the top class)."""
    passend = PASSEND_LIMIT_MULTI if multi else PASSEND_LIMIT_SINGLE
    daeb = DAEB_LIMIT_MULTI if multi else DAEB_LIMIT_SINGLE
    edges = (0.0, passend, daeb, MIDDLE_LIMIT, AFFORDABLE_PURCHASE_INCOME, np.inf)
    return edges[cls], edges[cls + 1]


def daeb_eligible(income: np.ndarray, size: np.ndarray) -> np.ndarray:
    """Income within the DAEB target group (may rent corporation social housing)."""
    return np.asarray(income) <= np.where(is_multi_person(size), DAEB_LIMIT_MULTI,
                                          DAEB_LIMIT_SINGLE)


def passend_toewijzen(income: np.ndarray, size: np.ndarray) -> np.ndarray:
    """Income within the passend-toewijzen limit: such tenants must get a rent below aftopping."""
    return np.asarray(income) <= np.where(is_multi_person(size), PASSEND_LIMIT_MULTI,
                                          PASSEND_LIMIT_SINGLE)


def middle_rent_eligible(income: np.ndarray, size: np.ndarray) -> np.ndarray:
    """Income in the middle-income band that corporations let middle-rent dwellings to."""
    multi = is_multi_person(size)
    income = np.asarray(income)
    low = np.where(multi, DAEB_LIMIT_MULTI, DAEB_LIMIT_SINGLE)
    high = np.where(multi, MIDDLE_RENT_INCOME_MAX_MULTI, MIDDLE_RENT_INCOME_MAX_SINGLE)
    return (income > low) & (income <= high)


def aftopping_limit(size: np.ndarray) -> np.ndarray:
    """The rent a passend-toewijzen household may be offered: low for 1-2 persons, high for 3+."""
    return np.where(np.asarray(size) >= 3, AFTOPPING_HIGH, AFTOPPING_LOW)


def woz_class(woz: np.ndarray) -> np.ndarray:
    """Owner-occupied price class 0-3 of each WOZ value: the number of class bounds it
    reaches (a comparison per bound: ten times faster than searchsorted on three bounds,
    and the prices phase reclassifies every owner-occupied home each year)."""
    woz = np.asarray(woz)
    cls = (woz >= WOZ_CLASS_BOUNDS[0]).astype(np.int64)
    for bound in WOZ_CLASS_BOUNDS[1:]:
        cls += woz >= bound
    return cls


# --- Income source (for selective allocation and local binding) ---
WORK, PENSION, BENEFIT = 0, 1, 2  # codes of income_source()
# Origin codes (model.categories.Origin) of in-movers from outside Parkstad: they have no
# binding to the region until they have lived here (local binding, selective allocation).
FROM_OUTSIDE_REGION = np.array([False, False, False, True, True])
INCOME_SOURCES = ("work", "pension", "benefit")
AOW_AGE = 67


def income_source(age: np.ndarray, vulnerable: np.ndarray) -> np.ndarray:
    """Main income source of each household: pension (AOW) from 67; social assistance for
    vulnerable households (the model's vulnerable flag stands for bijstand and care
    clients); work otherwise. Derived, not stored, so it always agrees with age and flag."""
    return np.where(np.asarray(age) >= AOW_AGE, PENSION,
                    np.where(np.asarray(vulnerable), BENEFIT, WORK)).astype(np.int8)
