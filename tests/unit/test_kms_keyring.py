"""What the keyring contract cannot say about the KMS adapter: the envelope layout, the
encryption context KMS sees, how long and for what data keys are cached, which errors
become DecryptionError."""

from __future__ import annotations

import threading

import pytest
from botocore.exceptions import ClientError
from botocore.stub import Stubber
from moto import mock_aws

from portal.crypto.envelope import b64d, context_bytes, open_sealed
from portal.crypto.kms_keyring import KmsKeyring
from portal.crypto.local_keyring import LocalKeyring
from portal.ports import DecryptionError
from tests.aws import aws_settings, create_kms_key, kms_client

CTX = {"record": "complaint/01ABC", "field": "contact"}
OTHER = {"record": "complaint/01XYZ", "field": "contact"}


class Tick:
    """A monotonic clock the test moves."""

    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class Calls:
    """Counts the KMS operations a client sends (botocore event hooks)."""

    def __init__(self, client):
        self.names: list[str] = []
        client.meta.events.register("before-call.kms.*", self._seen)

    def _seen(self, model, **_):
        self.names.append(model.name)

    def count(self, name: str) -> int:
        return self.names.count(name)


@pytest.fixture
def key_id():
    with mock_aws():
        yield create_kms_key()


@pytest.fixture
def tick():
    return Tick()


def keyring_with_calls(key_id, tick, **options) -> tuple[KmsKeyring, Calls]:
    client = kms_client()
    return KmsKeyring(client, key_id, clock=tick, **options), Calls(client)


def test_envelope_holds_the_kms_ciphertext_of_a_data_key_bound_to_the_context(key_id, tick):
    keyring, _ = keyring_with_calls(key_id, tick)
    envelope = keyring.encrypt(b"+8613800138000", CTX)
    prefix, field, wrapped, sealed = envelope.split(".")
    assert (prefix, field) == ("env1", "kms")
    client = kms_client()
    data_key = client.decrypt(CiphertextBlob=b64d(wrapped), EncryptionContext=CTX)["Plaintext"]
    assert open_sealed(data_key, sealed, context_bytes(CTX)) == b"+8613800138000"
    with pytest.raises(ClientError) as refused:
        client.decrypt(CiphertextBlob=b64d(wrapped), EncryptionContext=OTHER)
    assert refused.value.response["Error"]["Code"] == "InvalidCiphertextException"


def test_decryption_keys_are_cached_for_the_window_only(key_id, tick):
    writer, _ = keyring_with_calls(key_id, tick)
    envelope = writer.encrypt(b"secret", CTX)
    reader, calls = keyring_with_calls(key_id, tick)  # another container
    for _ in range(50):
        assert reader.decrypt(envelope, CTX) == b"secret"
    assert calls.count("Decrypt") == 1
    tick.now += 299
    reader.decrypt(envelope, CTX)
    assert calls.count("Decrypt") == 1
    tick.now += 2
    reader.decrypt(envelope, CTX)
    assert calls.count("Decrypt") == 2


def test_a_cached_key_never_opens_the_envelope_under_another_context(key_id, tick):
    keyring, calls = keyring_with_calls(key_id, tick)
    envelope = keyring.encrypt(b"secret", CTX)
    keyring.decrypt(envelope, CTX)
    with pytest.raises(DecryptionError):
        keyring.decrypt(envelope, OTHER)
    assert calls.count("Decrypt") == 2  # the second context went to KMS, which refused it


def test_the_decryption_cache_holds_a_bounded_number_of_keys(key_id, tick):
    keyring, calls = keyring_with_calls(key_id, tick, cache_entries=2)
    envelopes = [keyring.encrypt(b"x", {"record": f"complaint/{n}", "field": "contact"}) for n in range(3)]
    for n, envelope in enumerate(envelopes):
        keyring.decrypt(envelope, {"record": f"complaint/{n}", "field": "contact"})
    assert calls.count("Decrypt") == 3
    keyring.decrypt(envelopes[2], {"record": "complaint/2", "field": "contact"})
    assert calls.count("Decrypt") == 3
    keyring.decrypt(envelopes[0], {"record": "complaint/0", "field": "contact"})  # evicted
    assert calls.count("Decrypt") == 4


