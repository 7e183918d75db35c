"""The SMS-sender contract: the local outbox sender and Twilio (against the local fake
Twilio API) pass it unchanged."""

from __future__ import annotations


def test_send_returns_a_provider_id_and_a_status(sms_sender):
    receipt = sms_sender.send("+8613800138000", "【炎陵查违】测试", callback_url="https://portal.test/hooks/twilio/status")
    assert receipt.provider_id
    assert receipt.status in ("sent", "delivered")


def test_each_message_gets_its_own_id(sms_sender):
    a = sms_sender.send("+8613800138000", "one")
    b = sms_sender.send("+8613800138000", "two")
    assert a.provider_id != b.provider_id
