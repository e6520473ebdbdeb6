"""Fair share of priority groups (afstapeling): a cap on the yearly inflow of vulnerable
households from other municipalities.

While the lever is on, its allocation rule keeps a share `fair_share_cut` of the vulnerable
in-movers out of the city's market each year: each is refused with that probability before
it searches (ledger: `refuse`, reason `fair_share`; city.csv: `refused_fair_share`); the
region houses them instead. The household path of the scenario is still followed: the
migration phase's top-up draws further in-movers to fill the places, so the city's
population keeps its path while the vulnerable inflow falls by the set fraction.
"""

from model.allocation import AllocationRule

NAME = "fair_share"


def is_on(params) -> bool:
    return params.fair_share_cut > 0


def apply(model) -> None:
    return None


class FairShare(AllocationRule):
    lever = NAME

    def active(self, model) -> bool:
        from model.levers import scheduled

        return scheduled(model, NAME)

    def screen(self, model, market):
        ch = market.ch
        vulnerable = model.households.vulnerable[ch.rows] & ch.newcomer
        draw = model.rng.random(ch.rows.size)
        return vulnerable & (draw < model.params.fair_share_cut)


def rules(params, city) -> list:
    return [FairShare()] if is_on(params) else []