def test_encryption_reuses_a_data_key_for_the_same_context_only(key_id, tick):
    keyring, calls = keyring_with_calls(key_id, tick)
    first = [keyring.encrypt(b"same", CTX) for _ in range(10)]
    assert calls.count("GenerateDataKey") == 1
    assert len({e.split(".")[2] for e in first}) == 1  # one wrapped key ...
    assert len(set(first)) == 10  # ... fresh nonces, so every envelope differs
    other = keyring.encrypt(b"same", OTHER)
    assert calls.count("GenerateDataKey") == 2
    assert other.split(".")[2] != first[0].split(".")[2]
    assert keyring.decrypt(other, OTHER) == b"same"


def test_a_sealing_key_expires_after_the_window_and_the_message_limit(key_id, tick):
    keyring, calls = keyring_with_calls(key_id, tick, messages_per_key=3)
    wrapped = {keyring.encrypt(b"x", CTX).split(".")[2] for _ in range(3)}
    assert calls.count("GenerateDataKey") == 1 and len(wrapped) == 1
    keyring.encrypt(b"x", CTX)  # the fourth message needs a new key
    assert calls.count("GenerateDataKey") == 2
    tick.now += 301
    keyring.encrypt(b"x", CTX)
    assert calls.count("GenerateDataKey") == 3


def test_kms_sees_the_encryption_context_and_the_key(key_id, tick):
    client = kms_client()
    sent = []
    client.meta.events.register("before-parameter-build.kms.*",
                                lambda params, model, **_: sent.append((model.name, params)))
    keyring = KmsKeyring(client, key_id, clock=tick)
    keyring.decrypt(keyring.encrypt(b"x", CTX), CTX)
    (generate, g), (decrypt, d) = sent
    assert generate == "GenerateDataKey" and g["KeySpec"] == "AES_256" and g["EncryptionContext"] == CTX
    assert decrypt == "Decrypt" and d["EncryptionContext"] == CTX and d["KeyId"] == key_id


def test_concurrent_use_is_consistent(key_id, tick):
    keyring, calls = keyring_with_calls(key_id, tick)
    errors = []

    def work(n):
        try:
            for i in range(10):
                ctx = {"record": f"complaint/{i % 3}", "field": "contact"}
                text = f"{n}-{i}".encode()
                assert keyring.decrypt(keyring.encrypt(text, ctx), ctx) == text
        except Exception as exc:  # collected: an assertion in a thread would be lost
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert calls.count("GenerateDataKey") <= 3 * 6  # at worst each thread misses once per context
    assert calls.count("Decrypt") <= calls.count("GenerateDataKey") * 6


def test_envelopes_of_another_keyring_do_not_decrypt(key_id, tick, tmp_path):
    keyring, _ = keyring_with_calls(key_id, tick)
    local = LocalKeyring(tmp_path / "master.key").encrypt(b"x", CTX)
    with pytest.raises(DecryptionError):
        keyring.decrypt(local, CTX)
    with pytest.raises(DecryptionError):
        keyring.decrypt("env1.kms..AAAA", CTX)


def test_a_tampered_wrapped_key_is_a_decryption_error(key_id, tick):
    keyring, _ = keyring_with_calls(key_id, tick)
    prefix, field, wrapped, sealed = keyring.encrypt(b"x", CTX).split(".")
    flipped = wrapped[:-2] + ("A" if wrapped[-2] != "A" else "B") + wrapped[-1]  # inside the GCM tag
    with pytest.raises(DecryptionError):
        keyring.decrypt(".".join((prefix, field, flipped, sealed)), CTX)


def _stubbed(code: str):
    client = kms_client()
    stubber = Stubber(client)
    stubber.add_client_error("decrypt", service_error_code=code, http_status_code=400)
    stubber.activate()
    return KmsKeyring(client, "alias/portal"), stubber


def test_kms_refusals_are_decryption_errors_and_other_failures_propagate(key_id, tick):
    envelope = keyring_with_calls(key_id, tick)[0].encrypt(b"x", CTX)
    keyring, _ = _stubbed("IncorrectKeyException")
    with pytest.raises(DecryptionError):
        keyring.decrypt(envelope, CTX)
    keyring, _ = _stubbed("ThrottlingException")
    with pytest.raises(ClientError) as raised:
        keyring.decrypt(envelope, CTX)
    assert raised.value.response["Error"]["Code"] == "ThrottlingException"
    with pytest.raises(ClientError) as raised:
        KmsKeyring(kms_client(), "alias/no-such-key").encrypt(b"x", CTX)
    assert raised.value.response["Error"]["Code"] == "NotFoundException"


