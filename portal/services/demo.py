"""Demo mode only: what a first-time user needs to see the whole flow on one machine."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from portal.ports import DecryptionError
from portal.services.deps import Deps
from portal.services.notifications import open_body


@dataclass(frozen=True)
class OutboxRow:
    created_at: datetime
    kind: str
    status: str
    to_masked: str
    body: str


def outbox_rows(deps: Deps, county: str, limit: int = 100) -> list[OutboxRow]:
    if not deps.settings.is_demo:
        return []
    rows = []
    for m in deps.repos.outbox.recent(county, limit=limit):
        try:
            phone = deps.keyring.decrypt(m.to_envelope, m.to_context).decode() if m.to_envelope else ""
            masked = phone[:-8] + "****" + phone[-4:] if len(phone) >= 8 else "—"
            body = open_body(deps, m)
        except DecryptionError:
            masked, body = "—", ""
        rows.append(OutboxRow(m.created_at, m.kind, m.status.value, masked, body))
    return rows


def welcome(deps: Deps, settings) -> str:
    """What a first-time user needs, printed by ``portal serve --demo``."""
    url = settings.public_url.rstrip("/")
    county = deps.counties.default
    lines = [
        "",
        f"Demo county: {county.full_name} ({county.code}). Contact details and geometry are placeholders.",
        f"  Citizen home page   {url}/",
        f"  File a complaint    {url}/report   (try a point such as 26.49, 113.77 in the county seat)",
        f"  Follow a complaint  {url}/status   (with the 16-digit receipt shown after filing)",
        f"  SMS outbox (demo)   {url}/demo/outbox   (verification codes and notices appear here)",
        f"  Mail outbox (demo)  {url}/demo/mail-outbox   (replies to email reports appear here)",
        f"  JSON API            {url}/api/v1/openapi.json",
        f"  Open311             {url}/open311/v2/discovery.json",
    ]
    lines += _staff_lines(deps, url)
    lines.append("")
    return "\n".join(lines)


def _staff_lines(deps: Deps, url: str) -> list[str]:
    """The demo staff accounts (created on first start): one per role, each with its fixed
    password and the TOTP URI to add to an authenticator app (or to feed ``pyotp``)."""
    from portal.services import staff_accounts

    lines = ["", f"Staff workspace: {url}/staff/  (password, then the 6-digit TOTP code)",
             "  No authenticator app at hand? A current code: "
             ".venv/bin/python -c \"import pyotp,sys; print(pyotp.parse_uri(sys.argv[1]).now())\" '<otpauth URI>'"]
    for p in staff_accounts.ensure_demo_accounts(deps, deps.clock.now()):
        a = p.account
        lines.append(f"  {a.role.value:<11} {a.username:<16} password {p.password:<22} unit {a.unit}")
        lines.append(f"              {p.otpauth_uri}")
    return lines

