"""Policy: this year's lever actions on the dwelling stock, before anyone moves.

Each lever is a module of its own in `model/levers/`; this phase runs their stock actions in
the fixed order documented there (`model.levers.ORDER`): the capacity test's verdict,
private landlords and the private-renting lever, renovation, corporation middle rent, the
construction programme, construction to demand, city marriages, demolition, the band and
target groups. Households a lever displaces search in this year's market. The
letting rules of levers act in the market, through `model/allocation.py`.
"""

from model import levers, stock


def apply(model) -> None:
    """Run this year's lever actions."""
    stock.begin_year(model)
    levers.apply(model)