def test_from_settings_uses_the_configured_key(tmp_path, key_id):
    keyring = KmsKeyring.from_settings(aws_settings(tmp_path, kms_key_id=key_id))
    assert keyring.key_id == key_id
    assert keyring.decrypt(keyring.encrypt(b"x", CTX), CTX) == b"x"


# --- rotation: KMS's own key rotation, then ReEncrypt ---------------------------------------


def test_rotation_asks_kms_for_new_key_material_and_rewrap_re_encrypts_each_data_key(key_id, tick):
    keyring, calls = keyring_with_calls(key_id, tick)
    envelopes = {n: keyring.encrypt(f"phone {n}".encode(), {"record": f"complaint/{n}", "field": "contact"})
                 for n in range(3)}
    keyring.rotate()
    assert calls.count("RotateKeyOnDemand") == 1
    rotations = kms_client().list_key_rotations(KeyId=key_id)["Rotations"]
    assert [r["RotationType"] for r in rotations] == ["ON_DEMAND"]
    for n, envelope in envelopes.items():
        context = {"record": f"complaint/{n}", "field": "contact"}
        moved = keyring.rewrap(envelope, context)
        assert moved.split(".")[2] != envelope.split(".")[2] and moved.split(".")[3] == envelope.split(".")[3]
        assert keyring.decrypt(moved, context) == f"phone {n}".encode()
    assert calls.count("ReEncrypt") == 3
    with pytest.raises(DecryptionError):  # ReEncrypt checks the context too
        keyring.rewrap(envelopes[0], OTHER)


def test_key_material_named_by_kms_labels_the_envelopes(tick):
    """Where KMS names the key material of a data key (``KeyMaterialId``), envelopes carry it,
    so the re-wrap knows which ones are under the newest material and skips them."""
    client = kms_client()
    stubber = Stubber(client)
    old, new = "a" * 64, "b" * 64
    stubber.add_response("generate_data_key", {"CiphertextBlob": b"wrapped-old", "Plaintext": b"k" * 32,
                                               "KeyId": "arn:key", "KeyMaterialId": old})
    stubber.add_response("re_encrypt", {"CiphertextBlob": b"wrapped-new", "SourceKeyId": "arn:key", "KeyId": "arn:key",
                                        "SourceKeyMaterialId": old, "DestinationKeyMaterialId": new})
    stubber.activate()
    keyring = KmsKeyring(client, "arn:key", clock=tick)
    envelope = keyring.encrypt(b"x", CTX)
    assert keyring.key_of(envelope) == "kms-" + old[:16] == keyring.current_key()
    assert keyring.rewrap(envelope, CTX) is None  # already under the newest material this process knows
    keyring._current = "kms"  # a rotation happened elsewhere: the next data key names the new material
    moved = keyring.rewrap(envelope, CTX)
    assert keyring.key_of(moved) == "kms-" + new[:16] == keyring.current_key()
    assert keyring.labels_identify_keys and keyring.rewrap(moved, CTX) is None
    stubber.assert_no_pending_responses()


def test_the_re_wrap_on_kms_re_encrypts_every_envelope_once_and_finishes(tmp_path, key_id):
    from portal.crypto.kms_keyring import KmsKeyring as Kms
    from portal.services.deps import build_deps
    from portal.services.keys import rewrap, rotation
    from portal.store.sqlite import SqliteStore
    from tests.fakes.clock import ManualClock
    from tests.services.helpers import file

    clock = ManualClock()
    settings = aws_settings(tmp_path, kms_key_id=key_id, blobs="files", demo="1")
    deps = build_deps(settings, clock=clock, store=SqliteStore(settings.sqlite_file, epoch=clock.epoch),
                      keyring=Kms(kms_client(), key_id))
    complaint, _ = file(deps, phone="13800138000", verify=True)
    before = deps.repos.complaints.get(complaint.id).contact.envelope
    started = rotation.rotate(deps, "master", "cli", clock.now()).rotation
    assert started.not_before == clock.now() + __import__("datetime").timedelta(seconds=600)
    done = rewrap.run_to_end(deps, clock.now())
    assert done.state == "done" and done.passes == 1 and done.total_rewrapped >= 3  # contact, code row, secret
    after = deps.repos.complaints.get(complaint.id).contact.envelope
    assert after.split(".")[2] != before.split(".")[2]
    assert deps.keyring.decrypt(after, {"record": f"complaint/{complaint.id}", "field": "contact"}) == b"+8613800138000"
    deps.close()
