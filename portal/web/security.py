"""HTTP hardening for every response: a Content-Security-Policy with no inline script and
no third-party origin, HSTS, no framing, no referrer, no sniffing; and no caching of any
page that carries a receipt or a staff view."""

from __future__ import annotations

from flask import Flask, request

from portal.config import Settings


def content_security_policy(settings: Settings) -> str:
    extra_connect = ""
    if settings.blobs == "s3" and settings.s3_incoming_bucket:
        # the browser posts photos straight to the incoming bucket (presigned POST)
        extra_connect = f" https://{settings.s3_incoming_bucket}.s3.{settings.aws_region}.amazonaws.com"
        if settings.aws_region.startswith("cn-"):
            extra_connect = f" https://{settings.s3_incoming_bucket}.s3.{settings.aws_region}.amazonaws.com.cn"
    return "; ".join([
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data: blob:",
        "font-src 'self'",
        f"connect-src 'self'{extra_connect}",
        f"form-action 'self'{extra_connect}",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "object-src 'none'",
    ])


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
        if request.method != "GET" or request.path.startswith(("/staff", "/status", "/api/", "/open311/", "/demo")):
            headers["Cache-Control"] = "no-store"
            headers["Pragma"] = "no-cache"
        return response
