"""``LazyBuildRule`` (portal.web.routing): URLs built through it are those werkzeug's own rule
builds, its builders are compiled at their first use and not when the app is built."""

from __future__ import annotations

from werkzeug.routing import Map, Rule

from portal.web.routing import LazyBuildRule

RULES = [
    ("/", {}),
    ("/report", {}),
    ("/staff/tickets/<complaint_id>/<action>", {}),
    ("/staff/tickets/<complaint_id>/photos/<int:n>", {}),
    ("/campaigns/<campaign_id>/notices/<day>", {}),
    ("/page/<int:n>", {"n": 1}),
    ("/files/<path:name>", {}),
]
VALUES = [
    {},
    {"complaint_id": "CMP-1", "action": "accept"},
    {"complaint_id": "a b/c", "action": "x", "next": "/staff?q=1"},  # quoting, and unknown values as a query
    {"complaint_id": "甲", "n": 3},
    {"campaign_id": "c1", "day": "2027-01-04", "lang": "en"},
    {"n": 1}, {"n": 2},
    {"name": "a/b.txt", "rule": "a value named like the builder's first argument"},
]


def urls(rule_class) -> list:
    adapter = Map([rule_class(path, endpoint=str(i), defaults=defaults or None)
                   for i, (path, defaults) in enumerate(RULES)]).bind("portal.test")
    built = []
    for i in range(len(RULES)):
        for values in VALUES:
            for append_unknown in (True, False):
                try:
                    built.append(adapter.build(str(i), values, append_unknown=append_unknown))
                except Exception as exc:  # noqa: BLE001 - the same refusal is expected of both
                    built.append(type(exc).__name__)
    return built


def test_urls_built_through_lazy_rules_are_werkzeug_s_own():
    assert urls(LazyBuildRule) == urls(Rule)
    assert {"/staff/tickets/a%20b/c/x?next=/staff?q%3D1", "/staff/tickets/%E7%94%B2/photos/3"} <= set(urls(LazyBuildRule))


def test_a_builder_is_compiled_at_its_first_use_only(monkeypatch):
    compiled = []
    original = Rule._compile_builder

    def counting(self, append_unknown=True):
        compiled.append((self.rule, append_unknown))
        return original(self, append_unknown)

    monkeypatch.setattr(Rule, "_compile_builder", counting)
    adapter = Map([LazyBuildRule(path, endpoint=path) for path, _ in RULES[:3]]).bind("portal.test")
    assert compiled == []  # adding rules compiled nothing
    assert adapter.build("/report") == "/report"
    assert adapter.build("/report", {"lang": "en"}) == "/report?lang=en"
    assert adapter.build("/report", {"lang": "zh_CN"}) == "/report?lang=zh_CN"
    assert compiled == [("/report", True)]  # once, for the builder used


def test_the_app_adds_its_routes_as_lazy_rules(app):
    app.load_parts()  # the API, Open311, hooks and staff rules too (portal.web.routing)
    rules = list(app.url_map.iter_rules())
    assert len(rules) > 50 and all(isinstance(rule, LazyBuildRule) for rule in rules)
