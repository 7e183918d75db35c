"""Local adapter of the keyring port: AES-GCM envelope encryption under a master key file.

The key file is created on first run with mode 0600 in a folder of mode 0700, apart from
the database, so a copy of the database alone decrypts nothing. Each encryption draws a
fresh data key, wrapped by the master key with the encryption context as associated data.

Rotation (``portal keys rotate``): the current key moves to ``retired/master-<id>.key`` and a
new one takes its place. New envelopes use the new key; old ones still open under the
retired key, named by the key id each envelope carries. ``rewrap`` moves an envelope to the
current key by re-wrapping its data key only (the sealed payload stays as it is); once no
envelope under a retired key remains, ``retire`` destroys that key. Every process notices a
rotation on its next use (the key folder is checked at most once a second), so one serving
``portal serve`` never keeps encrypting under a retired key.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import stat
import threading
import time
from pathlib import Path
from typing import Mapping


from portal.crypto.envelope import b64d, b64e, context_bytes, open_sealed, pack, seal, unpack
from portal.ports import DecryptionError

#: the folder, beside the key files, of keys rotated out but still needed to read
RETIRED = "retired"


def _check_mode(path: Path) -> None:
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        raise PermissionError(f"{path} is readable by others (mode {mode:o}); chmod 600 it")


def ensure_secret_file(path: Path, nbytes: int = 32) -> bytes:
    """Read a base64 secret file, creating it (0600, folder 0700) on first use."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        _check_mode(path)
        return b64d(path.read_text().strip())
    with os.fdopen(fd, "w") as handle:
        handle.write(b64e(secrets.token_bytes(nbytes)) + "\n")
    return b64d(path.read_text().strip())


def _write_secret(path: Path, value: bytes) -> None:
    """Write a secret file atomically (0600): a reader sees the old file or the new one."""
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(b64e(value) + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)
    folder = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(folder)
    finally:
        os.close(folder)


def rotate_secret_file(path: Path, prefix: str, key_id) -> tuple[bytes, bytes]:
    """Move the secret in ``path`` to ``retired/<prefix>-<id>.key`` and put a new one in its
    place; returns (old, new). The retired copy is written first, so a crash never loses the
    key old data needs."""
    old = ensure_secret_file(path)
    retired = path.parent / RETIRED
    retired.mkdir(mode=0o700, exist_ok=True)
    _write_secret(retired / f"{prefix}-{key_id(old)}.key", old)
    new = secrets.token_bytes(len(old))
    _write_secret(path, new)
    return old, new


def retired_secrets(path: Path, prefix: str) -> list[bytes]:
    """The retired secrets of ``path``'s kind, oldest first."""
    folder = path.parent / RETIRED
    if not folder.is_dir():
        return []
    files = sorted(folder.glob(f"{prefix}-*.key"), key=lambda p: p.stat().st_mtime_ns)
    for file in files:
        _check_mode(file)
    return [b64d(f.read_text().strip()) for f in files]


def destroy_retired(path: Path, prefix: str, wanted_id: str, key_id) -> bool:
    """Overwrite and remove the retired secret whose id is ``wanted_id``; True if it existed."""
    folder = path.parent / RETIRED
    for file in folder.glob(f"{prefix}-*.key") if folder.is_dir() else []:
        if key_id(b64d(file.read_text().strip())) == wanted_id:
            size = file.stat().st_size
            with open(file, "r+b") as handle:
                handle.write(b"\0" * size)
                handle.flush()
                os.fsync(handle.fileno())
            file.unlink()
            return True
    return False


def key_id_of(master: bytes) -> str:
    return "local-" + hashlib.sha256(master).hexdigest()[:12]


