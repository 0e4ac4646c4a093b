"""The fields every log line written during a piece of work carries: which command or
event, and its correlation and causation ids (never a payload value), plus the values
that must not appear in a log line at all, whatever the code that logs meant to do."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator
from contextvars import ContextVar

_FIELDS: ContextVar[dict[str, str]] = ContextVar("qa_log_fields", default={})  # noqa: B039
_WITHHELD: ContextVar[frozenset[str]] = ContextVar("qa_log_withheld",
                                                    default=frozenset())


def log_fields() -> dict[str, str]:
    return _FIELDS.get()


def withheld_values() -> frozenset[str]:
    return _WITHHELD.get()


@contextlib.contextmanager
def logged_with(withheld: Iterable[str] = (), **fields: object) -> Iterator[None]:
    """Add `fields` to every log line until the block ends, and keep `withheld` (a
    payload's personal values) out of them."""
    fields_token = _FIELDS.set({**_FIELDS.get(),
                                **{k: str(v) for k, v in fields.items() if v is not None}})
    # Short values ("1", "cp") would blank out innocent text; personal values are longer.
    values = frozenset(value for value in withheld if len(value) >= 4)
    withheld_token = _WITHHELD.set(_WITHHELD.get() | values)
    try:
        yield
    finally:
        _WITHHELD.reset(withheld_token)
        _FIELDS.reset(fields_token)
