"""Filing tokens: each filing form carries one, sealed by the server (AES-GCM under a key
derived from the hash key). It holds a nonce and the receipt drawn for this submission, so

- a form submitted twice creates one complaint (the nonce's hash is a unique pointer), and
  the second answer shows the same receipt, even if the first answer never arrived;
- a form cannot be posted from another site without first reading a token (CSRF);
- nothing about the submission is stored before it is filed.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from portal.crypto.envelope import open_sealed, seal
from portal.domain.errors import DomainError
from portal.domain.receipts import new_receipt
from portal.i18n import N_
from portal.ports import DecryptionError
from portal.services.deps import Deps

TOKEN_TTL = timedelta(hours=24)


@dataclass(frozen=True)
class FilingToken:
    nonce: str
    receipt: str
    issued_at: datetime

    def submission_hash(self, deps: Deps) -> str:
        return deps.hasher.digest("submission", self.nonce)

    def submission_hashes(self, deps: Deps) -> list[str]:
        """The hash under every hash key: what the form's uploads may be owned by."""
        return deps.hasher.digests("submission", self.nonce)


def _key(deps: Deps) -> bytes:
    return deps.hasher.derive("filing-token")


def _open(deps: Deps, token: str) -> bytes:
    """A form issued before the hash key was rotated still opens (under the retired key)."""
    for key in deps.hasher.derived_keys("filing-token"):
        try:
            return open_sealed(key, token, b"filing-token")
        except DecryptionError:
            continue
    raise DecryptionError("the filing token opens under no key")


def issue(deps: Deps, now: datetime) -> str:
    payload = json.dumps({"n": secrets.token_hex(16), "r": new_receipt(), "t": int(now.timestamp())}).encode()
    return seal(_key(deps), payload, b"filing-token")


def open_token(deps: Deps, token: str | None, now: datetime) -> FilingToken:
    expired = DomainError(N_("表单已过期或无效，请刷新页面后重新填写提交。"), field="token")
    if not token or len(token) > 400:
        raise expired
    try:
        payload = json.loads(_open(deps, token))
        issued = datetime.fromtimestamp(int(payload["t"]), tz=now.tzinfo)
        receipt, nonce = str(payload["r"]), str(payload["n"])
    except (DecryptionError, ValueError, KeyError, TypeError):
        raise expired from None
    if not (issued - timedelta(minutes=5) <= now <= issued + TOKEN_TTL):
        raise expired
    return FilingToken(nonce=nonce, receipt=receipt, issued_at=issued)
