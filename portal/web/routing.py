"""URL rules that compile their URL builders when first asked to build a URL.

Werkzeug compiles two Python functions per rule (``url_for`` with and without extra query
arguments) as each rule is added: for the portal's hundred-odd rules, a tenth of building the
app, paid by every cold start although a container builds URLs for few of its rules. A
``LazyBuildRule`` compiles each of its builders at its first use, the same function werkzeug
would have made then; matching a request to a rule is untouched."""

from __future__ import annotations

from flask import Flask
from werkzeug.routing import Rule


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


class PortalFlask(Flask):
    """Flask, adding every rule (the static files' too) as a ``LazyBuildRule``."""

    url_rule_class = LazyBuildRule
