"""Key rotation on a store holding one of everything (the populated fixture of every earlier
version, on SQLite and DynamoDB Local): old envelopes decrypt, old receipts open their status
pages (and are re-hashed under the new key on first use), old API keys and open forms still
work, every rotation is audited, and after the background re-wrap nothing readable remains
under the retired master key: no envelope anywhere names it, and the key itself is gone."""

from __future__ import annotations

import io
from datetime import timedelta

import pyotp
import pytest

from portal.crypto.local_keyring import RETIRED
from portal.ports import DecryptionError
from portal.services import sweeper
from portal.services.keys import rewrap, rotation
from portal.services.operations.upgrade import upgrade_all
from portal.store import keys as K
from portal.store.formats import KINDS
from tests.conftest import PUBLIC_URL, form_token, receipt_from
from tests.fakes import images
from tests.web.staff_support import Account, Staff


def declared_envelopes(old_store):
    """(item key, path, envelope, context) of every envelope every record declares."""
    found = []
    for item in old_store.raw_items():
        kind = KINDS.kind_of(item.pk, item.sk)
        for field in (kind.envelopes(item) if kind.envelopes else []):
            value = item.body
            for name in field.path:
                value = value.get(name) if isinstance(value, dict) else None
            if isinstance(value, str):
                found.append(((item.pk, item.sk), field.path, value, field.context))
    return found


def every_string(old_store) -> str:
    """Every stored body as text, for a search."""
    return "\n".join(str(dict(i.body)) for i in old_store.raw_items())


def sweep_until_rewrapped(old_store, limit: int = 20):
    for _ in range(limit):
        old_store.clock.advance(minutes=5)
        report = sweeper.sweep(old_store.deps, old_store.clock.now())
        assert report.errors == 0
        done = old_store.deps.repos.key_rotations.get()
        if done.state == "done":
            return done
    raise AssertionError("the re-wrap did not finish")


