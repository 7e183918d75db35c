"""Criminal thresholds for referral to public security (000 §4(3)1; also 004 C12, L27).

Illegal transfer or resale (非法转让、倒卖) of land is referred to the police
(移交公安机关) when it reaches any of:

- permanent basic farmland (永久基本农田) of 5 mu (亩) or more;
- other cultivated land (永久基本农田以外的耕地) of 10 mu or more;
- other land (其他土地) of 20 mu or more;
- illegal gains (违法所得) of 500,000 yuan or more (50 万元: money is in 万元, like the ledger's fines);
- below those figures, a repeat transfer or resale after an earlier administrative penalty for
  illegally transferring or reselling land-use rights.

``thresholds_met`` is pure: it reads the facts and names each threshold they meet.
"""

from __future__ import annotations

from dataclasses import dataclass

from portal.i18n import N_

BASIC_FARMLAND, CULTIVATED, OTHER_LAND = "basic_farmland", "cultivated", "other"

#: land type -> its title (the form's choices and the ledger's cell)
LAND_TYPES = {
    BASIC_FARMLAND: N_("永久基本农田"),
    CULTIVATED: N_("永久基本农田以外的耕地"),
    OTHER_LAND: N_("其他土地"),
}

#: 000 §4(3)1: area (mu) from which a transfer or resale of each land type is referred
AREA_THRESHOLD_MU = {BASIC_FARMLAND: 5.0, CULTIVATED: 10.0, OTHER_LAND: 20.0}

#: 000 §4(3)1: illegal gains of 500,000 yuan, in 万元 (10,000 yuan) as the ledger keeps money
GAINS_THRESHOLD_WAN_YUAN = 50.0

#: the threshold met -> what the refusal names
THRESHOLD_TITLES = {
    BASIC_FARMLAND: N_("非法转让、倒卖永久基本农田5亩以上"),
    CULTIVATED: N_("非法转让、倒卖永久基本农田以外的耕地10亩以上"),
    OTHER_LAND: N_("非法转让、倒卖其他土地20亩以上"),
    "gains": N_("违法所得数额50万元以上"),
    "repeat": N_("因非法转让、倒卖土地使用权受过行政处罚后再次非法转让、倒卖土地"),
}


@dataclass(frozen=True)
class TransferFacts:
    """The facts of an illegal transfer or resale of land, as recorded at the conclusion."""

    land_type: str = ""  #: "" | basic_farmland | cultivated | other
    area_mu: float | None = None  #: area transferred or resold, in mu
    gains_wan_yuan: float | None = None  #: illegal gains, in 万元
    repeat_after_penalty: bool = False  #: transferred again after an administrative penalty for it


def thresholds_met(facts: TransferFacts) -> list[str]:
    """000 §4(3)1: the thresholds (keys of ``THRESHOLD_TITLES``) the facts meet; empty when none.
    Each is met at its figure exactly ("以上" includes the figure)."""
    met: list[str] = []
    limit = AREA_THRESHOLD_MU.get(facts.land_type)
    if limit is not None and facts.area_mu is not None and facts.area_mu >= limit:
        met.append(facts.land_type)
    if facts.gains_wan_yuan is not None and facts.gains_wan_yuan >= GAINS_THRESHOLD_WAN_YUAN:
        met.append("gains")
    if facts.repeat_after_penalty:
        met.append("repeat")
    return met
