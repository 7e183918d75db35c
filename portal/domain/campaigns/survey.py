"""What a problem found in a campaign's survey (排查摸底, 003 §2(3)) is as a ticket.

A responsible unit enters what it found; it becomes a ticket like any report: routed by
category and place, on the same clocks (acceptance, the township's on-site check, the ladder
of 004 C34 / L30 for a new violation), handled on the ticket page, counted in the same figures,
and written off after its acceptance check (``portal.domain.measures``). What is particular to
it (``SurveySteps``, mixed into ``Complaint``):

- **its origin**: ``Complaint.survey`` (``SurveyOrigin``): the campaign, the unit that found it;
- **no reporter**: nobody filed it, nobody holds a receipt, nobody is told a result (004 C20's
  notice is owed to a reporter), so the conclusion closes it and nobody is rewarded
  (``portal.domain.rewards.settle``); it cannot ask a reporter for information.

The patrols issue (#13) models its findings the same way (a patrol's ticket): when both exist
they share ``has_reporter``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from portal.domain.complaint import Complaint


@dataclass
class SurveyOrigin:
    campaign: str  #: the campaign's id
    unit: str  #: the unit that found it (a township or a department)
    found_at: datetime


class SurveySteps:
    """Methods of ``Complaint`` for tickets found in a campaign's survey."""

    @property
    def has_reporter(self: "Complaint") -> bool:
        """False for a problem a unit found in a campaign's survey: nobody reported it."""
        return self.survey is None

    def found_in_survey(self: "Complaint", origin: SurveyOrigin, actor: str, unit: str) -> None:
        """Right after ``Complaint.file``: the filing is the unit's, not a reporter's, and no
        reporter reads it (there is no receipt)."""
        self.survey = origin
        for event in self.new_events:
            if event.kind == "filed":
                event.actor, event.unit, event.public = actor, unit, None
                event.data = {**event.data, "source": "survey", "campaign": origin.campaign}
            elif event.kind == "routed":
                event.public = None
