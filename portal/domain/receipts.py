"""Receipts: the reporter's only credential. 16 random digits (about 53 bits) from
``secrets``, shown once; the store keeps only a keyed hash (``portal.crypto.hashing``)."""

from __future__ import annotations

import re
import secrets

RECEIPT_DIGITS = 16
_SEPARATORS = re.compile(r"[\s\-－—_.·]+")


def new_receipt() -> str:
    return "".join(str(secrets.randbelow(10)) for _ in range(RECEIPT_DIGITS))


def normalize(text: str | None) -> str | None:
    """Digits only, separators forgiven (and full-width digits folded); None if malformed."""
    if not text or len(text) > 64:
        return None
    folded = "".join(chr(ord(ch) - 0xFEE0) if "０" <= ch <= "９" else ch for ch in text.strip())
    digits = _SEPARATORS.sub("", folded)
    if len(digits) != RECEIPT_DIGITS or not digits.isascii() or not digits.isdigit():
        return None
    return digits


def display(receipt: str) -> str:
    return " ".join(receipt[i:i + 4] for i in range(0, RECEIPT_DIGITS, 4))
