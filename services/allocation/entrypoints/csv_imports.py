"""Reading a CSV extract of the staff directory or the case register: every row checked
first, each bad one reported by line and column, and nothing handed on unless all are
good. The columns are documented in the README ("Importing the directory and the
register") and in the OpenAPI description of each import route."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import date
from typing import Annotated, Any, TypeVar

from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from services.allocation.domain.events import CaseRef
from shared.events.common import ChildRef, LegalStatus, PersonId, Team
from shared.events.vocabulary import CaseFlag, StaffRole, WorkingPattern
from shared.http.problems import field_problems

R = TypeVar("R", bound=BaseModel)
MAX_ROWS = 20_000


def _blank_is_none(value: Any) -> Any:
    return None if isinstance(value, str) and not value.strip() else value


def _flags(value: Any) -> Any:
    if isinstance(value, str):
        return [flag.strip() for flag in value.replace("|", ";").split(";") if flag.strip()]
    return value


def _yes_no(value: Any) -> Any:
    if isinstance(value, str):
        text = value.strip().lower()
        if text in {"", "no", "n", "false", "0"}:
            return False
        if text in {"yes", "y", "true", "1"}:
            return True
    return value


Optional = BeforeValidator(_blank_is_none)
Day = Annotated[date | None, Optional]
Who = Annotated[PersonId | None, Optional]


class Row(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class StaffRow(Row):
    person_id: PersonId
    role: StaffRole
    team: Team
    working_pattern: Annotated[WorkingPattern, BeforeValidator(
        lambda v: _blank_is_none(v) or "full-time")] = WorkingPattern.FULL_TIME
    auditor_since: Day = None
    moderator_since: Day = None
    manager_id: Who = None
    external: Annotated[bool, BeforeValidator(_yes_no)] = False
    leaving_on: Day = None
    left_on: Day = None
    effective_on: Day = None


class CaseRow(Row):
    case_ref: CaseRef
    child_ref: ChildRef
    team: Team
    legal_status: LegalStatus
    social_worker_id: Who = None
    manager_id: Who = None
    opened_on: Day = None
    closed_on: Day = None
    flags: Annotated[list[CaseFlag], BeforeValidator(_flags), Field(max_length=30)] = []


def _problem(line: int | str, field: str, msg: str, kind: str = "value_error") -> dict[str, Any]:
    return {"loc": ("body", f"line {line}", field), "msg": msg, "type": kind}


def read_rows(text: str, model: type[R], key: Callable[[R], str]) -> list[R]:
    """Every row as `model`, or a 422 naming every bad line and column (line 1 is the
    header). Rows whose `key` repeats an earlier row's are refused too."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    columns = [name.strip() for name in reader.fieldnames or []]
    known, required = set(model.model_fields), {
        name for name, field in model.model_fields.items() if field.is_required()}
    problems = [_problem(1, name, "not a column of this import") for name in columns
                if name not in known]
    problems += [_problem(1, name, "this column is required") for name in sorted(required)
                 if name not in columns]
    if problems or not columns:
        raise RequestValidationError(problems or [_problem(1, "header", "the file is empty")])
    rows: list[R] = []
    first_line: dict[str, int] = {}
    for number, raw in enumerate(reader, start=2):
        if number > MAX_ROWS + 1:
            raise RequestValidationError([_problem(number, "file",
                                                   f"at most {MAX_ROWS} rows per import")])
        values = {name.strip(): value for name, value in raw.items() if name is not None}
        if None in raw:
            problems.append(_problem(number, "row", "more values than the header has columns"))
            continue
        if not any((value or "").strip() for value in values.values()):
            continue  # a blank line
        values = {name: value for name, value in values.items()
                  if value is not None and (value.strip() or name in required)}
        try:
            row = model.model_validate(values)
        except ValidationError as error:
            for item in field_problems(RequestValidationError(error.errors())):
                problems.append(_problem(number, str(item.loc[0]) if item.loc else "row",
                                         item.msg, item.type))
            continue
        if (seen := first_line.setdefault(key(row), number)) != number:
            problems.append(_problem(number, next(iter(model.model_fields)),
                                     f"repeats line {seen}: one row per {key.__doc__}"))
        rows.append(row)
    if problems:
        raise RequestValidationError(problems)
    return rows


def person_key(row: StaffRow) -> str:
    """person"""
    return row.person_id


def case_key(row: CaseRow) -> str:
    """case reference"""
    return row.case_ref
