"""SMS texts: Chinese, short, and never holding anything that identifies the reporter or the
reported party, nor the receipt, with one exception: the receipt SMS of a report registered by
phone (004 C20, L17), which reaches a phone the reporter verified by reading back its code, is
sealed in the outbox and dropped once sent. Each links to the status page, where the reporter
signs in with the receipt. Only standard wording goes out: a decline's free-text reason, a
result's details and a question's words stay on the status page."""

from __future__ import annotations

from portal.domain.complaint import DECLINE_REASONS, FINDING_TITLES, Finding, Notify
from portal.i18n import N_

TEXTS = {
    Notify.RECEIVED: N_("%(sig)s您的举报已收到，将在3个工作日内决定是否受理。查询进展：%(url)s"),
    Notify.ACCEPTED: N_("%(sig)s您的举报已受理，正在核查处理。查询进展：%(url)s"),
    Notify.DECLINED: N_("%(sig)s您的举报不予受理，理由：%(reason)s。详情请查询：%(url)s"),
    Notify.INFO_REQUESTED: N_("%(sig)s办理部门请您补充举报信息，请凭回执号在查询页面回复：%(url)s"),
    Notify.RESULT: N_("%(sig)s您的举报已办结，核查结论：%(finding)s。处理结果请查询：%(url)s"),
    Notify.REWARD: N_("%(sig)s您的举报经查属实，可申领举报奖励，请凭回执号在查询页面办理：%(url)s"),
}
CODE_TEXT = N_("%(sig)s验证码%(code)s，10分钟内有效，用于接收举报进展短信。请勿告诉他人。")
RECEIPT_TEXT = N_("%(sig)s您的举报已登记，回执号%(receipt)s，请妥善保存，勿告诉他人。3个工作日内决定是否受理，办结后7个工作日内告知结果。"
                  "查询：%(url)s")
REWARD_CODE_TEXT = N_("%(sig)s领奖验证码%(code)s，10分钟内有效，仅用于申领举报奖励。请勿告诉他人。")


def status_url(public_url: str) -> str:
    return public_url.rstrip("/") + "/status"


def text_for(kind: Notify, *, signature: str, public_url: str, decline_reason: str | None = None,
             finding: str | None = None) -> str:
    params = {"sig": signature, "url": status_url(public_url)}
    if kind == Notify.DECLINED:
        params["reason"] = DECLINE_REASONS.get(decline_reason or "other", DECLINE_REASONS["other"])
    if kind == Notify.RESULT:
        params["finding"] = FINDING_TITLES[Finding(finding)] if finding else ""
    return TEXTS[kind] % params


def code_text(code: str, signature: str) -> str:
    return CODE_TEXT % {"sig": signature, "code": code}


def reward_code_text(code: str, signature: str) -> str:
    return REWARD_CODE_TEXT % {"sig": signature, "code": code}


def receipt_text(receipt: str, signature: str, public_url: str) -> str:
    from portal.domain.receipts import display

    return RECEIPT_TEXT % {"sig": signature, "receipt": display(receipt), "url": status_url(public_url)}
