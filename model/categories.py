"""The categories every array in the model is coded in: income classes, segments, owners, origins.

Arrays store small integer codes; these enums give the codes names. The order of INCOME_CLASSES
is the order of the vision's Table 1, from poorest to richest, and every per-class column in the
output follows it.
"""

from enum import IntEnum


class IncomeClass(IntEnum):
    """The five income groups of the vision's Table 1 (2024 limits, single / multi-person)."""

    LOW_PT = 0  # up to the passend-toewijzen limit (27,725 / 37,625)
    LOW_DAEB = 1  # above that, up to the DAEB limit (47,699 / 52,671)
    MIDDLE = 2  # above the DAEB limit, up to 63,355
    HIGH_AFFORD = 3  # 63,355 to 78,500: high, but only up to affordable purchase
    HIGH = 4  # above 78,500


INCOME_CLASSES = ("low_pt", "low_daeb", "middle", "high_afford", "high")


class Segment(IntEnum):
    """Dwelling segments: who owns the dwelling and at which price it is let or valued."""

    CORP_SOCIAL = 0  # corporation, rent up to the liberalisation limit (DAEB)
    CORP_MIDDLE = 1  # corporation, rent above the liberalisation limit (middle rent)
    PRIVATE_CHEAP = 2  # private landlord, rent up to the liberalisation limit
    PRIVATE_FREE = 3  # private landlord, middle or free-sector rent
    OWN_1 = 4  # owner-occupied, WOZ class 1 (cheapest)
    OWN_2 = 5
    OWN_3 = 6
    OWN_4 = 7  # owner-occupied, WOZ class 4 (above the affordable-purchase limit)


SEGMENTS = (
    "corp_social",
    "corp_middle",
    "private_cheap",
    "private_free",
    "own_1",
    "own_2",
    "own_3",
    "own_4",
)
OWNER_SEGMENTS = (Segment.OWN_1, Segment.OWN_2, Segment.OWN_3, Segment.OWN_4)


class Owner(IntEnum):
    """Who owns a dwelling; CBS's tenure split (KWB 'eigendom')."""

    CORPORATION = 0
    PRIVATE_LANDLORD = 1
    OWNER_OCCUPIER = 2


SEGMENT_OWNER = (0, 0, 1, 1, 2, 2, 2, 2)  # Owner code of each Segment


class HouseholdType(IntEnum):
    """CBS household types (KWB 'particuliere huishoudens')."""

    SINGLE = 0
    NO_CHILDREN = 1  # couples and other multi-person households without children
    WITH_CHILDREN = 2  # couples and single parents with children at home


HOUSEHOLD_TYPES = ("single", "no_children", "with_children")


class Origin(IntEnum):
    """Where a household lived before it entered the model."""

    RESIDENT = 0  # lived in Heerlen at the 2024 start
    FORMED = 1  # formed in Heerlen during the run (child leaving home, separation)
    PARKSTAD = 2  # moved in from the rest of Parkstad Limburg
    NETHERLANDS = 3  # moved in from elsewhere in the Netherlands
    ABROAD = 4  # moved in from abroad


ORIGINS = ("resident", "formed", "parkstad", "netherlands", "abroad")
