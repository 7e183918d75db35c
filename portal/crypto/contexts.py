"""The encryption context of every envelope the portal stores: which record, which field.

A context is bound to its envelope (``portal.crypto.envelope``): an envelope copied onto
another record or field does not open. Services encrypt and decrypt with these; the record
kinds of ``portal.store.repositories`` name them too, so that key rotation can re-wrap every
envelope without reading it (``portal.services.operations.rewrap``)."""

from __future__ import annotations


def contact(complaint_id: str) -> dict:
    """The reporter's phone on a complaint (and on its outbox rows)."""
    return {"record": f"complaint/{complaint_id}", "field": "contact"}


def verification(complaint_id: str) -> dict:
    """The secret of the reporter's phone-verification codes."""
    return {"record": f"complaint/{complaint_id}", "field": "verification"}


def reward_code(complaint_id: str) -> dict:
    """The secret of the reporter's reward-claim codes."""
    return {"record": f"complaint/{complaint_id}", "field": "reward_code"}


def collection_code(case_id: str) -> dict:
    """An in-person reward's collection code."""
    return {"record": f"reward/{case_id}", "field": "collection_code"}


def payee(case_id: str) -> dict:
    """A reward's bank-transfer payee."""
    return {"record": f"reward/{case_id}", "field": "payee"}


def totp(username: str) -> dict:
    """A staff account's TOTP secret."""
    return {"record": f"staff/{username}", "field": "totp"}


def mail(message_id: str, part: str) -> dict:
    """An email report's parsed envelope (``envelope``) or raw message (``raw``, in the blob store)."""
    return {"record": f"mail/{message_id}", "field": part}


def message_body(pk: str, sk: str) -> dict:
    """An outbox mail's sealed text."""
    return {"record": pk, "field": "message-body", "message": sk}
