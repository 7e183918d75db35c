"""Errors the domain and the services raise for a person to read.

``message`` is a Chinese msgid (marked with ``N_``) with ``%(name)s`` placeholders; the web
layer translates it. ``field`` names the input at fault, when there is one.
"""

from __future__ import annotations


class DomainError(Exception):
    status = 400

    def __init__(self, message: str, *, field: str | None = None, **params):
        self.message = message
        self.field = field
        self.params = params
        super().__init__(message % params if params else message)


class NotFound(DomainError):
    status = 404


class Forbidden(DomainError):
    status = 403


class Conflict(DomainError):
    """The action does not fit the ticket's current state (or someone acted first)."""

    status = 409


class RateLimited(DomainError):
    status = 429


class ValidationFailed(DomainError):
    """Several fields at once: ``errors`` maps field -> list of DomainError."""

    status = 400

    def __init__(self, errors: dict[str, list[DomainError]]):
        self.errors = errors
        first = next(iter(errors.values()))[0]
        super().__init__(first.message, field=first.field, **first.params)
