"""Receipts: 16 random digits, shown grouped, forgiving of separators on input."""

from __future__ import annotations

from portal.crypto.hashing import KeyedHasher
from portal.domain.receipts import display, new_receipt, normalize


def test_sixteen_random_digits():
    receipts = {new_receipt() for _ in range(200)}
    assert len(receipts) == 200
    assert all(len(r) == 16 and r.isdigit() for r in receipts)


def test_display_and_normalize_round_trip():
    r = "0123456789012345"
    assert display(r) == "0123 4567 8901 2345"
    assert normalize(display(r)) == r
    assert normalize("0123-4567-8901-2345") == r
    assert normalize("０１２３４５６７８９０１２３４５") == r  # full-width digits from a Chinese IME


def test_malformed_receipts_are_none():
    for text in (None, "", "123", "0123 4567 8901 234x", "1" * 17, "１" * 3, "٠١٢٣٤٥٦٧٨٩٠١٢٣٤٥", "1" * 100):
        assert normalize(text) is None


def test_the_keyed_hash_needs_the_key():
    a, b = KeyedHasher(b"a" * 32), KeyedHasher(b"b" * 32)
    assert a.digest("receipt", "0123456789012345") != b.digest("receipt", "0123456789012345")
    assert a.digest("receipt", "x") != a.digest("phone", "x")  # domain-separated
