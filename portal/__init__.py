"""Public complaint portal for illegal construction and illegal land use.

``create_app`` builds the WSGI application: the citizen app (``/``), the basemap
(``/tiles``), the JSON API (``/api/v1``), Open311 (``/open311/v2``), provider hooks (``/hooks``) and the staff app
(``/staff``), which has its own blueprints and templates. The last four are registered at
their first use (lazy parts, ``portal.web.routing``), so a cold start serving a citizen's
first page imports none of them; ``app.load_parts()`` registers them all.
"""

from __future__ import annotations

from pathlib import Path

from flask import Flask

from portal.config import Settings

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"

#: The largest request body the serverless stage can carry: API Gateway hands the body to
#: Lambda base64-encoded inside a JSON event, and a synchronous invocation takes at most
#: 6 MB, so about 4.4 MB of raw body minus headers. 4 MB leaves room for the rest of the
#: event, so a body the portal can still read gets the portal's own 413 page in Chinese
#: instead of a gateway error. Photos go straight to S3 there (presigned POSTs), never
#: through the function.
LAMBDA_BODY_LIMIT = 4 * 1024 * 1024


def max_request_bytes(settings: Settings) -> int:
    """The body size the app accepts: six photos and the form on the embedded default, what a
    Lambda invocation can carry when photos go straight to object storage (``blobs=s3``)."""
    if settings.blobs == "s3":
        return LAMBDA_BODY_LIMIT
    return 6 * settings.photo_limit + 1024 * 1024


def create_app(settings: Settings | None = None, deps=None) -> Flask:
    from portal.services.deps import build_deps
    from portal.web import assets, errors, i18n, logs, security

    settings = settings or (deps.settings if deps is not None else Settings.from_env())
    logs.configure(settings)
    deps = deps or build_deps(settings)
    logs.hide(deps.secrets.tile_keys.values())  # a library's request line quotes the upstream URL

    from portal.web.routing import PortalFlask

    app = PortalFlask(__name__, static_folder=str(STATIC_DIR), static_url_path="/static")
    app.config.update(
        SECRET_KEY=deps.secrets.secret_key,
        MAX_CONTENT_LENGTH=max_request_bytes(settings),
        MAX_FORM_MEMORY_SIZE=512 * 1024,
        SESSION_COOKIE_NAME="portal_staff",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SECURE=settings.secure_cookies == "1",
        SESSION_COOKIE_SAMESITE="Strict",
        SESSION_COOKIE_PATH="/staff",
        WTF_CSRF_TIME_LIMIT=None,  # the token lives as long as the staff session
        WTF_CSRF_SSL_STRICT=False,  # Referer is never sent (Referrer-Policy: no-referrer)
        PROPAGATE_EXCEPTIONS=False,
        TRAP_HTTP_EXCEPTIONS=False,
        API_TITLE="Complaint portal API",
        API_VERSION="v1",
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/api/v1",
        OPENAPI_JSON_PATH="openapi.json",
    )
    app.extensions["portal"] = deps
    app.extensions["portal_settings"] = settings

    i18n.init(app)
    security.init(app, settings)
    assets.init(app, STATIC_DIR)
    logs.init_request_log(app)
    from portal.web import maps

    maps.init(app)

    from portal.web.citizen import bp as citizen_bp

    app.register_blueprint(citizen_bp)
    from portal.web.tiles import bp as tiles_bp

    app.register_blueprint(tiles_bp)
    from portal.web import machine_rate_limit

    machine_rate_limit.init(app)
    # registered at their first use (portal.web.routing): a citizen's first GET / needs none of them
    app.add_lazy_part("/api", "portal.web.api:init_api")
    app.add_lazy_part("/hooks", "portal.web.hooks:init_app")
    app.add_lazy_part("/open311", "portal.web.open311:init_app")
    from portal.web.staff import init_app as init_staff

    init_staff(app)
    errors.init(app)  # the portal's error pages for every blueprint (flask-smorest registers none)
    if len(deps.counties) > 1:
        from portal.web.county_paths import CountyPaths

        app.wsgi_app = CountyPaths(app.wsgi_app, deps.counties.codes)  # /430225/report: a county by path
    return app
