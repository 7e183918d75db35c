"""The portal's Flask class: URL rules that compile their URL builders when first asked to
build a URL, and parts of the app registered when first used.

Both are paid by every cold start (a Lambda container's first request) and needed by few:

- Werkzeug compiles two Python functions per rule (``url_for`` with and without extra query
  arguments) as each rule is added: for the portal's hundred-odd rules, a tenth of building
  the app, although a container builds URLs for few of its rules. A ``LazyBuildRule``
  compiles each of its builders at its first use, the same function werkzeug would have made
  then; matching a request to a rule is untouched.
- The JSON API (flask-smorest, marshmallow, apispec: its schemas and its OpenAPI document),
  Open311, the provider hooks and the staff workspace are a third of a cold import, and a
  citizen's first ``GET /`` needs none of them. Each is a *lazy part*: a URL prefix and the
  function registering its blueprints, imported and called, once, when a request falls under
  the prefix, when ``url_for`` names an endpoint no registered rule has (the part whose
  blueprint the endpoint names, every part if none does), or when something needs the whole
  URL map (``load_parts()``). A part's rules all lie under its prefix
  (``tests/web/test_lazy_parts.py`` checks it), so a request outside it is matched exactly as
  if the part were registered; inside it, the part is registered before the URL is matched.
  Flask refuses setup after the first request (a URL map changed under a running server);
  a part is registered under a lock, and only adds rules under its own prefix, so no request
  in flight elsewhere can match differently. ``portal serve`` (many threads, no cold start
  worth saving) registers every part at start.
"""

from __future__ import annotations

import importlib
import threading
from dataclasses import dataclass

from flask import Flask
from werkzeug.routing import BuildError, Rule


class LazyBuildRule(Rule):
    def _compile_builder(self, append_unknown: bool = True):
        compile_now = super()._compile_builder
        compiled = None

        def build(rule, /, **values):
            nonlocal compiled
            if compiled is None:  # two threads may both compile it: the same function, harmless
                compiled = compile_now(append_unknown)
            return compiled(rule, **values)

        return build


@dataclass
class LazyPart:
    #: every rule of the part starts with it (``/staff``: ``/staff`` and ``/staff/...``)
    prefix: str
    #: ``"module:function"``, called with the app to register the part's blueprints
    register: str
    #: the name of the part's blueprint, which its endpoints start with (``staff.tickets.view``)
    blueprint: str
    loaded: bool = False

    def covers(self, path: str) -> bool:
        return path == self.prefix or path.startswith(self.prefix + "/")


class PortalFlask(Flask):
    """Flask, adding every rule (the static files' too) as a ``LazyBuildRule``, with lazy parts."""

    url_rule_class = LazyBuildRule

    def __init__(self, *args, **kwargs):
        self.lazy_parts: list[LazyPart] = []
        self._parts_lock = threading.RLock()
        self._registering_part = False
        super().__init__(*args, **kwargs)  # adds the static files' rule
        self.url_build_error_handlers.append(self._build_in_a_lazy_part)

    def add_lazy_part(self, prefix: str, register: str, blueprint: str | None = None) -> None:
        """Register the part when it is first needed (``register``: ``"module:function"``;
        ``blueprint``: its blueprint's name, by default the prefix without its slash)."""
        prefix = prefix.rstrip("/")
        self.lazy_parts.append(LazyPart(prefix, register, blueprint or prefix.strip("/")))

    def load_parts(self, path: str | None = None, *, blueprint: str | None = None) -> None:
        """Register each part not registered yet that ``path`` falls under, or whose blueprint
        is ``blueprint`` (every part when neither is given), in the order they were added."""
        if all(part.loaded for part in self.lazy_parts):
            return
        with self._parts_lock:
            for part in self.lazy_parts:
                if part.loaded or (path is not None and not part.covers(path)):
                    continue
                if blueprint is not None and part.blueprint != blueprint:
                    continue
                module, function = part.register.split(":")
                self._registering_part = True
                try:
                    getattr(importlib.import_module(module), function)(self)
                finally:
                    self._registering_part = False
                part.loaded = True

    def create_url_adapter(self, request):
        if request is not None:  # a request, before its URL is matched
            self.load_parts(request.path)
        return super().create_url_adapter(request)

    def _check_setup_finished(self, f_name: str) -> None:
        if not self._registering_part:
            super()._check_setup_finished(f_name)

    def _build_in_a_lazy_part(self, error: BuildError, endpoint: str, values: dict) -> str | None:
        """``url_for`` of an endpoint no registered rule has (a part's endpoint, say the filing
        form naming the API's): register the part whose blueprint the endpoint names, or every
        part if none does, and build again; or let the error stand."""
        if all(part.loaded for part in self.lazy_parts):
            return None
        named = endpoint.split(".", 1)[0]
        if any(not part.loaded and part.blueprint == named for part in self.lazy_parts):
            self.load_parts(blueprint=named)  # if the endpoint is not there either, the next try loads all
        else:
            self.load_parts()
        return self.url_for(endpoint, **values)
