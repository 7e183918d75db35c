"""The receipt as typed (004 C20, L17: the receipt is the anonymous reporter's only key to the
report): separators are forgiven, but input longer than 64 characters is refused unread."""

from __future__ import annotations

from portal.domain.receipts import normalize

DIGITS = "1234567890123456"


def test_004_c20_a_receipt_typed_with_separators_up_to_64_characters_is_read():
    spaced = "   ".join(DIGITS[i:i + 4] for i in range(0, 16, 4))
    padded = spaced + " " * (64 - len(spaced))
    assert len(padded) == 64 and normalize(padded) == DIGITS
    assert normalize(padded + " ") is None  # 65 characters: refused before it is read
    assert normalize("-".join(DIGITS)) == DIGITS
