"""`zappa package` needs neither the network nor AWS credentials, and what it takes from the
project is the application alone: no tests, benchmarks, infrastructure, scripts or tools.

The package is built here from an empty virtual environment, which isolates what Zappa adds
from the project. The full package (the runtime dependencies in .venv-lambda) is built by
scripts/package.sh; bench/package.py builds it offline too and measures it."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

from portal.config import Settings

ROOT = Path(__file__).resolve().parents[2]
#: Zappa's own check for a newer Zappa (a failed lookup is printed and ignored)
UPDATE_CHECK = "pypi.org"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("package")
    environment = tmp / "venv"
    venv.EnvBuilder(with_pip=False).create(environment)
    output = tmp / "complaint-portal-prod.zip"
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(HOME=str(tmp), AWS_CONFIG_FILE=str(tmp / "no-config"),
               AWS_SHARED_CREDENTIALS_FILE=str(tmp / "no-credentials"), VIRTUAL_ENV=str(environment))
    result = subprocess.run([sys.executable, "-m", "tests.offline", "zappa", "package", "prod", "--output", str(output)],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    return result, zipfile.ZipFile(output)


def test_packaging_contacts_nothing_and_needs_no_credentials(built):
    result, _ = built
    refused = re.findall(r"^offline: refused (\S+)$", result.stderr, flags=re.M)
    assert set(refused) <= {UPDATE_CHECK}, refused  # no AWS endpoint, no instance metadata


def test_the_zip_holds_the_application_and_nothing_from_development(built):
    _, package = built
    names = package.namelist()
    assert {name.split("/")[0] for name in names} == {
        "portal", "functions", "static", "handler.py", "zappa_settings.py", "package_info.json", "__init__.py"}
    assert {"portal/wsgi.py", "functions/deadlines.py", "functions/uploads.py", "portal/counties/yanling.yaml",
            "portal/templates/citizen/error.html", "static/vendor/leaflet/leaflet.js"} <= set(names)
    assert not [n for n in names if "__pycache__" in n and n.startswith("functions/")]


def test_the_packaged_settings_route_events_and_hide_tracebacks(built):
    _, package = built
    settings: dict = {}
    exec(package.read("zappa_settings.py").decode(), settings)  # the module Zappa's handler imports
    assert (settings["APP_MODULE"], settings["APP_FUNCTION"], settings["API_STAGE"]) == ("portal.wsgi", "app", "prod")
    assert settings["DEBUG"] is False and settings["LOG_LEVEL"] == "INFO"
    assert settings["AWS_EVENT_MAPPING"] == {
        "arn:aws-cn:s3:::complaint-portal-prod-incoming-<ACCOUNT_ID>-cn-north-1": ["functions.uploads.handler"]}
    secret = {f.metadata["env"] for f in Settings.__dataclass_fields__.values() if f.metadata["secret"]}
    assert not secret & set(settings["ENVIRONMENT_VARIABLES"])
    assert settings["ENVIRONMENT_VARIABLES"]["PORTAL_SECRETS"] == "ssm"
