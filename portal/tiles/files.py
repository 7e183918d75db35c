"""Filesystem adapter of the tile cache: the blob store's folder layout and atomic writes,
with the file's modification time set to the moment the tile was fetched."""

from __future__ import annotations

import os
from datetime import datetime, timezone
from pathlib import Path

from portal.blobs.files import FileBlobStore
from portal.blobs.keys import check_key
from portal.ports import BlobNotFound, CachedTile
from portal.tiles import image_type


class FileTileCache:
    def __init__(self, root: str | Path):
        self._blobs = FileBlobStore(root)
        self.root = self._blobs.root

    def get(self, key: str) -> CachedTile | None:
        try:
            data = self._blobs.get(key)
            stored = (self.root / check_key(key)).stat().st_mtime
        except (BlobNotFound, FileNotFoundError):
            return None
        kind = image_type(data)
        if kind is None:  # a damaged file: fetched again
            return None
        return CachedTile(data, kind, datetime.fromtimestamp(stored, timezone.utc))

    def put(self, key: str, data: bytes, content_type: str, stored_at: datetime) -> None:
        self._blobs.put(key, data, content_type)
        moment = stored_at.timestamp()
        os.utime(self.root / check_key(key), (moment, moment))
