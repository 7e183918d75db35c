"""The audit trail: every time a staff member opens a ticket or one of its photos, exports
the ledger, or acts (the workflow writes the action's entry in the action's own
transaction). Supervisors read the trail of every ticket they can see; the discipline
commission reads the trail of its own tickets (``Action.AUDIT``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from portal.domain.access import Action, Actor, Role, can
from portal.domain.complaint import Complaint
from portal.domain.errors import Forbidden
from portal.i18n import N_
from portal.services import scope
from portal.services.deps import Deps
from portal.timeutil import from_store

ACTION_TITLES = {
    "view": N_("查看举报"),
    "view_photo": N_("查看照片"),
    "export": N_("导出台账"),
    "view_audit": N_("查看操作记录"),
    "accept": N_("受理"),
    "decline": N_("不予受理"),
    "transfer": N_("移交"),
    "ask_info": N_("请举报人补充信息"),
    "onsite": N_("登记现场核查"),
    "stop_order": N_("责令停止违法行为"),
    "rectified": N_("登记整改完成"),
    "conclude": N_("办结"),
    "written_notice": N_("登记书面告知"),
    "reopen": N_("重新办理"),
    "assign": N_("分派经办人"),
    "case_merge": N_("合并案件"),
    "case_split": N_("拆分案件"),
    "case_mark": N_("标记存量/新增"),
    "disclosure_request": N_("申请查看举报人联系方式"),
    "disclosure_approve": N_("批准查看举报人联系方式"),
    "disclosure_deny": N_("拒绝查看举报人联系方式"),
    "disclosure_view": N_("查看举报人联系方式"),
    "disclosure_withdraw": N_("撤销查看举报人联系方式的申请"),
    "login": N_("登录"),
    "password_changed": N_("修改密码"),
    "account_created": N_("创建账号"),
    "totp_reset": N_("重置动态验证码"),
    "account_unlocked": N_("解除锁定"),
    "account_deactivated": N_("停用账号"),
    "account_reactivated": N_("恢复使用账号"),
    "phone_set": N_("登记本人手机（奖励核对）"),
    "phone_removed": N_("删除本人手机登记"),
    "reward_propose": N_("提出奖励建议"),
    "reward_approve": N_("批准奖励"),
    "reward_reject": N_("驳回奖励建议"),
    "reward_hold": N_("暂停发放奖励"),
    "reward_release": N_("复核通过，恢复发放"),
    "reward_refuse": N_("复核不通过，不予发放"),
    "reward_clear_flag": N_("处理奖励复核标记"),
    "reward_payee_read": N_("查看奖励收款信息"),
    "reward_code_check": N_("核对领奖码"),
    "reward_pay": N_("登记奖励发放"),
    "reward_export": N_("导出奖励台账"),
    "view_oversight": N_("查看督办统计"),
    "export_oversight": N_("导出督办统计"),
    "monthly_review": N_("月度调度检查（乡镇1个月内未查处）"),
    "register": N_("登记举报"),
    "register_backdated": N_("登记举报（补录：收到日期早于登记日期）"),
    "notice_print": N_("打印书面告知书（查看举报人通信地址）"),
    "notice_post": N_("登记书面告知书已寄出"),
    "feedback": N_("登记向交办（移交）单位反馈"),
    "inbox_view": N_("查看举报邮件"),
    "inbox_dismiss": N_("举报邮件不予登记"),
    "key_rotated": N_("更换密钥"),
    "keys_rewrapped": N_("旧密钥加密的数据已全部改用新密钥"),
    "campaign_create": N_("建立专项行动"),
    "campaign_view": N_("查看专项行动"),
    "campaign_add": N_("纳入已有举报"),
    "campaign_survey": N_("登记排查发现的问题"),
    "campaign_progress": N_("报送整改进展"),
    "campaign_notice_issue": N_("印发进展通报"),
    "campaign_notice_download": N_("下载进展通报"),
    "campaign_export": N_("导出专项行动台账"),
}


@dataclass(frozen=True)
class AuditLine:
    at: datetime
    actor: str
    role: str
    unit: str
    action: str
    complaint_id: str | None
    detail: dict


def record(deps: Deps, actor: Actor, action: str, now: datetime, complaint: Complaint | None = None,
           detail: dict | None = None) -> None:
    deps.repos.audit.record(at=now, actor=actor.username, role=actor.role.value, unit=actor.unit, action=action,
                            county=complaint.county if complaint else actor.county,
                            complaint_id=complaint.id if complaint else None, detail=detail)


def _line(row: dict) -> AuditLine:
    return AuditLine(at=from_store(row["at"]), actor=row["actor"], role=row["role"], unit=row["unit"],
                     action=row["action"], complaint_id=row.get("complaint"), detail=dict(row.get("detail") or {}))


def for_ticket(deps: Deps, actor: Actor, complaint_id: str, now: datetime) -> tuple[Complaint, list[AuditLine]]:
    complaint = scope.load(deps, actor, complaint_id)
    scope.require(actor, Action.AUDIT, complaint)
    lines = [_line(r) for r in deps.repos.audit.for_complaint(complaint.id)]
    record(deps, actor, "view_audit", now, complaint)
    return complaint, sorted(lines, key=lambda line: line.at, reverse=True)


def recent(deps: Deps, actor: Actor, now: datetime, limit: int = 200) -> list[AuditLine]:
    """The county's latest entries the actor may read: those of tickets it may audit, and (for
    supervisors) the account changes, which concern no ticket."""
    if actor.role not in (Role.SUPERVISOR, Role.DISCIPLINE):
        raise Forbidden(scope.FORBIDDEN)
    allowed: dict[str, bool] = {}
    out = []
    for row in deps.repos.audit.recent(actor.county, limit=limit):
        complaint_id = row.get("complaint")
        if complaint_id is None:
            if actor.role == Role.SUPERVISOR:
                out.append(_line(row))
            continue
        if complaint_id not in allowed:
            complaint = scope.visible(deps, actor, complaint_id)
            allowed[complaint_id] = complaint is not None and can(actor, Action.AUDIT, complaint)
        if allowed[complaint_id]:
            out.append(_line(row))
    record(deps, actor, "view_audit", now)
    return out
