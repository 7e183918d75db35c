"""The progress notice of a reporting day (003 §3(3): 每月15日、30日，县专项行动领导组将对各乡镇政府及
相关单位工作进展情况进行通报; 002 §6(6): the monthly meeting).

On each reporting day the sweeper prepares it: the figures per township and unit as they stand
at 00:00 that day (``items.tally``), kept with the notice so that the document the office
reviews, issues and sends is the one prepared, whenever it is downloaded. The office reviews
it and issues it (``issue``: once; an event in the campaign's history). The responsible units
read a notice once it is issued.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from portal.domain.campaigns.items import CampaignFigures, ItemFigures
from portal.domain.errors import Conflict
from portal.i18n import N_


@dataclass
class CampaignNotice:
    campaign: str
    county: str
    day: date  #: the reporting day
    number: int  #: 第N期: its place among the campaign's reporting days
    prepared_at: datetime
    phase: str  #: the phase's name on the day ("" between phases)
    #: the figures as prepared: {"total": row, "townships": [[code, row], ...], "units": [[code, row], ...]}
    #: (lists: the county's order is the notice's, and a stored mapping keeps no order)
    figures: dict = field(default_factory=dict)
    #: tickets overdue when prepared (after the handling phase), by id
    overdue: list[str] = field(default_factory=list)
    issued_at: datetime | None = None
    issued_by: str | None = None
    version: int = 0

    @classmethod
    def prepare(cls, campaign, day: date, number: int, phase: str, figures: CampaignFigures, overdue: list[str],
                now: datetime) -> "CampaignNotice":
        return cls(campaign=campaign.id, county=campaign.county, day=day, number=number, prepared_at=now,
                   phase=phase, figures={"total": figures.total.as_row(),
                                         "townships": [[f.unit, f.as_row()] for f in figures.townships],
                                         "units": [[f.unit, f.as_row()] for f in figures.units]},
                   overdue=list(overdue))

    def issue(self, now: datetime, actor: str) -> None:
        """The office issues the notice it reviewed (once)."""
        if self.issued_at is not None:
            raise Conflict(N_("这一期进展通报已经印发。"))
        self.issued_at, self.issued_by = now, actor

    @property
    def issued(self) -> bool:
        return self.issued_at is not None

    def as_figures(self) -> CampaignFigures:
        """The figures as prepared."""
        return CampaignFigures(total=ItemFigures.from_row("", self.figures["total"]),
                               townships=[ItemFigures.from_row(k, v) for k, v in self.figures["townships"]],
                               units=[ItemFigures.from_row(k, v) for k, v in self.figures["units"]])
