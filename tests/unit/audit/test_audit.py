"""Assignment on CaseAllocated: pinned to the latest version of the tool named, joined to
its cycle's index, once; an unknown tool is kept, never swapped or dead-lettered."""

from __future__ import annotations

import re
import uuid
from functools import partial

from services.audit.application import assign_audit
from services.audit.domain.events import AuditJoinedCycle
from services.audit.domain.rules import may_read, may_read_record_summary, may_read_submitted
from services.audit.domain.streams import audit_id, cycle_stream
from shared.kernel.identifiers import STREAM_ID_PATTERN
from tests.unit.audit.builders import (
    ALLOCATED,
    ALLOCATION,
    AUDIT,
    CYCLE,
    STREAM,
    TOOLS,
    assigned,
    spec,
)


def test_audit_id_is_derived_from_the_allocation_and_the_streams_are_pseudonymous() -> None:
    assert audit_id(ALLOCATION) == audit_id(uuid.UUID(str(ALLOCATION)))
    assert audit_id(ALLOCATION) != audit_id(uuid.uuid4())
    assert re.match(STREAM_ID_PATTERN, STREAM)
    assert re.match(STREAM_ID_PATTERN, cycle_stream(CYCLE))


async def test_an_allocation_assigns_its_audit_on_the_latest_tool_and_joins_its_cycle() -> None:
    await (spec().when(partial(assign_audit.when_case_allocated, ALLOCATED, tools=TOOLS))
           .then(assigned(), AuditJoinedCycle(cycle_id=CYCLE, audit_id=AUDIT)))


async def test_an_audit_is_assigned_once_only() -> None:
    again = ALLOCATED.model_copy(update={"auditor_id": "staff-0099"})
    await (spec().given(STREAM, assigned())
           .given(cycle_stream(CYCLE), AuditJoinedCycle(cycle_id=CYCLE, audit_id=AUDIT))
           .when(partial(assign_audit.when_case_allocated, again, tools=TOOLS)).then())


async def test_an_unknown_tool_is_kept_unpinned_rather_than_swapped_or_refused() -> None:
    themed = ALLOCATED.model_copy(update={"audit_tool": "kinship-care"})
    await (spec().when(partial(assign_audit.when_case_allocated, themed, tools=TOOLS))
           .then(assigned(tool="kinship-care", version=None, digest=None),
                 AuditJoinedCycle(cycle_id=CYCLE, audit_id=AUDIT)))


def test_who_reads_an_audit() -> None:
    assert may_read("staff-0042", "staff-0042", "auditor")
    for role in ("qa-officer", "qa-manager", "head-of-quality"):
        assert may_read("staff-0042", "staff-0001", role)
    assert not may_read("staff-0042", "staff-0099", "auditor")
    assert not may_read("staff-0042", "mod-1", "moderator")
    assert may_read_submitted("staff-0042", "mod-1", "moderator")
    assert not may_read_submitted("staff-0042", "tm-9", "team-manager")
    assert may_read_record_summary("staff-0042", "mosaic", "case-record-integrator")
    assert not may_read_record_summary("staff-0042", "tm-9", "team-manager")
