"""Local adapter of the keyring port: AES-GCM envelope encryption under a master key file.

The key file is created on first run with mode 0600 in a folder of mode 0700, apart from
the database, so a copy of the database alone decrypts nothing. Each encryption draws a
fresh data key, wrapped by the master key with the encryption context as associated data.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import stat
from pathlib import Path
from typing import Mapping

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from portal.crypto.envelope import b64d, b64e, context_bytes, open_sealed, pack, seal, unpack
from portal.ports import DecryptionError


def ensure_secret_file(path: Path, nbytes: int = 32) -> bytes:
    """Read a base64 secret file, creating it (0600, folder 0700) on first use."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        mode = stat.S_IMODE(path.stat().st_mode)
        if mode & 0o077:
            raise PermissionError(f"{path} is readable by others (mode {mode:o}); chmod 600 it") from None
        return b64d(path.read_text().strip())
    with os.fdopen(fd, "w") as handle:
        handle.write(b64e(secrets.token_bytes(nbytes)) + "\n")
    return b64d(path.read_text().strip())


class LocalKeyring:
    def __init__(self, key_file: str | Path):
        self._master = ensure_secret_file(Path(key_file))
        if len(self._master) != 32:
            raise ValueError("the master key must be 32 bytes")
        self.key_id = "local-" + hashlib.sha256(self._master).hexdigest()[:12]

    def encrypt(self, plaintext: bytes, context: Mapping[str, str]) -> str:
        aad = context_bytes(context)
        data_key = AESGCM.generate_key(bit_length=256)
        nonce = os.urandom(12)
        wrapped = nonce + AESGCM(self._master).encrypt(nonce, data_key, aad)
        return pack(self.key_id, wrapped, seal(data_key, plaintext, aad))

    def decrypt(self, envelope: str, context: Mapping[str, str]) -> bytes:
        key_id, wrapped, sealed = unpack(envelope)
        if key_id != self.key_id:
            raise DecryptionError("envelope was made under another key")
        aad = context_bytes(context)
        try:
            data_key = AESGCM(self._master).decrypt(wrapped[:12], wrapped[12:], aad)
        except InvalidTag:
            raise DecryptionError("envelope does not decrypt under this context") from None
        return open_sealed(data_key, sealed, aad)
