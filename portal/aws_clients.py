"""AWS clients made on their first call, not when the app is built.

A Lambda container builds the app at import (``portal.wsgi``); making the DynamoDB, S3 and
KMS clients there costs a cold start about a tenth of a second (botocore reads each service's
model and endpoint rules), and a first ``GET /`` calls none of them. ``LazyClient`` stands in
for a boto3 client: the first attribute asked of it (an operation, ``meta``) makes the real
client, once, under a lock shared by all of them (boto3's default session is not safe to make
clients from in two threads at once); a client never used is never made, and closing it then
does nothing.
"""

from __future__ import annotations

import threading
from typing import Any

_lock = threading.Lock()


class LazyClient:
    """``boto3.client(service, **kwargs)``, made when first used."""

    def __init__(self, service: str, **kwargs: Any):
        self._service = service
        self._kwargs = kwargs
        self._made: Any = None

    @property
    def made(self) -> bool:
        """Whether the real client exists yet."""
        return self._made is not None

    def _client(self) -> Any:
        made = self._made
        if made is None:
            with _lock:
                if self._made is None:
                    import boto3

                    self._made = boto3.client(self._service, **self._kwargs)
                made = self._made
        return made

    def __getattr__(self, name: str) -> Any:
        if name in ("_service", "_kwargs", "_made"):  # before __init__ ran (a copy, a pickle)
            raise AttributeError(name)
        return getattr(self._client(), name)

    def close(self) -> None:
        if self._made is not None:
            self._made.close()

    def __repr__(self) -> str:
        return f"LazyClient({self._service!r}, made={self.made})"
