"""Fair share of priority groups (afstapeling): a cut in the yearly inflow of vulnerable
households from other municipalities.

While the lever is on, its allocation rule keeps vulnerable in-movers out of the city's
market before they search (ledger: `refuse`, reason `fair_share`; city.csv:
`refused_fair_share`); the region houses them instead. The household path of the scenario is
still followed: the migration phase draws further in-movers to fill the places, and a share
`inflow_vulnerable_share` = f of those is vulnerable too. So that the vulnerable inflow falls
by the set fraction c = `fair_share_cut` once the replacements are in, each vulnerable
in-mover is refused with probability q = c / (1 - f (1 - c)) (capped at 1): then a share
f (1 - q) / (1 - f q) = f (1 - c) of the arrivals is vulnerable.
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
        return vulnerable & (draw < refusal_probability(model.params))


def refusal_probability(params) -> float:
    """The chance of refusing a vulnerable in-mover that cuts the vulnerable inflow by
    `fair_share_cut` after the replacements the household path draws."""
    c, f = params.fair_share_cut, params.inflow_vulnerable_share
    return min(c / max(1.0 - f * (1.0 - c), 1e-9), 1.0)


def rules(params, city) -> list:
    return [FairShare()] if is_on(params) else []
