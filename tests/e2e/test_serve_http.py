"""The README's first command, end to end: `portal serve --demo` (waitress, a production
WSGI server) answers plain HTTP; a complaint filed through the HTML form without any
JavaScript returns a receipt, and the status page opened with it shows the lead department."""

from __future__ import annotations

import re
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server(tmp_path):
    port = free_port()
    portal = Path(sys.executable).with_name("portal")
    process = subprocess.Popen(
        [str(portal), "serve", "--demo", "--port", str(port), "--data-dir", str(tmp_path / "demo")],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(base + "/healthz", timeout=1).read()
            break
        except OSError:
            if process.poll() is not None:
                raise AssertionError("portal serve exited:\n" + process.stdout.read())
            time.sleep(0.2)
    else:
        process.kill()
        raise AssertionError("portal serve did not answer within 30 s")
    yield base, process
    process.terminate()
    process.wait(timeout=10)


def post(url: str, fields: dict) -> str:
    body = urllib.parse.urlencode(fields, doseq=True).encode()
    request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/x-www-form-urlencoded"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.read().decode()


def test_the_console_names_the_address_served_not_a_masked_one(server):
    """waitress's own "Serving on http://127.0.0.1:8000" went through the log filter that masks
    every IP address and read "Serving on http://[ip]:8000"."""
    base, process = server
    process.terminate()
    output = process.communicate(timeout=10)[0]
    assert f"Serving on {base}" in output
    assert "[ip]" not in output


def test_file_and_follow_over_plain_http(server):
    base, process = server
    form = urllib.request.urlopen(base + "/report", timeout=10).read().decode()
    token = re.search(r'name="token" value="([^"]+)"', form).group(1)
    receipt_page = post(base + "/report", {"token": token, "category": "l5-villager-house-without-approval",
                                           "description": "邻居没批宅基地，在承包田里打地基建新房。",
                                           "lat": "26.120", "lng": "113.780"})
    receipt = re.search(r'id="receipt-number">([^<]+)<', receipt_page).group(1).replace(" ", "")
    status = post(base + "/status", {"receipt": receipt})
    assert 'id="lead-department">县农业农村局<' in status
    process.terminate()
    output = process.communicate(timeout=10)[0]
    assert "Demo county" in output and "/demo/outbox" in output
    assert receipt not in output  # nothing about the reporter reaches the console


def test_sigterm_stops_the_server_as_ctrl_c_does(server):
    """systemd and ``docker stop`` send SIGTERM: the server answers what it holds, stops the
    background sweeper and closes the store, and exits 0 (not killed by the signal)."""
    base, process = server
    assert urllib.request.urlopen(base + "/healthz", timeout=5).status == 200
    process.terminate()
    assert process.wait(timeout=30) == 0
    assert "Stopped: the requests under way were answered and the store is closed." in process.stdout.read()
