"""What a patrol finding is as a ticket (004 C17(2), L15(2); C19; C22, L19).

A finding recorded on a patrol becomes a ticket like any report: routed by category and
place, on the same clocks (acceptance, the ladder of 004 C34 / L30), counted in the same
figures. What is particular to it (``PatrolSteps``, mixed into ``Complaint``):

- **its channel** is ``patrol`` and its source the patrol's kind (``Complaint.intake``,
  ``portal.domain.channels``: ``village_patrol``, ``township_patrol``, ``professional_patrol``),
  and ``Complaint.patrol`` (``PatrolOrigin``) says which patrol, unit and grid;
- **the clocks start at the finding**: the township's enforcement team on site within 2 hours
  of the patrol's report, and rectification ordered on discovery within 5 days (004 C17(2),
  L15(2): 发现……责令5日内做好整改恢复工作; 接到村级巡查发现……2小时内赶赴现场);
- **stopped on the spot** (即发现即制止, 004 C19, for early works: levelling, foundations) is
  recorded as such: the stop is the finding's own instant;
- **no reporter** (``Complaint.has_reporter`` is False, as for a campaign survey's ticket):
  there is nobody to tell a result to (004 C20's notice is owed to a reporter), so the
  conclusion closes the ticket; and no reward (the first reporter of a case a patrol found
  first is the patrol: ``portal.domain.rewards.settle``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from portal.domain.deadlines import rectification_clock

if TYPE_CHECKING:  # pragma: no cover
    from portal.domain.complaint import Complaint

FOUND_PUBLIC = None  #: nobody reads a patrol ticket's status page: there is no receipt


@dataclass
class PatrolOrigin:
    """Where a patrol ticket came from."""

    patrol: str  #: the patrol record's id
    kind: str  #: village | township | professional
    unit: str  #: the recording unit (village code, township code, professional member unit)
    found_at: datetime
    village: str | None = None  #: the grid's village
    grid: str | None = None
    stopped_on_spot: bool = False  #: 即发现即制止 (004 C19)
    builder_identified: bool = False  #: 违建人的身份信息已登记 (004 C18(2), C19)


#: the intake channel of a patrol's finding, and its source per patrol kind (``portal.domain.channels``)
CHANNEL = "patrol"
SOURCES = {"village": "village_patrol", "township": "township_patrol", "professional": "professional_patrol"}


class PatrolSteps:
    """Methods of ``Complaint`` (``portal.domain.complaint``) for tickets found on patrol."""

    def found_on_patrol(self: "Complaint", origin: PatrolOrigin, actor: str, unit: str) -> None:
        """Right after ``Complaint.file``: the ticket is the patrol's, filed by the patrol
        member (not a reporter); the 5-day rectification clock runs from the finding (004
        C17(2), L15(2)), and a stop on the spot is the stop order (004 C19)."""
        self.patrol = origin
        for event in self.new_events:  # ``file`` writes the filing as the reporter's
            if event.kind == "filed":
                event.actor, event.unit, event.public = actor, unit, FOUND_PUBLIC
                event.data = {**event.data, "source": "patrol", "patrol": origin.patrol, "kind": origin.kind}
        self._add_clock(rectification_clock(origin.found_at))
        if origin.stopped_on_spot:
            self.stop_order_at = origin.found_at
            self._record(origin.found_at, "stopped_on_spot", actor, unit=unit,
                         data={"patrol": origin.patrol, "builder_identified": origin.builder_identified})
