"""The S3-triggered function for mail SES receives (where SES receives mail): a receipt rule
writes each raw message for a unit under ``mail/<unit>/``, ``functions.mail.handler`` stores it
in the unit's inbox (once) and deletes the object only then. moto plays S3 and KMS."""

from __future__ import annotations

import pytest

from functions import mail as function
from portal.domain.inbox import InboxStatus
from portal.services.deps import build_deps
from portal.store.sqlite import SqliteStore
from tests.aws import aws  # noqa: F401 (a fixture)
from tests.aws import REGION, aws_settings, create_kms_key, objects, s3_client
from tests.fakes import mail

INBOUND = "portal-test-mail"


def event(key: str, bucket: str = INBOUND) -> dict:
    return {"Records": [{"eventSource": "aws:s3", "awsRegion": REGION, "eventName": "ObjectCreated:Put",
                         "s3": {"bucket": {"name": bucket}, "object": {"key": key}}}]}


@pytest.fixture
def ses_deps(aws, tmp_path, clock, monkeypatch):
    s3_client().create_bucket(Bucket=INBOUND, CreateBucketConfiguration={"LocationConstraint": REGION})
    settings = aws_settings(tmp_path / "data", kms_key_id=create_kms_key(), ses_inbound_bucket=INBOUND, demo="1")
    deps = build_deps(settings, clock=clock, store=SqliteStore(settings.sqlite_file, epoch=clock.epoch))
    monkeypatch.setattr(function, "_deps", deps)
    monkeypatch.setattr(function, "_client", s3_client())
    yield deps
    deps.close()


def test_004_c20_mail_ses_received_enters_the_units_inbox_once_and_the_object_goes(ses_deps):
    key = "mail/natural_resources/0a1b2c3d"
    s3_client().put_object(Bucket=INBOUND, Key=key, Body=mail.report_eml(big_mb=1))
    assert function.handler(event(key), None) == {"records": 1, "outcomes": {"stored": 1}}
    assert objects(INBOUND) == []
    found, _ = ses_deps.repos.inbox.for_unit("430225", "natural_resources", "open")
    [message] = found
    assert message.via == "ses" and message.status == InboxStatus.NEW
    assert [a.kept for a in message.attachments] == [True, False, False]
    # Lambda retries the event: the object is gone, nothing is stored twice
    assert function.handler(event(key), None)["outcomes"] == {"done-before": 1}
    s3_client().put_object(Bucket=INBOUND, Key="mail/natural_resources/again", Body=mail.report_eml(big_mb=1))
    assert function.handler(event("mail/natural_resources/again"), None)["outcomes"] == {"duplicate": 1}
    assert len(ses_deps.repos.inbox.for_unit("430225", "natural_resources", "open")[0]) == 1


def test_objects_outside_a_units_prefix_or_bucket_are_left_alone(ses_deps):
    s3_client().put_object(Bucket=INBOUND, Key="mail/nowhere/x", Body=mail.plain_eml())
    s3_client().put_object(Bucket=INBOUND, Key="other/x", Body=mail.plain_eml())
    assert function.handler(event("mail/nowhere/x"), None)["outcomes"] == {"ignored": 1}
    assert function.handler(event("other/x"), None)["outcomes"] == {"ignored": 1}
    assert function.handler(event("mail/natural_resources/x", bucket="elsewhere"), None)["outcomes"] == {"ignored": 1}
    assert sorted(objects(INBOUND)) == ["mail/nowhere/x", "other/x"]
