"""Static files and compression (issue #18, item 6): fingerprinted names cached for a year as
immutable; the brotli and gzip variants made at build time (scripts/assets.sh), never a stale
one; pages gzipped on the fly; a favicon and a meta description on every citizen page."""

from __future__ import annotations

import gzip
import re
from pathlib import Path

import pytest
from brotli import decompress as brotli_decompress

from portal.web.assets import PRECOMPRESSED, Assets, digest_of
from tests.conftest import PUBLIC_URL

ROOT = Path(__file__).resolve().parents[2]
ASSET = re.compile(r'(?:src|href)="(/static/[^"]+)"')


def page_assets(client, path: str) -> list[str]:
    return ASSET.findall(client.get(path, base_url=PUBLIC_URL).get_data(as_text=True))


@pytest.mark.parametrize("path", ["/", "/report", "/status"])
def test_pages_name_fingerprinted_assets_cached_for_a_year_as_immutable(client, path):
    assets = page_assets(client, path)
    assert assets and all(re.search(r"\.[0-9a-f]{12}\.\w+$", a) for a in assets), assets
    for asset in assets:
        response = client.get(asset, base_url=PUBLIC_URL)
        assert response.status_code == 200, asset
        assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
        again = client.get(asset, base_url=PUBLIC_URL, headers={"If-None-Match": response.headers["ETag"]})
        assert again.status_code == 304


def test_the_fingerprint_is_the_files_own_digest_so_an_edit_changes_the_name(client):
    css = next(a for a in page_assets(client, "/") if "/css/citizen." in a)
    digest = re.search(r"\.([0-9a-f]{12})\.css$", css).group(1)
    assert digest == digest_of((ROOT / "static" / "css" / "citizen.css").read_bytes())
    assert client.get(css.replace(digest, "0" * 12), base_url=PUBLIC_URL).status_code == 404


def test_text_assets_go_out_in_brotli_or_gzip_made_at_build_time(client):
    for asset in page_assets(client, "/report"):
        if not asset.endswith((".css", ".js")):
            continue
        plain = client.get(asset, base_url=PUBLIC_URL, headers={"Accept-Encoding": "identity"})
        br = client.get(asset, base_url=PUBLIC_URL, headers={"Accept-Encoding": "gzip, deflate, br"})
        gz = client.get(asset, base_url=PUBLIC_URL, headers={"Accept-Encoding": "gzip"})
        assert "Content-Encoding" not in plain.headers
        assert br.headers["Content-Encoding"] == "br" and brotli_decompress(br.data) == plain.data, asset
        assert gz.headers["Content-Encoding"] == "gzip" and gzip.decompress(gz.data) == plain.data, asset
        assert len(br.data) < len(plain.data) / 2 and "Accept-Encoding" in br.headers["Vary"]


def test_a_stale_variant_is_never_served(tmp_path):
    """A file edited after the build has a new digest, so the old variant no longer matches."""
    (tmp_path / "css").mkdir()
    sheet = tmp_path / "css" / "a.css"
    sheet.write_text("body { color: red; }" * 100)
    (tmp_path / PRECOMPRESSED).mkdir()
    old = Assets(tmp_path).by_path["css/a.css"]
    (tmp_path / PRECOMPRESSED / f"{old.digest}.gz").write_bytes(gzip.compress(sheet.read_bytes()))
    sheet.write_text("body { color: blue; }" * 100)
    fresh = Assets(tmp_path).by_path["css/a.css"]
    assert fresh.digest != old.digest and Assets(tmp_path).variant(fresh, "gzip") is None


def test_pages_are_gzipped_on_the_fly_when_the_browser_accepts_it(client):
    plain = client.get("/", base_url=PUBLIC_URL)
    packed = client.get("/", base_url=PUBLIC_URL, headers={"Accept-Encoding": "gzip, br"})
    assert "Content-Encoding" not in plain.headers and "Accept-Encoding" in plain.headers["Vary"]
    assert packed.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(packed.data) == plain.data and len(packed.data) < len(plain.data) / 3
    refused = client.get("/", base_url=PUBLIC_URL, headers={"Accept-Encoding": "gzip;q=0"})
    assert "Content-Encoding" not in refused.headers


def test_a_favicon_and_a_meta_description(client):
    icon = client.get("/favicon.ico", base_url=PUBLIC_URL)
    assert icon.status_code == 200 and icon.data[:4] == b"\x00\x00\x01\x00"  # an ICO file
    assert icon.headers["Cache-Control"] == "public, max-age=86400"  # its name never changes: a day, not a year
    for path in ("/", "/report", "/status"):
        html = client.get(path, base_url=PUBLIC_URL).get_data(as_text=True)
        description = re.search(r'<meta name="description" content="([^"]+)">', html).group(1)
        assert len(description) >= 20, path
        assert re.search(r'<link rel="icon" href="/static/img/favicon\.[0-9a-f]{12}\.svg"', html), path
