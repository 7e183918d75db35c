"""S3 adapter of the tile cache: one bucket of its own (public map data, never evidence),
objects under ``tiles/``, each with the moment it was fetched in its metadata (``fetched-at``).

The bucket expires objects on its own (infra/template.yaml), so tiles nobody asks for any
more do not stay for ever. As for the blob store, the role may list the bucket under the
prefix, so a missing key answers 404 (None here) and any other error is raised.
"""

from __future__ import annotations

from contextlib import closing
from datetime import datetime, timezone

from botocore.exceptions import ClientError

from portal.blobs.keys import check_key
from portal.blobs.s3 import _is_missing, s3_client
from portal.ports import CachedTile
from portal.tiles import image_type

PREFIX = "tiles/"


class S3TileCache:
    def __init__(self, client, bucket: str):
        if not bucket:
            raise ValueError("a tile bucket is required")
        self._client = client
        self.bucket = bucket

    @classmethod
    def from_settings(cls, settings) -> "S3TileCache":
        # one attempt: a tile the cache cannot give at once is fetched or drawn instead
        return cls(s3_client(settings, max_attempts=1), settings.s3_tile_bucket)

    def _key(self, key: str) -> str:
        return PREFIX + check_key(key)

    def get(self, key: str) -> CachedTile | None:
        try:
            response = self._client.get_object(Bucket=self.bucket, Key=self._key(key))
        except ClientError as exc:
            if _is_missing(exc):
                return None
            raise
        with closing(response["Body"]) as body:
            data = body.read()
        kind = image_type(data)
        if kind is None:
            return None
        try:
            stored_at = datetime.fromisoformat(response.get("Metadata", {})["fetched-at"])
        except (KeyError, ValueError):
            stored_at = response["LastModified"]
        return CachedTile(data, kind, stored_at)

    def put(self, key: str, data: bytes, content_type: str, stored_at: datetime) -> None:
        self._client.put_object(Bucket=self.bucket, Key=self._key(key), Body=data, ContentType=content_type,
                                Metadata={"fetched-at": stored_at.astimezone(timezone.utc).isoformat()})
