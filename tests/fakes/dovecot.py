"""A real IMAP server for the mail tests: Debian's dovecot (``scripts/setup.sh --test``
installs it), run unprivileged from a temporary folder on a loopback port.

Everything dovecot needs is in that folder: its configuration, sockets, state, log, the
password file and the maildirs. It never runs as root: run as root (CI containers), the
fixture starts it as ``nobody``; otherwise as the current user. Plain IMAP without TLS is
accepted on the loopback only (``ssl = no``; the portal itself refuses a plain login anywhere
else). The log's logout lines count the message bodies each session fetched (``body_count``),
which tells a test how many times a message was downloaded.
"""

from __future__ import annotations

import grp
import imaplib
import os
import pwd
import re
import secrets
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

DOVECOT = "/usr/sbin/dovecot"

CONFIG = """\
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain
default_internal_user = {user}
default_internal_group = {group}
default_login_user = {user}
first_valid_uid = {uid}
last_valid_uid = {uid}
mail_location = maildir:{root}/mail/%u
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/users
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={root}/home/%u
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service anvil {{
  chroot =
}}
"""


class DovecotUnavailable(RuntimeError):
    pass


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Dovecot:
    def __init__(self, username: str = "inbox"):
        self.username = username
        self.password = secrets.token_hex(12)
        self.port = 0
        self.root: Path | None = None
        self.process: subprocess.Popen | None = None

    def start(self) -> "Dovecot":
        if not os.access(DOVECOT, os.X_OK):
            raise DovecotUnavailable(f"{DOVECOT} is missing: run `bash scripts/setup.sh --test` (apt-get dovecot-imapd)")
        account = pwd.getpwnam("nobody") if os.getuid() == 0 else pwd.getpwuid(os.getuid())
        group = grp.getgrgid(account.pw_gid)
        self.root = Path(tempfile.mkdtemp(prefix="dovecot-"))
        self.port = _free_port()
        (self.root / "dovecot.conf").write_text(CONFIG.format(
            root=self.root, user=account.pw_name, group=group.gr_name, uid=account.pw_uid, gid=account.pw_gid,
            port=self.port))
        (self.root / "users").write_text(f"{self.username}:{{PLAIN}}{self.password}\n")
        for path in [self.root, *self.root.iterdir()]:
            os.chown(path, account.pw_uid, account.pw_gid)
        os.chmod(self.root, 0o700)

        def unprivileged():  # runs in the child before exec: never dovecot as root
            if os.getuid() == 0:
                os.setgroups([])
                os.setgid(account.pw_gid)
                os.setuid(account.pw_uid)

        self.process = subprocess.Popen([DOVECOT, "-F", "-c", str(self.root / "dovecot.conf")],
                                        preexec_fn=unprivileged, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.PIPE)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise DovecotUnavailable(f"dovecot exited: {self.process.stderr.read().decode(errors='replace')}"
                                         f"{self.log()}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
                return self
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise DovecotUnavailable("dovecot did not start listening")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.root is not None:
            shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self) -> "Dovecot":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # --- what a test does ------------------------------------------------------------
    def url(self, folder: str = "INBOX") -> str:
        return f"imap://{self.username}@127.0.0.1:{self.port}/{folder}"

    def client(self) -> imaplib.IMAP4:
        client = imaplib.IMAP4("127.0.0.1", self.port, timeout=30)
        client.login(self.username, self.password)
        return client

    def deliver(self, raw: bytes, folder: str = "INBOX") -> None:
        """Put a message in the mailbox, as the county's mail server would (IMAP APPEND)."""
        client = self.client()
        try:
            typ, _ = client.append(folder, None, None, raw)
            assert typ == "OK"
        finally:
            client.logout()

    def count(self, folder: str = "INBOX") -> int:
        client = self.client()
        try:
            typ, data = client.select(folder, readonly=True)
            return int(data[0]) if typ == "OK" else -1
        finally:
            client.logout()

    def log(self) -> str:
        path = self.root / "dovecot.log" if self.root else None
        return path.read_text(errors="replace") if path and path.exists() else ""

    def bodies_fetched(self) -> int:
        """Message bodies fetched, over every session that logged out (dovecot's logout lines)."""
        return sum(int(n) for n in re.findall(r"body_count=(\d+)", self.log()))
