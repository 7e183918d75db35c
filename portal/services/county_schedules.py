"""Schedules every county of a deployment gets once, in the due index: the monthly review
(``portal.services.oversight.review``, 004 C35) and the weekly reports
(``portal.services.patrols.sweep``, 004 C17(1), C18(1), C19).

Schedules are never deleted. A process reads one record per kind naming the counties already
scheduled and creates schedules only for the others (a county added to the deployment), so an
idle sweep costs the same DynamoDB calls with 122 counties as with one and reads no county
file whole (``tests/serverless/test_dynamodb_calls.py``)."""

from __future__ import annotations

from typing import Callable

from portal.ports import ConditionFailed, Op
from portal.services.deps import Deps
from portal.store.repositories.base import ScheduledCounties


def ensure(deps: Deps, scheduled: ScheduledCounties, create: Callable[[str], int]) -> int:
    """Call ``create(code)`` (it returns how many schedules it wrote) for each county not named
    in ``scheduled``'s record yet, then name them there. Returns how many schedules were created."""
    codes = set(deps.counties.codes)  # the codes alone: no county is read whole for this
    if codes <= scheduled.seen:
        return 0
    known, version = scheduled.read()
    scheduled.seen |= known & codes
    created = 0
    for code in sorted(codes - known):
        created += create(code)
        scheduled.seen.add(code)
    if not codes <= known:
        try:
            deps.store.write([scheduled.op(known | codes, version)])
        except ConditionFailed:
            pass  # another sweep recorded them: the next process reads its record
    return created


def write_once(deps: Deps, op: Op) -> int:
    """Write a schedule that must not exist yet: 1 if written, 0 if another sweep wrote it."""
    try:
        deps.store.write([op])
        return 1
    except ConditionFailed:
        return 0
