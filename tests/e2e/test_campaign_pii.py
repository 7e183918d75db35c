"""Nothing about a reporter appears in a campaign's pages or files (issue 17; 004 C20: 为举报人、
投诉人做好身份信息保密). A citizen files with a phone, their own words, an address and an exact
place, verifies the phone and answers a question; the report is added to a campaign like 003's,
handled, checked and written off, and the notice is prepared and issued. Then every campaign
page (the office's and the township's, Chinese and English), the notice (.docx), the ledger in
both forms (.xlsx), the campaign's stored records and every log line are searched for the
receipt, the phone, the reporter's words, address and reply, and the exact coordinates: no hit.
(The whole life of a report is swept by ``test_pii_sweep``; this adds the campaign's views.)"""

from __future__ import annotations

import io
import json
import logging
import zipfile


from portal.domain.receipts import display
from portal.services import sweeper
from portal.store.repositories.campaigns import campaign_pk
from tests import campaign_sample as sample
from tests.campaign_sample import at
from tests.conftest import PUBLIC_URL
from tests.services.helpers import last_code
from tests.web.staff_support import fast_argon2, file, signed_in  # noqa: F401
from tests.e2e.test_pii_sweep import phone_forms, receipt_forms

PHONE = "13912345678"
WORDS = "邻居老周在自家承包田里偷偷盖了两层小楼"
ADDRESS = "石龙村七组周家屋后"
REPLY = "小楼在池塘东边第三户后面"
PLACE = ("26.46173", "113.85219")  # 霞阳镇, outside the built-up area


def unzipped(data: bytes) -> str:
    """The XML text of an Office file (a zip), every part."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return "\n".join(z.read(name).decode("utf-8", "replace") for name in z.namelist())


def test_no_reporter_data_in_a_campaign_s_pages_or_files(app, deps, clock, caplog):
    caplog.set_level(logging.DEBUG)
    at(deps, "2027-06-01T09:00:00+08:00")
    filed = file(deps, category="l1-occupy-land", place=PLACE, phone=PHONE, description=WORDS, address=ADDRESS)
    reporter = app.test_client()
    code = last_code(deps, filed.complaint_id)
    assert "手机号码已验证" in reporter.post("/status/verify", base_url=PUBLIC_URL,
                                        data={"receipt": filed.receipt, "code": code}).text
    officer = signed_in(app, deps, clock, "officer")
    officer.act(filed.complaint_id, "accept", {"note": ""})
    officer.act(filed.complaint_id, "ask-info", {"question": "请补充具体位置"})
    assert "补充信息已提交" in reporter.post("/status/reply", base_url=PUBLIC_URL,
                                       data={"receipt": filed.receipt, "text": REPLY}).text
    secrets = {"phone": phone_forms(PHONE), "receipt": receipt_forms(filed.receipt) + [display(filed.receipt)],
               "words": [WORDS, WORDS[:10]], "address": [ADDRESS], "reply": [REPLY],
               "place": [PLACE[0], PLACE[1], PLACE[0][:7], PLACE[1][:8]]}

    campaign = sample.create_003(deps)
    supervisor = signed_in(app, deps, clock, "supervisor")
    assert supervisor.post(f"/staff/campaigns/{campaign.id}/items", {"tickets": [filed.complaint_id]}).status_code == 303
    township = signed_in(app, deps, clock, "township")  # 霞阳镇
    assert township.post(f"/staff/campaigns/{campaign.id}/items/{filed.complaint_id}/progress",
                         {"note": "已责令停工"}).status_code == 303
    at(deps, "2027-06-10T09:00:00+08:00")
    sample.conclude(deps, filed.complaint_id, "xiayang")
    supervisor = signed_in(app, deps, clock, "supervisor", username="supervisor-2")
    supervisor.post(f"/staff/campaigns/{campaign.id}/items/{filed.complaint_id}/acceptance-check",
                    {"level": "county", "meets_standard": "yes", "checked_on": "2027-06-10"})
    supervisor.post(f"/staff/campaigns/{campaign.id}/items/{filed.complaint_id}/write-off", {"note": "验收达标"})
    sweeper.sweep(deps, at(deps, "2027-06-15T00:00:00+08:00"))
    supervisor = signed_in(app, deps, clock, "supervisor", username="supervisor-3")
    township = signed_in(app, deps, clock, "township", username="township-2")
    assert supervisor.post(f"/staff/campaigns/{campaign.id}/notices/2027-06-15/issue").status_code == 303

    places: dict[str, str] = {}
    base = f"/staff/campaigns/{campaign.id}"
    for who, person in (("office", supervisor), ("township", township)):
        for lang in ("zh_CN", "en"):
            person.get(f"/staff/?lang={lang}")
            for path in ("/staff/campaigns", base, f"{base}/items/{filed.complaint_id}",
                         f"{base}/notices/2027-06-15", f"{base}/survey") + (
                    (f"{base}/add", "/staff/campaigns/new", "/staff/oversight") if who == "office" else ()):
                response = person.get(path)
                assert response.status_code == 200, (who, path)
                places[f"{who} {lang} {path}"] = response.get_data(as_text=True)
            places[f"{who} {lang} notice.docx"] = unzipped(person.get(f"{base}/notices/2027-06-15/notice.docx").data)
            places[f"{who} {lang} ledger annex.xlsx"] = unzipped(person.get(f"{base}/ledger.xlsx").data)
    plain = sample.create_003(deps, ledger_form="plain", name="简明台账专项行动")
    supervisor.post(f"/staff/campaigns/{plain.id}/items", {"tickets": [filed.complaint_id]})
    places["ledger plain.xlsx"] = unzipped(supervisor.get(f"/staff/campaigns/{plain.id}/ledger.xlsx").data)
    for cid in (campaign.id, plain.id):
        for item in deps.store.query(campaign_pk(cid), limit=1000).items:
            places[f"record {item.sk}"] = json.dumps(dict(item.body), ensure_ascii=False)
    places["log"] = "\n".join(r.getMessage() for r in caplog.records)

    assert any(sample.MEASURES["summary"] in text for text in places.values())  # the pages did say something
    assert any(filed.complaint_id[-8:] in text for text in places.values())
    hits = [(where, what, form) for where, text in places.items() for what, forms in secrets.items()
            for form in forms if form in text]
    assert hits == [], hits
    # the reporter's words are on the ticket page, for those who handle it: the search above is not blind
    officer = signed_in(app, deps, clock, "officer", username="officer-2")
    assert WORDS in officer.get(f"/staff/tickets/{filed.complaint_id}").get_data(as_text=True)