class LocalKeyring:
    #: seconds between two looks at the key folder for a rotation by another process
    RECHECK = 1.0
    PREFIX = "master"
    #: an envelope's key field names the exact master key that wrapped it
    labels_identify_keys = True
    #: seconds after a rotation before every process seals under the new key (``RECHECK``)
    rotation_grace = 2.0

    def __init__(self, key_file: str | Path):
        self._path = Path(key_file)
        self._lock = threading.Lock()
        self._checked = 0.0
        self._stamp = None
        self._load()

    # --- keys ------------------------------------------------------------------------------
    def _folder_stamp(self):
        retired = self._path.parent / RETIRED
        names = tuple(sorted(os.listdir(retired))) if retired.is_dir() else ()
        st = self._path.stat()
        return st.st_ino, st.st_mtime_ns, names

    def _load(self) -> None:
        current = ensure_secret_file(self._path)
        if len(current) != 32:
            raise ValueError("the master key must be 32 bytes")
        keys = {key_id_of(k): k for k in retired_secrets(self._path, self.PREFIX)}
        keys[key_id_of(current)] = current
        self._master, self.key_id, self._keys = current, key_id_of(current), keys
        self._stamp = self._folder_stamp()

    def _fresh(self, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self._checked < self.RECHECK:
            return
        with self._lock:
            self._checked = now
            if self._folder_stamp() != self._stamp:
                self._load()

    # --- the port --------------------------------------------------------------------------
    def encrypt(self, plaintext: bytes, context: Mapping[str, str]) -> str:
        self._fresh()
        aad = context_bytes(context)
        data_key = os.urandom(32)  # an AES-256 key (what AESGCM.generate_key gives)
        return pack(self.key_id, self._wrap(self._master, data_key, aad), seal(data_key, plaintext, aad))

    def decrypt(self, envelope: str, context: Mapping[str, str]) -> bytes:
        key_id, wrapped, sealed = unpack(envelope)
        aad = context_bytes(context)
        return open_sealed(self._unwrap(key_id, wrapped, aad), sealed, aad)

    # --- rotation --------------------------------------------------------------------------
    def current_key(self) -> str:
        self._fresh()
        return self.key_id

    @staticmethod
    def key_of(envelope: str) -> str:
        return unpack(envelope)[0]

    def rewrap(self, envelope: str, context: Mapping[str, str]) -> str | None:
        """The envelope with its data key wrapped by the current key, or None if it already is."""
        key_id, wrapped, sealed = unpack(envelope)
        if key_id == self.current_key():
            return None
        aad = context_bytes(context)
        data_key = self._unwrap(key_id, wrapped, aad)
        return pack(self.key_id, self._wrap(self._master, data_key, aad), sealed)

    def rotate(self) -> tuple[str, str]:
        """A new master key; the old one is kept, retired. Returns (retired id, new id)."""
        with self._lock:
            old, new = rotate_secret_file(self._path, self.PREFIX, key_id_of)
            self._load()
        return key_id_of(old), key_id_of(new)

    def retired_keys(self) -> list[str]:
        self._fresh()
        return [k for k in self._keys if k != self.key_id]

    def retire(self, key_id: str) -> bool:
        """Destroy a retired key (only once nothing under it remains: ``services.keys.rewrap``)."""
        if key_id == self.current_key():
            raise ValueError("the current key cannot be retired")
        with self._lock:
            gone = destroy_retired(self._path, self.PREFIX, key_id, key_id_of)
            self._load()
        return gone

    # --- wrapping ------------------------------------------------------------------------------
    @staticmethod
    def _wrap(master: bytes, data_key: bytes, aad: bytes) -> bytes:
        # cryptography at the first use: loading its Rust library is a tenth of a cold start
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        nonce = os.urandom(12)
        return nonce + AESGCM(master).encrypt(nonce, data_key, aad)

    def _unwrap(self, key_id: str, wrapped: bytes, aad: bytes) -> bytes:
        from cryptography.exceptions import InvalidTag
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        master = self._keys.get(key_id)
        if master is None:
            self._fresh(force=True)  # rotated by another process since
            master = self._keys.get(key_id)
        if master is None:
            raise DecryptionError("envelope was made under another key")
        try:
            return AESGCM(master).decrypt(wrapped[:12], wrapped[12:], aad)
        except InvalidTag:
            raise DecryptionError("envelope does not decrypt under this context") from None
