"""Errors the domain and the application kit raise; only the HTTP adapter turns them into
status codes (`shared/http/problems.py`)."""

from __future__ import annotations


class RuleBroken(Exception):
    """A command broke a business rule: nothing is recorded (HTTP 409)."""


class Forbidden(Exception):
    """The rules do not let this person do this (HTTP 403), e.g. moderating one's own audit."""


class NotFound(Exception):
    """The command names something that does not exist (HTTP 404)."""


class ConcurrencyError(Exception):
    """The stream moved on since the caller read it: read again, decide again."""
