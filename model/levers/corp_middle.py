"""More middle rent inside the corporation stock: a target share by the last year.

From the first year of the schedule, the share of corporation dwellings let as middle rent
(corp_middle) follows a straight path from its level then to `corp_middle_target` in the
last year. Each year, enough corporation social dwellings are marked to be re-let as middle
rent at their next letting (at the new-build middle rent, `new_rent`) to stay on the path;
dwellings already marked count as done. They are drawn at random, larger ones and those in
buurten of good liveability likelier (where middle incomes look). Nobody is moved.
"""

import numpy as np

from model import stock
from model.categories import Owner
from model.categories import Segment as S
from model.jit import jit
from model.state import NO_CHANGE

NAME = "corp_middle"
# Plain numbers for the compiled loop:
CORPORATION = int(Owner.CORPORATION)
CORP_SOCIAL, CORP_MIDDLE = int(S.CORP_SOCIAL), int(S.CORP_MIDDLE)


def is_on(params) -> bool:
    return params.corp_middle_target > 0


def apply(model) -> None:
    from model.levers import scheduled

    p, d = model.params, model.dwellings
    if not (is_on(p) and scheduled(model, NAME)):
        return
    n_rows = d.n_rows
    candidates = np.empty(n_rows, dtype=np.int64)
    n_corp, n_middle, n_social = _tally(d.alive[:n_rows], d.owner[:n_rows], d.segment[:n_rows],
                                        d.pending_segment[:n_rows], candidates)
    candidates = candidates[:n_social]
    share_now = n_middle / max(n_corp, 1)
    start_share = model.lever_state.setdefault("corp_middle_start_share", share_now)
    years = p.corp_middle_end - p.corp_middle_start + 1
    done = (model.year - p.corp_middle_start + 1) / years
    path = start_share + (p.corp_middle_target - start_share) * done
    n = int(np.ceil(path * n_corp - n_middle))

    def odds(rows):  # (a function: not computed in the years there is nothing to mark)
        return d.rooms[rows] * np.exp(model.liveability[d.buurt[rows]])

    chosen = stock.pick(model, candidates, n, odds)
    stock.relabel(model, chosen, S.CORP_MIDDLE, rent=p.new_rent[S.CORP_MIDDLE],
                  at_next_letting=True)


@jit
def _tally(live, owner, segment, pending_segment, candidates):
    """One pass over the stock: the corporation dwellings, those let or marked as middle
    rent, and the social ones without a change waiting (the candidates, put in
    `candidates` in row order)."""
    n_corp = n_middle = n_social = 0
    for i in range(live.size):
        if not (live[i] and owner[i] == CORPORATION):
            continue
        n_corp += 1
        if segment[i] == CORP_MIDDLE or pending_segment[i] == CORP_MIDDLE:
            n_middle += 1
        if segment[i] == CORP_SOCIAL and pending_segment[i] == NO_CHANGE:
            candidates[n_social] = i
            n_social += 1
    return n_corp, n_middle, n_social


def rules(params, city) -> list:
    return []
