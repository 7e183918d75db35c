"""Mail settings and credentials (004 C20, L17: the units' published addresses): each mailbox
and the SMTP server are named by a URL that never holds a password; the passwords are secrets
(files of mode 0600 beside the key file, or SSM SecureStrings); and neither IMAP nor SMTP logs
in or sends in clear to a server off the loopback."""

from __future__ import annotations

import imaplib
import os

import boto3
import pytest
from moto import mock_aws

from portal.config import MailServer, Settings, SettingsError
from portal.crypto.envelope import b64e
from portal.crypto.secrets import load_secrets
from portal.services.channels import imap_poll
from tests.aws import REGION, SSM_PREFIX, aws_settings


def test_mailboxes_and_the_smtp_server_are_urls_without_passwords(tmp_path):
    settings = Settings.from_env({}, data_dir=str(tmp_path), mail="smtp", smtp_url="smtps://portal@mail.yanling.gov.cn",
                                 imap_inboxes="natural_resources=imaps://zrzy%40yanling.gov.cn@mail.yanling.gov.cn/INBOX;"
                                              " housing=imap://zj@10.0.0.5:143/举报")
    [nr, housing] = settings.mailboxes
    assert (nr.unit, nr.username, nr.port, nr.implicit_tls) == ("natural_resources", "zrzy@yanling.gov.cn", 993, True)
    assert (housing.folder, housing.port, housing.implicit_tls, housing.loopback) == ("举报", 143, False, False)
    assert settings.smtp_server.port == 465 and settings.smtp_server.implicit_tls
    for bad in ({"imap_inboxes": "natural_resources=imaps://u:s3cr3t-value@host"}, {"imap_inboxes": "imaps://u@host"},
                {"imap_inboxes": "x=pop3://u@host"}, {"mail": "smtp"}, {"mail": "smtp", "smtp_url": "smtp://u:pw@h"},
                {"imap_after": "archive"}, {"mail": "pigeon"}):
        with pytest.raises(SettingsError) as refused:
            Settings.from_env({}, data_dir=str(tmp_path), **bad)
        assert "s3cr3t-value" not in str(refused.value) and ":pw@" not in str(refused.value)


def test_mail_passwords_are_files_of_mode_0600_beside_the_key_file(tmp_path):
    settings = Settings.from_env({}, data_dir=str(tmp_path), imap_inboxes="housing=imaps://zj@mail.example.cn",
                                 mail="smtp", smtp_url="smtp://portal@mail.example.cn")
    assert load_secrets(settings).imap_passwords == {} and load_secrets(settings).smtp_password is None
    keys = tmp_path / "keys"
    for name, value in (("imap-password-housing", "imap-pw"), ("smtp-password", "smtp-pw")):
        (keys / name).write_text(value + "\n")
        os.chmod(keys / name, 0o600)
    secrets = load_secrets(settings)
    assert secrets.imap_passwords == {"housing": "imap-pw"} and secrets.smtp_password == "smtp-pw"
    assert "imap-pw" not in repr(secrets)
    os.chmod(keys / "smtp-password", 0o644)
    with pytest.raises(PermissionError):
        load_secrets(settings)


def test_mail_passwords_come_from_ssm_on_aws(tmp_path):
    with mock_aws():
        ssm = boto3.client("ssm", region_name=REGION)
        for name, value in (("secret-key", b64e(b"s" * 32)), ("hash-key", b64e(b"h" * 32)),
                            ("imap-password-housing", "imap-pw"), ("smtp-password", "smtp-pw")):
            ssm.put_parameter(Name=SSM_PREFIX + name, Value=value, Type="SecureString")
        settings = aws_settings(tmp_path, secrets="ssm", ssm_prefix=SSM_PREFIX, imap_inboxes="housing=imaps://zj@mail.example.cn",
                                mail="smtp", smtp_url="smtps://portal@mail.example.cn")
        secrets = load_secrets(settings, ssm)
    assert secrets.imap_passwords == {"housing": "imap-pw"} and secrets.smtp_password == "smtp-pw"


def test_imap_never_logs_in_in_clear_off_the_loopback(monkeypatch):
    logins = []

    class NoStartTls:
        capabilities = ("IMAP4REV1", "AUTH=PLAIN")

        def __init__(self, host, port, timeout=None):
            pass

        def login(self, user, password):
            logins.append(user)

        def shutdown(self):
            pass

    monkeypatch.setattr(imaplib, "IMAP4", NoStartTls)
    box = MailServer.parse("imap://zj@mail.example.cn/INBOX", ("imap", "imaps"), "X", unit="housing")
    with pytest.raises(imap_poll.MailboxError):
        imap_poll.connect(box, "imap-pw")
    assert logins == []
    loopback = MailServer.parse("imap://zj@127.0.0.1:1143/INBOX", ("imap", "imaps"), "X", unit="housing")
    imap_poll.connect(loopback, "imap-pw")
    assert logins == ["zj"]
