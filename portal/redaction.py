"""Masking for text that may quote a reporter: digit runs long enough to be a phone number
or a receipt, anything that is an IP address, and email addresses (a reporter who wrote to a
unit's published address, 004 C20). Used by the log filter and for provider (SMS and mail
server) error messages kept on outbox rows.

IPv6 is found in every written form (full, compressed with ``::``, with an embedded IPv4
tail or a zone): a permissive pattern picks candidates and ``ipaddress`` decides, so a time
such as ``12:30:45`` or other colon-separated text is left alone. Boundaries are ASCII, so an
address written right against Chinese text is still found."""

from __future__ import annotations

import ipaddress
import re

_DIGITS = re.compile(r"(?<![0-9A-Za-z])\+?\d[\d \-]{7,}\d(?![0-9A-Za-z])")
_EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+")
_IPV4 = re.compile(r"\b\d{1,3}(?:\.\d{1,3}){3}\b", re.ASCII)
#: candidates: hex digits, colons and dots with at least two colons, an optional zone
_IPV6 = re.compile(r"(?<![\w:.])[0-9A-Fa-f.]*:[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*(?:%[\w.\-]+)?", re.ASCII)


def _ipv6(match: re.Match) -> str:
    text = match.group(0)
    core = text.rstrip(":.")  # punctuation closing a sentence ("... from 2409:8a00::1.") is not part of it
    for candidate in (text, core) if core != text else (text,):
        try:
            address = ipaddress.ip_address(candidate)
        except ValueError:
            continue
        if address.version == 6 and address != ipaddress.IPv6Address("::"):
            return "[ip]" + text[len(candidate):]
    return text


def redact(text: str) -> str:
    text = _EMAIL.sub("[email]", text)
    text = _IPV6.sub(_ipv6, text)
    text = _IPV4.sub("[ip]", text)
    return _DIGITS.sub("[digits]", text)
