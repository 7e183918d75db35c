"""SMS texts (issue: deadlines, part 5): Chinese, short, linking to the status page, and never
holding the receipt or anything that identifies the reporter or the reported party."""

from __future__ import annotations

import re

import pytest

from portal.domain.complaint import DECLINE_REASONS, Finding, Notify
from portal.notify.texts import code_text, text_for

URL = "https://jubao.example.gov.cn"


@pytest.mark.parametrize("kind", list(Notify))
def test_every_text_is_short_chinese_with_the_status_link(kind):
    body = text_for(kind, signature="【炎陵查违】", public_url=URL, decline_reason="already_handled",
                    finding=Finding.SUBSTANTIATED.value)
    assert body.startswith("【炎陵查违】")
    assert body.endswith(URL + "/status")
    assert len(body) <= 140  # at most two 70-character UCS-2 segments
    assert re.search(r"[\u4e00-\u9fff]{6}", body)
    assert not re.search(r"\d{6,}", body)  # no receipt, no phone number, no long id


def test_a_decline_text_carries_only_the_standard_reason():
    for reason, title in DECLINE_REASONS.items():
        body = text_for(Notify.DECLINED, signature="【炎陵查违】", public_url=URL, decline_reason=reason)
        assert title in body


def test_the_code_text_holds_the_code_and_nothing_else_identifying():
    body = code_text("123456", "【炎陵查违】")
    assert "123456" in body and "http" not in body and len(body) <= 70


def test_the_reward_code_text_holds_the_code_and_nothing_else_identifying():
    """004 C20, L17: the code that lets the first reporter claim the reward, and nothing more."""
    from portal.notify.texts import reward_code_text

    body = reward_code_text("654321", "【炎陵查违】")
    assert body.startswith("【炎陵查违】") and "654321" in body and "奖励" in body
    assert "http" not in body and len(body) <= 70