def test_rotating_both_keys_keeps_everything_readable_and_leaves_nothing_under_the_retired_master_key(old_store):
    deps, facts, client = old_store.deps, old_store.facts, old_store.app.test_client()
    upgrade_all(deps.store)
    before = declared_envelopes(old_store)
    plain = {(key, path): deps.keyring.decrypt(env, ctx) for key, path, env, ctx in before}
    kinds = {KINDS.kind_of(*key).name for key, *_ in before}
    assert {"complaint", "outbox message", "phone verification", "reward claim code", "reward",
            "staff account"} <= kinds  # one of every kind that holds envelopes
    open_form = form_token(client.get("/report", base_url=PUBLIC_URL).text)  # a reporter is filling it in
    uploaded = client.post("/api/v1/uploads", base_url=PUBLIC_URL, data={  # with a photo already uploaded
        "token": open_form, "photo": (io.BytesIO(images.phone_jpeg(size=(64, 48), gps=False, when=False)), "a.jpg")})
    assert uploaded.status_code == 201, uploaded.text
    old_master, old_hash = deps.keyring.current_key(), deps.hasher.key_id

    done = rotation.rotate(deps, "both", "cli", old_store.clock.now()).rotation
    assert done.master_retired == [old_master] and done.hash_retired == [old_hash]
    assert deps.keyring.current_key() != old_master and deps.hasher.key_id != old_hash

    # old envelopes decrypt; new ones use the new key
    assert all(deps.keyring.decrypt(env, ctx) == plain[(key, path)] for key, path, env, ctx in before)
    assert {deps.keyring.key_of(env) for *_, env, _ in before} == {old_master}

    # old receipts open their status pages, and are re-hashed under the new key on first use
    known = facts["complaints"]["received"]
    page = client.post("/status", data={"receipt": known["receipt"]}, base_url=PUBLIC_URL)
    assert page.status_code == 200 and "status-card" in page.text
    new_pointer = deps.store.get(K.receipt_pk(deps.hasher.digest("receipt", known["receipt"])), K.POINTER)
    assert new_pointer.body == {"complaint": known["id"], "key": deps.hasher.key_id}
    assert deps.store.get(K.receipt_pk(deps.hasher.digests("receipt", known["receipt"])[1]), K.POINTER) is None
    assert deps.repos.complaints.get(known["id"]).receipt_hash == deps.hasher.digest("receipt", known["receipt"])
    again = client.post("/status", data={"receipt": known["receipt"]}, base_url=PUBLIC_URL)
    assert again.status_code == 200

    # the form opened before the rotation files once; the old API key still works
    form = {"token": open_form, "category": "l1-occupy-land", "description": "村口有人占用耕地建房，已经打好地基。",
            "lat": "26.120", "lng": "113.780", "upload_ids": uploaded.get_json()["upload_id"], "exif_reviewed": "1"}
    state = client.get(f"/api/v1/uploads/{form['upload_ids']}", headers={"X-Filing-Token": open_form},
                       base_url=PUBLIC_URL)
    assert state.status_code == 200 and state.get_json()["status"] == "ready"
    first = receipt_from(client.post("/report", data=form, base_url=PUBLIC_URL).text)
    assert receipt_from(client.post("/report", data=form, base_url=PUBLIC_URL).text) == first
    filed = deps.repos.complaints.get_by_receipt(deps.hasher.digest("receipt", first))
    assert len(filed.evidence) == 1  # the photo uploaded before the rotation went with it
    listed = client.get("/open311/v2/requests.json", headers={"X-Api-Key": facts["api_key"]}, base_url=PUBLIC_URL)
    assert listed.status_code == 200

    # the background re-wrap: sweeps until a pass finds nothing left
    assert f"env1.{old_master}." in every_string(old_store)
    finished = sweep_until_rewrapped(old_store)
    assert finished.destroyed == [old_master] and finished.total_rewrapped == len(before)
    assert finished.total_rehashed >= 4  # the verified phones of the fixture
    after = declared_envelopes(old_store)
    assert {deps.keyring.key_of(env) for *_, env, _ in after} == {deps.keyring.current_key()}
    assert all(deps.keyring.decrypt(env, ctx) == plain[(key, path)] for key, path, env, ctx in after
               if (key, path) in plain)
    # nothing readable remains under the retired key: no envelope names it, the key is gone
    assert f"env1.{old_master}." not in every_string(old_store)
    assert not list((deps.settings.key_path.parent / RETIRED).glob("master-*.key"))
    assert deps.keyring.retired_keys() == []
    # phone hashes are made under the new key; the retired hash key is kept for old receipts
    for name in ("received", "concluded"):
        complaint = deps.repos.complaints.get(facts["complaints"][name]["id"])
        assert complaint.contact.phone_hash == deps.hasher.digest("phone", "+86" + facts["complaints"][name]["phone"])
    assert deps.hasher.retired_ids == [old_hash]

    # staff still sign in (their TOTP secrets were re-wrapped); both rotations are in every trail
    known_staff = facts["staff"]["demo-officer"]
    account = Account("demo-officer", known_staff["password"], pyotp.parse_uri(known_staff["otpauth_uri"]).secret)
    Staff(old_store.app, deps, old_store.clock, account).login()
    for county in deps.counties:
        actions = [row["action"] for row in deps.repos.audit.recent(county.code)]
        assert "key_rotated" in actions and "keys_rewrapped" in actions


def test_a_second_rotation_waits_for_the_first_re_wrap(old_store):
    from portal.domain.errors import Conflict

    rotation.rotate(old_store.deps, "master", "cli", old_store.clock.now())
    with pytest.raises(Conflict):
        rotation.rotate(old_store.deps, "master", "cli", old_store.clock.now())
    rewrap.run_to_end(old_store.deps, old_store.clock.now())
    rotation.rotate(old_store.deps, "hash", "cli", old_store.clock.now())


def test_an_envelope_in_a_place_no_kind_declares_keeps_the_retired_key(old_store):
    from portal.ports import Item, Put

    deps = old_store.deps
    stray = deps.keyring.encrypt(b"13800138000", {"record": "stray/1", "field": "phone"})
    deps.store.write([Put(Item(pk="STRAY#1", sk="#", body={"phone": stray}))])
    old_master = deps.keyring.current_key()
    rotation.rotate(deps, "master", "cli", old_store.clock.now())
    for _ in range(3):
        old_store.clock.advance(minutes=5)
        sweeper.sweep(deps, old_store.clock.now())
    kept = deps.repos.key_rotations.get()
    assert kept.state == "rewrapping" and kept.passes >= 3 and kept.last_pass["undeclared"] == 1
    assert old_master in deps.keyring.retired_keys()  # never destroyed while anything needs it
    assert deps.keyring.decrypt(stray, {"record": "stray/1", "field": "phone"}) == b"13800138000"


