"""Fixtures shared by every layer (flaskr style): settings in a temporary folder, a manual
clock, the wired services, the app and its test client."""

from __future__ import annotations

import re

import pytest

from portal import create_app
from portal.config import Settings
from portal.services.deps import build_deps
from tests.fakes.clock import ManualClock

PUBLIC_URL = "https://portal.test"


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def settings(tmp_path) -> Settings:
    return Settings.from_env({}, data_dir=str(tmp_path / "data"), public_url=PUBLIC_URL, demo="1")


@pytest.fixture
def deps(settings, clock):
    from portal.store.sqlite import SqliteStore

    d = build_deps(settings, clock=clock, store=SqliteStore(settings.sqlite_file, epoch=clock.epoch))
    yield d
    d.close()


@pytest.fixture
def county(deps):
    return deps.counties.default


@pytest.fixture
def app(settings, deps):
    application = create_app(settings, deps)
    application.config["TESTING"] = False  # errors go through the portal's own handlers
    return application


@pytest.fixture
def client(app):
    return app.test_client()


def form_token(html: str) -> str:
    return re.search(r'name="token" value="([^"]+)"', html).group(1)


def file_form(client, query: str = "", **fields):
    """File a report through the citizen form at ``/report{query}`` (its token fetched first):
    a valid filing, with ``fields`` added or replacing the defaults."""
    page = client.get(f"/report{query}", base_url=PUBLIC_URL).get_data(as_text=True)
    data = {"token": form_token(page), "category": "c1-no-planning-permit",
            "description": "村口农田里有人违法建房，已经砌到二层。", "lat": "26.46", "lng": "113.85", **fields}
    return client.post(f"/report{query}", base_url=PUBLIC_URL, data=data)


def receipt_from(html: str) -> str:
    found = re.search(r'id="receipt-number">([^<]+)<', html)
    assert found, "no receipt on the page"
    return found.group(1).replace(" ", "")


# --- DynamoDB Local ---------------------------------------------------------------------


@pytest.fixture(scope="session")
def dynamodb_local():
    """A running DynamoDB Local (one JVM per test process, so per xdist worker):
    ``.endpoint_url`` and ``.client()``, a factory of boto3 clients for it. Fails, never
    skips, when Java or the jar is missing."""
    from tests.fakes.dynamodb_local import DynamoDBLocal, DynamoDBLocalUnavailable

    local = DynamoDBLocal()
    problem = None
    try:
        local.start()
    except DynamoDBLocalUnavailable as exc:
        problem = str(exc)
    if problem:
        pytest.fail(problem, pytrace=False)
    yield local
    local.stop()
