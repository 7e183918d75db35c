"""The basemap's HTTP client against a loopback server: it follows no redirect, reads no
more than a tile, takes only images, and its errors never quote the URL (which holds the key)."""

from __future__ import annotations

import pytest
from werkzeug.wrappers import Request, Response

from portal.ports import TileUnavailable
from portal.tiles.http import MAX_TILE_BYTES, HttpTileFetcher
from tests.fakes.tile_upstream import tile_png
from tests.fakes.twilio_api import LoopbackServer

KEY = "secret-key-in-the-query"


def chained_nothing(exc: BaseException) -> bool:
    """No earlier exception (urllib3's quotes the URL) travels with it into a traceback."""
    return exc.__cause__ is None and (exc.__context__ is None or exc.__suppress_context__)


@pytest.fixture
def server():
    seen = []

    def app(environ, start_response):
        request = Request(environ)
        seen.append(request.path)
        answers = {
            "/tile": Response(tile_png("vec", 1, 1, 1), content_type="image/png"),
            "/redirect": Response("", status=302, headers={"Location": "/elsewhere"}),
            "/huge": Response(b"\x89PNG\r\n\x1a\n" + b"\0" * (MAX_TILE_BYTES + 10), content_type="image/png"),
            "/missing": Response("no tile", status=404),
            "/html": Response("<html>login</html>", content_type="text/html"),
        }
        return answers.get(request.path, Response("?", status=500))(environ, start_response)

    with LoopbackServer(app) as loop:
        loop.seen = seen
        yield loop


def test_a_tile_is_fetched_with_its_type(server):
    data, kind = HttpTileFetcher(2).fetch(f"{server.url}/tile?tk={KEY}")
    assert kind == "image/png" and data == tile_png("vec", 1, 1, 1)


@pytest.mark.parametrize("path, pause", [("/redirect", True), ("/huge", True), ("/html", True), ("/missing", False),
                                         ("/error", True)])
def test_anything_but_a_tile_is_unavailable_and_names_no_url(server, path, pause):
    fetcher = HttpTileFetcher(2)
    with pytest.raises(TileUnavailable) as raised:
        fetcher.fetch(f"{server.url}{path}?tk={KEY}")
    assert raised.value.pause is pause  # a missing tile is no sign the upstream is down
    assert KEY not in str(raised.value) and server.url not in str(raised.value)
    assert chained_nothing(raised.value)
    assert "/elsewhere" not in server.seen  # redirects are not followed
    assert fetcher.fetch(f"{server.url}/tile")[1] == "image/png"  # the pool is still good afterwards


def test_an_upstream_that_refuses_connections_is_unavailable(server):
    url = f"{server.url}/tile?tk={KEY}"
    server.stop()
    with pytest.raises(TileUnavailable) as raised:
        HttpTileFetcher(1).fetch(url)
    assert KEY not in str(raised.value) and "127.0.0.1" not in str(raised.value)
    assert chained_nothing(raised.value)  # urllib3's own error, which quotes the URL, is dropped
