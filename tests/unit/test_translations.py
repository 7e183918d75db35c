"""The English catalog covers the code as it is: every msgid that ``scripts/i18n.sh extract``
finds today has a settled English translation that keeps the msgid's placeholders, and the
committed ``messages.mo`` (what the app and the Lambda package read) is the compiled
``messages.po``."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
CATALOG = ROOT / "portal" / "translations" / "en" / "LC_MESSAGES"
FIX = ("run `bash scripts/i18n.sh update`, translate the new entries in "
       "portal/translations/en/LC_MESSAGES/messages.po, then `bash scripts/i18n.sh compile`")
#: a printf conversion (``%(name)s``, ``%s``, ``%%``) or a lone ``%`` that would break formatting
_CONVERSION = re.compile(r"%(?:\([^)]*\))?[-#0 +]*\d*(?:\.\d+)?[a-zA-Z%]|%")


def _read_po():
    with open(CATALOG / "messages.po", "rb") as f:
        return read_po(f)


def _key(message) -> str:
    return f"[{message.context}] {message.id}" if message.context else str(message.id)


def _strings(value) -> tuple[str, ...]:
    return tuple(value) if isinstance(value, (tuple, list)) else (value,)


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    """The msgids of the current code, extracted by the project's own script."""
    pot = tmp_path_factory.mktemp("i18n") / "messages.pot"
    env = dict(os.environ, I18N_POT=str(pot), PYBABEL=str(Path(sys.executable).with_name("pybabel")))
    subprocess.run(["bash", "scripts/i18n.sh", "extract"], cwd=ROOT, env=env, check=True, capture_output=True)
    with open(pot, "rb") as f:
        return read_po(f)


def test_the_extraction_finds_messages_of_every_layer(template):
    ids = {m.id for m in template if m.id}
    assert {"已收到，等待受理",  # domain (N_)
            "盖房、建房",  # domain constants translated by the templates
            "页面不存在。",  # web code (gettext)
            "我要举报",  # citizen templates
            "工作人员登录",  # staff templates
            "%(sig)s您的举报已受理，正在核查处理。查询进展：%(url)s",  # SMS texts
            } <= ids
    assert any(m.context == "action" for m in template)  # pgettext in templates


def test_every_message_of_the_code_has_an_english_translation(template):
    catalog = _read_po()
    problems = []
    for message in template:
        if not message.id:
            continue
        entry = catalog.get(message.id, context=message.context)
        if entry is None:
            problems.append(f"not in the catalog: {_key(message)}")
        elif entry.fuzzy:
            problems.append(f"fuzzy (check it, then remove the fuzzy flag): {_key(message)}")
        elif not all(s.strip() for s in _strings(entry.string)):
            problems.append(f"not translated: {_key(message)}")
    assert not problems, "\n".join(problems) + "\n" + FIX


def test_every_translation_keeps_the_placeholders_of_its_msgid():
    problems = []
    for message in _read_po():
        if not message.id:
            continue
        sources = _strings(message.id)
        for i, translated in enumerate(_strings(message.string)):
            # plural forms: the first translates the singular msgid, the rest the plural one
            source = sources[min(i, len(sources) - 1)]
            if Counter(_CONVERSION.findall(source)) != Counter(_CONVERSION.findall(translated)):
                problems.append(f"{_key(message)!r} -> {translated!r}")
    assert not problems, "placeholders differ between msgid and msgstr:\n" + "\n".join(problems)


def test_the_catalog_has_plural_forms_for_english():
    assert _read_po().plural_forms == "nplurals=2; plural=(n != 1);"


def test_the_committed_mo_is_the_compiled_po():
    """The app reads messages.mo; it must hold exactly the settled entries of messages.po."""
    def entries(catalog, skip_fuzzy):
        # babel's read_mo leaves a msgctxt as bytes
        return {(m.context.decode() if isinstance(m.context, bytes) else m.context, m.id): m.string
                for m in catalog if m.id and m.string and not (skip_fuzzy and m.fuzzy)}

    with open(CATALOG / "messages.mo", "rb") as f:
        compiled = entries(read_mo(f), skip_fuzzy=False)
    source = entries(_read_po(), skip_fuzzy=True)
    stale = sorted(repr(key) for key in source.keys() | compiled.keys() if source.get(key) != compiled.get(key))
    assert not stale, "messages.mo is out of date; run `bash scripts/i18n.sh compile`:\n" + "\n".join(stale)
