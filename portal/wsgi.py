"""The WSGI application for servers that import one (Zappa's handler on AWS Lambda).

Settings come from the environment; secrets from SSM when ``PORTAL_SECRETS=ssm``. Built at
import, once per process or Lambda container."""

from portal import create_app
from portal.runtime import services

app = create_app(deps=services())
