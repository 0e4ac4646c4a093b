"""How `qa` shows answers and errors to a person: tables without Python's `None`, and
errors in words naming the field and what is expected."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from cli.client import ServiceError


class BadFile(Exception):
    """A file named on the command line cannot be used; the message says which and why."""


def cell(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def table(rows: list[dict[str, Any]], columns: Sequence[str]) -> str:
    if not rows:
        return "(none)"
    cells = [[cell(row.get(column)) for column in columns] for row in rows]
    widths = [max(len(column), *(len(line[i]) for line in cells))
              for i, column in enumerate(columns)]
    lines = ["  ".join(column.ljust(width) for column, width in zip(columns, widths,
                                                                    strict=True)),
             "  ".join("-" * width for width in widths)]
    lines += ["  ".join(value.ljust(width) for value, width in zip(line, widths, strict=True))
              for line in cells]
    return "\n".join(line.rstrip() for line in lines)


def field_name(loc: Sequence[Any]) -> str:
    """['body', 'action', 'due_date'] -> 'action.due_date'; a header keeps its name."""
    parts = [str(part) for part in loc]
    if parts and parts[0] in {"body", "query", "path"}:
        parts = parts[1:]
    if parts[:1] == ["header"]:
        return f"the {parts[1]} header" if len(parts) > 1 else "a header"
    return ".".join(parts) or "the request"


def explain(error: ServiceError) -> str:
    """What a person needs from a refusal: which service, why, and each field at fault."""
    if error.status >= 500:
        return (f"error: the {error.service} service failed ({error.status}) and recorded "
                f"nothing: {error.detail or 'no detail given'} (its log says more)")
    lines = [f"refused by the {error.service} service: {error.detail}"]
    lines += [f"  {field_name(item.get('loc', []))}: {item.get('msg', '')}"
              for item in error.errors]
    return "\n".join(lines)
