"""Reading a county's YAML files (the county file, its grid file): libyaml's safe loader when
present (they are parsed at every cold start), and a mapping at the top level."""

from __future__ import annotations

from pathlib import Path

import yaml


def read_mapping(path: Path) -> dict:
    """The file's top-level mapping; ``ValueError`` saying what is wrong (naming the file)."""
    try:
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=loader)  # noqa: S506 - a safe loader
    except FileNotFoundError:
        raise ValueError(f"{path.name}: file not found") from None
    except yaml.YAMLError as exc:
        raise ValueError(f"{path.name}: not valid YAML ({exc})") from None
    if not isinstance(raw, dict):
        raise ValueError(f"{path.name}: expected a mapping at the top level")
    return raw
