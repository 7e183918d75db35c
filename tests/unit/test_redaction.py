"""The masking every log record and provider error passes through (threat model 5.3 and the
residual-risk row on third-party logs): addresses in every written form go, times and other
colon-separated text stay."""

from __future__ import annotations

import pytest

from portal.redaction import redact


@pytest.mark.parametrize("text, expected", [
    ("client 2409:8a00::1 here", "client [ip] here"),  # compressed, the usual form on Chinese mobile networks
    ("240e:3b4:38e0:1::5", "[ip]"),  # nothing of the tail is left
    ("from ::1.", "from [ip]."),
    ("2001:0db8:0000:0000:0000:ff00:0042:8329 full", "[ip] full"),
    ("2409:8A00:0:0:0:0:0:1", "[ip]"),
    ("mapped ::ffff:192.0.2.1 x", "mapped [ip] x"),
    ("link fe80::1%eth0 y", "link [ip] y"),
    ("[2409:8a00::1]:443", "[[ip]]:443"),
    ("客户端2409:8a00::1访问", "客户端[ip]访问"),  # written against Chinese text
    ("客户端192.0.2.7访问", "客户端[ip]访问"),
    ("client 203.0.113.9 here", "client [ip] here"),
])
def test_every_written_form_of_an_address_is_masked(text, expected):
    assert redact(text) == expected


@pytest.mark.parametrize("text", [
    "sent at 12:30:45 today",
    "at 12:30:45.123 sweep done",
    "open 10:00-12:00",
    "ratio 1:2:3",
    "std::vector",
    "a::b::c",
    "mac aa:bb:cc:dd:ee:ff",
    "key :: value",
])
def test_times_and_other_colon_text_are_left_alone(text):
    assert redact(text) == text


def test_numbers_are_still_masked_beside_addresses():
    assert redact("13800138000 from 2409:8a00::1") == "[digits] from [ip]"


@pytest.mark.parametrize("text, expected", [
    ("reply to Wang.Reporter+x@Example.CN failed", "reply to [email] failed"),
    ("550 5.1.1 <wang@mail.example.cn>: no such user", "550 5.1.1 <[email]>: no such user"),
    ("举报人wang.reporter@example.cn来信", "举报人[email]来信"),
])
def test_004_c20_an_email_address_is_masked(text, expected):
    """A reporter who wrote to a unit's published address (004 C20, L17) is named by it."""
    assert redact(text) == expected
