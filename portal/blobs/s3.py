"""S3 adapter of the blob port: raw browser uploads in one bucket, sanitised evidence in another.

Keys under ``incoming/`` are raw photos posted by browsers (presigned POST) and still carry
their metadata (GPS, device serial numbers, owner names); they live in the incoming bucket,
whose object-created events start the sanitising function. Every other key (the clean
``evidence/<id>.jpg``) lives in the evidence bucket, so what the function writes can never
trigger it again.

When a KMS key is configured, objects are written with SSE-KMS under that key, and the
upload form makes the browser ask for the same encryption. Raw uploads are never handed out
as links: ``url_for`` refuses ``incoming/`` keys.

IAM note: the role needs ``s3:ListBucket`` on both buckets, or S3 answers 403 instead of 404
for a missing key and ``get``/``exists`` cannot tell "absent" from "forbidden". The stack
(infra/template.yaml) grants it only for the prefixes used here; a 403 is therefore a real
refusal and is raised, never read as a missing blob.
"""

from __future__ import annotations

from contextlib import closing

from botocore.exceptions import ClientError

from portal.blobs.keys import check_key
from portal.ports import BlobNotFound

INCOMING_PREFIX = "incoming/"
#: longest life of a presigned GET; evidence links are for one page view
MAX_LINK_SECONDS = 300
#: longest life of an upload form; a phone on a slow connection needs a few minutes
MAX_UPLOAD_SECONDS = 600

_MISSING = {"NoSuchKey", "NotFound", "404"}


def _is_missing(exc: ClientError) -> bool:
    return exc.response.get("Error", {}).get("Code") in _MISSING


def s3_client(settings, max_attempts: int = 3):
    """A client for the configured region. Virtual-hosted, regional URLs on AWS (the origin
    the Content-Security-Policy allows for the upload form); path-style URLs against an
    endpoint override, which is a local test server. Made on its first call (``LazyClient``)."""
    from botocore.config import Config

    from portal.aws_clients import LazyClient

    config = Config(
        signature_version="s3v4",  # required for SSE-KMS objects and presigned POST fields
        retries={"mode": "standard", "max_attempts": max_attempts},
        s3={"addressing_style": "path" if settings.s3_endpoint else "virtual",
            "us_east_1_regional_endpoint": "regional"},
    )
    return LazyClient("s3", region_name=settings.aws_region, endpoint_url=settings.s3_endpoint or None,
                      config=config)


class S3BlobStore:
    def __init__(self, client, incoming_bucket: str, evidence_bucket: str, kms_key_id: str | None = None):
        if not incoming_bucket or not evidence_bucket:
            raise ValueError("both the incoming and the evidence bucket are required")
        self._client = client
        self.incoming_bucket = incoming_bucket
        self.evidence_bucket = evidence_bucket
        self.kms_key_id = kms_key_id or None

    @classmethod
    def from_settings(cls, settings) -> "S3BlobStore":
        return cls(s3_client(settings), settings.s3_incoming_bucket, settings.s3_evidence_bucket, settings.kms_key_id)

    def _bucket(self, key: str) -> str:
        check_key(key)
        return self.incoming_bucket if key.startswith(INCOMING_PREFIX) else self.evidence_bucket

    def _encryption(self) -> dict[str, str]:
        if not self.kms_key_id:
            return {}
        return {"ServerSideEncryption": "aws:kms", "SSEKMSKeyId": self.kms_key_id}

    def put(self, key: str, data: bytes, content_type: str) -> None:
        self._client.put_object(Bucket=self._bucket(key), Key=key, Body=data, ContentType=content_type,
                                **self._encryption())

    def get(self, key: str) -> bytes:
        bucket = self._bucket(key)
        try:
            response = self._client.get_object(Bucket=bucket, Key=key)
        except ClientError as exc:
            if _is_missing(exc):
                raise BlobNotFound(key) from None
            raise
        with closing(response["Body"]) as body:
            return body.read()

    def delete(self, key: str) -> None:
        """Idempotent: S3 answers a delete of a missing key with success."""
        self._client.delete_object(Bucket=self._bucket(key), Key=key)

    def exists(self, key: str) -> bool:
        bucket = self._bucket(key)
        try:
            self._client.head_object(Bucket=bucket, Key=key)
        except ClientError as exc:
            if _is_missing(exc):
                return False
            raise
        return True

    def url_for(self, key: str, expires_in: int = 300) -> str | None:
        """A presigned GET of a clean photo, valid for at most ``MAX_LINK_SECONDS``. The response
        is labelled a JPEG shown inline (never sniffed as anything else) and kept out of shared
        caches. Raw uploads still carry their metadata and are refused."""
        if check_key(key).startswith(INCOMING_PREFIX):
            raise ValueError("raw uploads are never served")
        seconds = min(int(expires_in), MAX_LINK_SECONDS)
        if seconds <= 0:
            raise ValueError("expires_in must be positive")
        return self._client.generate_presigned_url(
            "get_object",
            Params={"Bucket": self.evidence_bucket, "Key": key, "ResponseContentType": "image/jpeg",
                    "ResponseContentDisposition": "inline", "ResponseCacheControl": f"private, max-age={seconds}"},
            ExpiresIn=seconds,
        )

    def presign_upload(self, key: str, max_bytes: int, expires_in: int = 600) -> dict | None:
        """A presigned POST to the incoming bucket for exactly ``key``. The signed policy pins the
        key, limits the size to 1..``max_bytes`` bytes, requires an ``image/*`` Content-Type
        field (the browser adds it from the chosen file) and, with a KMS key, SSE-KMS under it.
        Only ``incoming/`` keys: nothing else may be written by a browser."""
        if not check_key(key).startswith(INCOMING_PREFIX):
            raise ValueError("browser uploads go under incoming/ only")
        if int(max_bytes) < 1:
            raise ValueError("max_bytes must be positive")
        seconds = min(int(expires_in), MAX_UPLOAD_SECONDS)
        if seconds <= 0:
            raise ValueError("expires_in must be positive")
        fields: dict[str, str] = {}
        if self.kms_key_id:
            fields = {"x-amz-server-side-encryption": "aws:kms",
                      "x-amz-server-side-encryption-aws-kms-key-id": self.kms_key_id}
        conditions = [
            ["content-length-range", 1, int(max_bytes)],
            ["starts-with", "$Content-Type", "image/"],
            *({name: value} for name, value in fields.items()),
        ]
        # botocore adds the {"bucket": ...} and exact {"key": ...} conditions itself.
        post = self._client.generate_presigned_post(Bucket=self.incoming_bucket, Key=key, Fields=fields,
                                                    Conditions=conditions, ExpiresIn=seconds)
        return {"url": post["url"], "fields": post["fields"]}
