"""Masking for text that may quote a reporter: digit runs long enough to be a phone number
or a receipt, and anything shaped like an IP address. Used by the log filter and for
provider error messages kept on outbox rows."""

from __future__ import annotations

import re

_DIGITS = re.compile(r"(?<![0-9A-Za-z])\+?\d[\d \-]{7,}\d(?![0-9A-Za-z])")
_IPV4 = re.compile(r"\b\d{1,3}(?:\.\d{1,3}){3}\b")
_IPV6 = re.compile(r"\b(?:[0-9a-fA-F]{1,4}:){2,7}[0-9a-fA-F]{1,4}\b")


def redact(text: str) -> str:
    text = _IPV4.sub("[ip]", text)
    text = _IPV6.sub("[ip]", text)
    return _DIGITS.sub("[digits]", text)
