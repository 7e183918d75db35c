"""The threat model (docs/threat-model.md) and the README's fault table stay true: every
mitigation names at least one test as ``tests/<path>.py::<name>``, and every test named
exists as a test pytest collects, neither skipped nor expected to fail. CI runs the whole
suite, so each named test also passes."""

from __future__ import annotations

import ast
import re
from functools import lru_cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
THREAT_MODEL = ROOT / "docs" / "threat-model.md"
README = ROOT / "README.md"
REFERENCE = re.compile(r"(tests/[\w/]+\.py)::(\w+)")
NOT_RUN = {"skip", "skipif", "xfail"}


@lru_cache(maxsize=None)
def module_tests(path: str) -> dict[str, ast.AST]:
    """The names a test module defines at its top level: functions, classes, assignments."""
    tree = ast.parse((ROOT / path).read_text(encoding="utf-8"))
    names: dict[str, ast.AST] = {}
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names[node.name] = node
        elif isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    names[target.id] = node
    return names


def marker_names(node: ast.AST) -> set[str]:
    found = set()
    for decorator in getattr(node, "decorator_list", []):
        call = decorator.func if isinstance(decorator, ast.Call) else decorator
        if isinstance(call, ast.Attribute):
            found.add(call.attr)
    return found


def check_reference(path: str, name: str) -> str | None:
    """Why the reference is wrong, or None."""
    if not (ROOT / path).is_file():
        return f"{path} does not exist"
    if not (name.startswith("test_") or name.startswith("Test")):
        return f"{path}::{name} is not a name pytest collects"
    node = module_tests(path).get(name)
    if node is None:
        return f"{path} defines no {name}"
    if marker_names(node) & NOT_RUN:
        return f"{path}::{name} is skipped or expected to fail"
    return None


def tables(text: str) -> list[tuple[list[str], list[list[str]]]]:
    """Markdown tables as (header cells, body rows of cells)."""
    found, lines = [], text.splitlines()
    i = 0
    while i < len(lines):
        if lines[i].startswith("|") and i + 1 < len(lines) and re.match(r"^\|[\s|:-]+\|$", lines[i + 1]):
            header = [c.strip() for c in lines[i].strip("|").split("|")]
            rows, i = [], i + 2
            while i < len(lines) and lines[i].startswith("|"):
                rows.append([c.strip() for c in lines[i].strip("|").split("|")])
                i += 1
            found.append((header, rows))
        else:
            i += 1
    return found


@pytest.mark.parametrize("document", [THREAT_MODEL, README], ids=["threat-model", "README"])
def test_every_test_named_exists_and_runs(document):
    references = REFERENCE.findall(document.read_text(encoding="utf-8"))
    assert len(references) >= (60 if document == THREAT_MODEL else 10)
    problems = [p for p in (check_reference(path, name) for path, name in references) if p]
    assert problems == []


def test_every_mitigation_names_a_test():
    text = THREAT_MODEL.read_text(encoding="utf-8")
    proved = [(header, rows) for header, rows in tables(text) if header[-1] == "Proved by"]
    assert len(proved) >= 7  # five adversaries (two tables for the database copy) and losing nothing
    for header, rows in proved:
        for row in rows:
            assert REFERENCE.search(row[-1]), f"mitigation without a test: {row[:2]}"


def test_every_adversary_of_the_brief_is_covered():
    headings = re.findall(r"^### (.+)$", THREAT_MODEL.read_text(encoding="utf-8"), flags=re.M)
    for adversary in ("reported party", "official", "outsider", "phone", "copy of the database"):
        assert any(adversary in h for h in headings), adversary


def test_the_residual_risks_the_brief_lists_are_there():
    text = THREAT_MODEL.read_text(encoding="utf-8")
    residual = text.split("## Residual risks", 1)[1]
    for risk in ("at-least-once", "Open311", "Staff read what the reporter typed", "CGNAT",
                 "The receipt is in the status page", "DynamoDB Local binds every interface"):
        assert risk in residual, risk


def test_a_wrong_reference_is_reported():
    """The checker itself: a missing file, a missing name, a skipped test."""
    assert check_reference("tests/unit/no_such_file.py", "test_x") == "tests/unit/no_such_file.py does not exist"
    assert "defines no" in check_reference("tests/unit/test_threat_model.py", "test_nothing_like_this")
    assert check_reference("tests/unit/test_threat_model.py", "test_a_wrong_reference_is_reported") is None
    assert "not a name pytest collects" in check_reference("tests/unit/test_threat_model.py", "check_reference")