def test_a_record_changed_during_the_re_wrap_is_taken_up_by_the_next_pass(old_store, monkeypatch):
    deps = old_store.deps
    rotation.rotate(deps, "master", "cli", old_store.clock.now())
    old_store.clock.advance(minutes=1)
    write, raced = deps.store.write, []

    def racing(ops):
        if not raced and any(getattr(op, "item", None) is not None and op.item.pk.startswith("STAFF") for op in ops):
            raced.append(True)
            account = deps.repos.staff.get(ops[0].item.sk)
            account.failed_logins += 1
            deps.repos.staff.save(account)  # a login attempt between the re-wrap's read and write
        return write(ops)

    monkeypatch.setattr(deps.store, "write", racing)
    first = rewrap.step(deps, old_store.clock.now(), budget=10_000)
    assert raced and first.state == "rewrapping" and first.passes == 2
    done = rewrap.run_to_end(deps, old_store.clock.now())
    assert done.state == "done"
    assert {deps.keyring.key_of(env) for *_, env, _ in declared_envelopes(old_store)} == {deps.keyring.current_key()}


def test_the_re_wrap_waits_for_processes_to_notice_the_rotation(old_store):
    deps = old_store.deps
    started = rotation.rotate(deps, "master", "cli", old_store.clock.now()).rotation
    assert started.not_before > old_store.clock.now()
    assert rewrap.step(deps, old_store.clock.now()).total_rewrapped == 0
    old_store.clock.advance(seconds=deps.keyring.rotation_grace + 1)
    assert rewrap.step(deps, old_store.clock.now()).total_rewrapped > 0


def test_a_sweep_before_and_after_the_grace_period(old_store):
    deps = old_store.deps
    rotation.rotate(deps, "master", "cli", old_store.clock.now())
    assert sweeper.sweep(deps, old_store.clock.now()).rewrapped == 0
    old_store.clock.advance(seconds=deps.keyring.rotation_grace + 1)
    assert sweeper.sweep(deps, old_store.clock.now() + timedelta(seconds=1)).rewrapped > 0


def test_an_email_report_its_raw_message_and_its_sealed_reply_move_to_the_new_key(deps, clock):
    """The email inbox keeps a raw message as an envelope in the blob store and the parsed one
    in its record; a registered report's receipt goes back by mail with its text sealed. All of
    it is re-wrapped, and the retired key destroyed only after."""
    from portal.crypto import contexts
    from portal.services.channels import inbox
    from portal.services.notifications import open_body
    from tests.fakes import mail
    from tests.services.test_inbox import OFFICER, UNIT, registration_form

    raw = mail.report_eml(big_mb=0)
    stored = inbox.store_raw(deps, UNIT, raw, via="import", arrived_at=None, now=clock.now())
    message = deps.repos.inbox.get(stored.message_id)
    result = inbox.register(deps, OFFICER, deps.counties.default, message.id, registration_form(deps), clock.now())
    (reply,) = deps.repos.outbox.for_record(K.complaint_pk(result.complaint_id), channel="mail")
    assert reply.sealed
    text = open_body(deps, reply)
    old_master = deps.keyring.current_key()
    assert deps.keyring.key_of(deps.blobs.get(message.raw_key).decode()) == old_master

    rotation.rotate(deps, "master", "cli", clock.now())
    assert inbox.store_raw(deps, UNIT, raw, via="import", arrived_at=None, now=clock.now()).created is False
    done = rewrap.run_to_end(deps, clock.now())
    assert done.state == "done" and done.destroyed == [old_master]

    current = deps.keyring.current_key()
    blob = deps.blobs.get(message.raw_key).decode()
    assert deps.keyring.key_of(blob) == current
    assert deps.keyring.decrypt(blob, contexts.mail(message.id, "raw")) == raw
    moved = deps.repos.inbox.get(message.id)
    assert deps.keyring.key_of(moved.envelope) == current
    (reply_after,) = deps.repos.outbox.for_record(K.complaint_pk(result.complaint_id), channel="mail")
    assert deps.keyring.key_of(reply_after.body) == current and open_body(deps, reply_after) == text
    with pytest.raises(DecryptionError):  # what was sealed under the retired key opens no more
        open_body(deps, reply)
