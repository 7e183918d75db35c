"""HTTP hardening for every response: a Content-Security-Policy with no inline script and
no third-party origin, HSTS, no framing, no referrer, no sniffing; and no caching of any
page that carries a receipt, a filing token or a staff view."""

from __future__ import annotations

from flask import Flask, request

from portal.config import Settings


def bucket_origin(bucket: str, region: str) -> str:
    """The virtual-hosted origin of an S3 bucket (the China regions use amazonaws.com.cn)."""
    suffix = "amazonaws.com.cn" if region.startswith("cn-") else "amazonaws.com"
    return f"https://{bucket}.s3.{region}.{suffix}"


def content_security_policy(settings: Settings) -> str:
    extra_connect = extra_img = ""
    if settings.blobs == "s3" and settings.s3_incoming_bucket and settings.s3_evidence_bucket:
        # the browser posts photos straight to the incoming bucket (presigned POST), and staff
        # pages show evidence through short-lived presigned GETs from the evidence bucket
        extra_connect = " " + bucket_origin(settings.s3_incoming_bucket, settings.aws_region)
        extra_img = " " + bucket_origin(settings.s3_evidence_bucket, settings.aws_region)
    return "; ".join([
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        f"img-src 'self' data: blob:{extra_img}",
        "font-src 'self'",
        f"connect-src 'self'{extra_connect}",
        f"form-action 'self'{extra_connect}",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "object-src 'none'",
    ])


#: endpoints whose answers are public county data, kept by the browser and revalidated (ETag)
REVALIDATED = frozenset({"api.MapView"})


def init(app: Flask, settings: Settings) -> None:
    csp = content_security_policy(settings)

    @app.after_request
    def harden(response):
        headers = response.headers
        headers.setdefault("Content-Security-Policy", csp)
        headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
        headers["X-Frame-Options"] = "DENY"
        headers["Referrer-Policy"] = "no-referrer"
        headers["X-Content-Type-Options"] = "nosniff"
        headers["Cross-Origin-Opener-Policy"] = "same-origin"
        headers["Cross-Origin-Resource-Policy"] = "same-origin"
        headers["Permissions-Policy"] = "geolocation=(self), camera=(self), microphone=(), interest-cohort=()"
        # the filing form carries a sealed filing token: a cached copy (back/forward, a shared
        # computer) would let the next person replay it (threat model 4.4)
        # (except the county's layers, public data the view marks for revalidation: no-cache)
        if (request.method != "GET" or request.path.startswith(
                ("/staff", "/status", "/report", "/api/", "/open311/", "/demo"))) and request.endpoint not in REVALIDATED:
            headers["Cache-Control"] = "no-store"
            headers["Pragma"] = "no-cache"
        return response
