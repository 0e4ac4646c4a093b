"""Request field types that refuse at the edge what no rule downstream should meet."""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import Path
from pydantic import AfterValidator, Field, StringConstraints

# Tab, line feed and carriage return are text; every other control character (a NUL
# byte, an escape sequence) is refused before it reaches a record about a child.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _no_control_characters(text: str) -> str:
    if _CONTROL.search(text):
        raise ValueError("control characters are not accepted in text")
    return text


def _not_blank(text: str) -> str:
    if not text.strip():
        raise ValueError("text must not be blank")
    return text


# Something a person wrote: 1 to 2,000 characters, not blank, no control characters.
Text = Annotated[str, StringConstraints(min_length=1, max_length=2000),
                 AfterValidator(_no_control_characters), AfterValidator(_not_blank)]
# The same, optional and up to 4,000 characters (a moderator's rationale).
LongText = Annotated[str, StringConstraints(max_length=4000),
                     AfterValidator(_no_control_characters)]

# A month an audit programme can run in: years 2000-2099 (a typing slip such as 0000-01
# is refused here rather than failing deep inside a date calculation).
MONTH_PATTERN = r"^20\d{2}-(0[1-9]|1[0-2])$"
RequestMonth = Annotated[str, Field(pattern=MONTH_PATTERN, examples=["2026-11"],
                                    description="YYYY-MM, 2000-01 to 2099-12")]
# The same in a URL path (FastAPI validates path parameters only through Path()).
MonthInPath = Annotated[str, Path(pattern=MONTH_PATTERN, examples=["2026-11"],
                                  description="YYYY-MM, 2000-01 to 2099-12")]
