"""Dataclasses to JSON-ready dicts and back, driven by their type hints.

Instants become fixed-width UTC text (``portal.timeutil.to_store``), dates ISO text, enums
their values. Fields starting with ``new_`` (pending events, pending notifications) and
``version`` are never stored in a body: the repository handles them.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from datetime import date, datetime
from enum import Enum
from functools import lru_cache

from portal.timeutil import from_store, to_store

_SKIP = {"version"}


def _skipped(name: str) -> bool:
    return name in _SKIP or name.startswith("new_")


def dump(value):
    names = _stored_fields(type(value))
    if names is not None:
        return {name: dump(getattr(value, name)) for name in names}
    if isinstance(value, datetime):
        return to_store(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dict):
        return {str(k): dump(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [dump(v) for v in value]
    return value


@lru_cache(maxsize=None)
def _stored_fields(cls: type) -> tuple[str, ...] | None:
    """The names of the fields a dataclass stores, in order; None for any other type. Cached
    per class: a complaint's body is ~150 values, dumped at every change."""
    if not dataclasses.is_dataclass(cls):
        return None
    return tuple(f.name for f in dataclasses.fields(cls) if not _skipped(f.name))


@lru_cache(maxsize=None)
def _hints(cls) -> dict:
    return typing.get_type_hints(cls)


def load(cls, data):
    return _load(cls, data)


def _load(tp, data):
    if data is None:
        return None
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        if len(args) == 1:
            return _load(args[0], data)
        for arg in args:  # first that fits
            try:
                return _load(arg, data)
            except (TypeError, ValueError, KeyError):
                continue
        return data
    if origin in (list, tuple, typing.Sequence):
        (arg, *_) = typing.get_args(tp) or (typing.Any,)
        items = [_load(arg, v) for v in data]
        return tuple(items) if origin is tuple else items
    if origin is dict:
        _, val_tp = typing.get_args(tp) or (str, typing.Any)
        return {k: _load(val_tp, v) for k, v in data.items()}
    if tp is typing.Any or tp is object:
        return data
    if isinstance(tp, type):
        if dataclasses.is_dataclass(tp):
            hints = _hints(tp)
            kwargs = {}
            for f in dataclasses.fields(tp):
                if _skipped(f.name) or f.name not in data:
                    continue
                kwargs[f.name] = _load(hints[f.name], data[f.name])
            return tp(**kwargs)
        if issubclass(tp, datetime):
            return from_store(data)
        if issubclass(tp, date):
            return date.fromisoformat(data)
        if issubclass(tp, Enum):
            return tp(data)
        if tp is float and isinstance(data, int):
            return float(data)
    return data
