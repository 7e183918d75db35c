"""Receipts, API keys and form submissions are stored only as keyed hashes, and a hash can
only be made again from the value itself. After the hash key is rotated, a value is looked up
under the current key first, then under each retired key; found under a retired one, it is
re-hashed under the current key there and then (its pointer moved in one transaction), so
each is re-hashed on its first use."""

from __future__ import annotations

import logging

from portal.crypto import contexts
from portal.domain.complaint import Complaint
from portal.ports import ConditionFailed, Delete, Item
from portal.services.deps import Deps

log = logging.getLogger(__name__)


def complaint_for_receipt(deps: Deps, receipt: str) -> Complaint | None:
    digests = deps.hasher.digests("receipt", receipt)
    for n, digest in enumerate(digests):
        pointer = deps.repos.complaints.receipt_pointer(digest)
        if pointer is None:
            continue
        complaint = deps.repos.complaints.get(pointer.body["complaint"])
        if complaint is not None and n > 0:
            complaint = _rehash(deps, complaint, pointer, digests[0]) or complaint
        return complaint
    return None


def _rehash(deps: Deps, complaint: Complaint, old: Item, new_hash: str) -> Complaint | None:
    """Move the receipt's pointer and hash to the current key, in one transaction; None when a
    concurrent change got there first (the next lookup tries again)."""
    complaint.receipt_hash = new_hash
    ops = [*deps.repos.complaints.save_ops(complaint),
           deps.repos.complaints.receipt_pointer_op(complaint, deps.hasher.key_id),
           Delete(old.pk, old.sk, expect=old.version)]
    try:
        deps.store.write(ops)
    except ConditionFailed:
        return None
    deps.repos.complaints.committed(complaint)
    log.info("a receipt was re-hashed under the current hash key")
    return complaint


def id_for_submission(deps: Deps, nonce: str) -> str | None:
    """The complaint a form submission filed, under any hash key (a form lives a day)."""
    return id_for_submission_with(deps, nonce, [])[0]


def id_for_submission_with(deps: Deps, nonce: str, also: list[tuple[str, str]]
                           ) -> tuple[str | None, dict[tuple[str, str], Item | None]]:
    """``id_for_submission``, with the items of the keys ``also`` read in the same batched
    read (one request on DynamoDB): (the complaint's id or None, the items of ``also`` by key)."""
    pointers = [deps.repos.complaints.submission_key(d) for d in deps.hasher.digests("submission", nonce)]
    items = deps.store.get_many(pointers + also)
    found = next((item.body["complaint"] for item in items[:len(pointers)] if item is not None), None)
    return found, dict(zip(also, items[len(pointers):]))


def api_key_record(deps: Deps, key: str) -> dict | None:
    """An active API key's record, re-hashed under the current key on its first use after a
    rotation."""
    digests = deps.hasher.digests("apikey", key)
    for n, digest in enumerate(digests):
        item = deps.repos.api_keys.item(digest)
        if item is None or not item.body.get("active"):
            continue
        if n > 0:
            try:
                deps.store.write(deps.repos.api_keys.rehash_ops(item, digests[0]))
            except ConditionFailed:
                pass  # used twice at once: the other use moved it
        return dict(item.body)
    return None


def phone_hashes(deps: Deps, complaint: Complaint | None) -> list[str]:
    """Every hash the reporter's phone may be stored under (the current key's first): what a
    staff member's registered phone hash or a phone's earlier reward claims are compared with
    after a rotation. Read from the contact envelope; the stored hash alone once purged."""
    contact = complaint.contact if complaint is not None else None
    if contact is None or not contact.is_phone:
        return []
    found = [contact.phone_hash] if contact.phone_hash else []
    if contact.envelope is not None:
        phone = deps.keyring.decrypt(contact.envelope, contexts.contact(complaint.id)).decode()
        found = deps.hasher.digests("phone", phone) + found
    return list(dict.fromkeys(found))
