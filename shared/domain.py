"""Errors domain logic raises; adapters turn them into HTTP answers."""

from __future__ import annotations


class RuleBroken(Exception):
    """A command broke a business rule: nothing is recorded (HTTP 409)."""


class Forbidden(Exception):
    """The rules do not let this person do this (HTTP 403), e.g. moderating one's own audit."""


class NotFound(Exception):
    """The command names something that does not exist (HTTP 404)."""
