"""Builders for service-level tests: file complaints the way citizens do."""

from __future__ import annotations

from portal.services import filing_tokens, intake, verification

SEAT = ("26.492", "113.770")  # county seat, inside the built-up area (霞阳镇)
VILLAGE = ("26.120", "113.780")  # 垄溪乡


def file(deps, *, category="l1-occupy-land", place=VILLAGE, phone=None, description="村口有人占用耕地建房，已经打好地基。",
         client="test-client", verify=False):
    county = deps.counties.default
    now = deps.clock.now()
    token = filing_tokens.issue(deps, now)
    result = intake.file_complaint(deps, county, intake.FilingInput(
        token=token, category=category, description=description, lat=place[0], lng=place[1], phone=phone,
    ), client, now)
    complaint = deps.repos.complaints.get(result.complaint_id)
    if verify:
        code = last_code(deps, complaint.id)
        verification.confirm(deps, complaint, code, now)
        complaint = deps.repos.complaints.get(result.complaint_id)
    return complaint, result.receipt


def last_code(deps, complaint_id: str) -> str:
    """The verification code the reporter got (the demo outbox keeps code texts)."""
    import re

    messages = [m for m in deps.repos.outbox.for_record(f"CMP#{complaint_id}") if m.kind == "code"]
    return re.search(r"验证码(\d{6})", messages[-1].body).group(1)


def reload(deps, complaint):
    return deps.repos.complaints.get(complaint.id)
