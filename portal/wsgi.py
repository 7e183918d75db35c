"""The WSGI application for servers that import one (Zappa's handler on AWS Lambda).

Settings come from the environment; secrets from SSM when ``PORTAL_SECRETS=ssm``. Built at
import, once per process or Lambda container.

On Lambda a container serves one request at a time, and the app's lazy parts (API, Open311,
hooks, staff: ``portal.web.routing``) are registered when first used, which keeps them out of
a citizen's cold start. Any other server that imports this module may serve many threads at
once: there every part is registered now, before the first request, so the URL map never
changes under a request in flight."""

import os

from portal import create_app
from portal.runtime import services

app = create_app(deps=services())
if not os.environ.get("AWS_LAMBDA_FUNCTION_NAME"):
    app.load_parts()
