"""Run by ``test_sigkill_mid_filing.py``: a reporter process filing complaints with photos
through the whole request path, saying on stdout when a filing starts (with its form's
token) and when its receipt is shown, until it is killed.

Not a test module (no ``test_`` prefix)."""

from __future__ import annotations

import io
import sys

from portal import create_app
from portal.config import Settings
from tests.conftest import PUBLIC_URL, form_token, receipt_from
from tests.fakes import images


def main(data_dir: str) -> None:
    settings = Settings.from_env({}, data_dir=data_dir, public_url=PUBLIC_URL, demo="1", rate_limit_factor="100",
                                 log_level="WARNING")
    app = create_app(settings)
    app.config["TESTING"] = False
    client = app.test_client()
    n = 0
    while True:
        token = form_token(client.get("/report", base_url=PUBLIC_URL).text)
        print(f"filing {token}", flush=True)
        form = {"token": token, "category": "l1-occupy-land", "description": f"第{n}号：村口有人占用耕地建房。",
                "lat": "26.120", "lng": "113.780", "exif_reviewed": "1", "phone": "13800138000",
                "photos": [(io.BytesIO(images.phone_jpeg(size=(120, 90), gps=False, when=False)), "IMG.jpg")]}
        answer = client.post("/report", data=form, base_url=PUBLIC_URL)
        print(f"filed {receipt_from(answer.text)}", flush=True)
        n += 1


if __name__ == "__main__":
    main(sys.argv[1])
