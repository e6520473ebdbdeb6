"""More middle rent inside the corporation stock: a target share by the last year.

From the first year of the schedule, the share of corporation dwellings let as middle rent
(corp_middle) follows a straight path from its level then to `corp_middle_target` in the
last year. Each year, enough corporation social dwellings are marked to be re-let as middle
rent at their next letting (at the new-build middle rent, `new_rent`) to stay on the path;
dwellings already marked count as done. The larger ones, in the buurten with the best
liveability, go first (where middle incomes look). Nobody is moved.
"""

import numpy as np

from model import stock
from model.categories import Owner
from model.categories import Segment as S

NAME = "corp_middle"


def is_on(params) -> bool:
    return params.corp_middle_target > 0


def apply(model) -> None:
    from model.levers import scheduled

    p, d = model.params, model.dwellings
    if not (is_on(p) and scheduled(model, NAME)):
        return
    corp = d.living(d.owner[: d.n_rows] == Owner.CORPORATION)
    middle = (d.segment[corp] == S.CORP_MIDDLE) | (d.pending_segment[corp] == S.CORP_MIDDLE)
    share_now = middle.sum() / max(corp.size, 1)
    start_share = model.lever_state.setdefault("corp_middle_start_share", share_now)
    years = p.corp_middle_end - p.corp_middle_start + 1
    done = (model.year - p.corp_middle_start + 1) / years
    path = start_share + (p.corp_middle_target - start_share) * done
    n = int(np.ceil(path * corp.size - middle.sum()))
    candidates = corp[(d.segment[corp] == S.CORP_SOCIAL) & ~stock.pending(model, corp)]

    def odds(rows):  # (a function: not computed in the years there is nothing to mark)
        return d.rooms[rows] * np.exp(model.liveability[d.buurt[rows]])

    chosen = stock.pick(model, candidates, n, odds)
    stock.relabel(model, chosen, S.CORP_MIDDLE, rent=p.new_rent[S.CORP_MIDDLE],
                  at_next_letting=True)


def rules(params, city) -> list:
    return []
