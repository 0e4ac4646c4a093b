"""Audit tools (templates) as data: each a versioned definition of the elements an auditor
grades, the questions they answer and the grade scale, loaded from files a council edits
(`services/audit/tools/<id>.v<version>.yaml`, see `adapters/tool_files.py`).

An audit is pinned to one version of its tool when it is assigned; the tool's `digest`
covers everything a submission is checked against (scale, elements, caps, questions), so
an edit to a published version in place is detected rather than applied to audits begun
on it. Wording (titles, guidance, question text) may be corrected in place.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from shared.events.common import Grade
from shared.events.vocabulary import ToolId
from shared.kernel.identifiers import Slug

ShortText = Annotated[str, Field(min_length=1, max_length=300)]
Guidance = Annotated[str, Field(max_length=4000)]


class Scale(StrEnum):
    OFSTED_2014 = "ofsted-2014"  # Outstanding / Good / Requires Improvement / Inadequate
    OFSTED_2012 = "ofsted-2012"  # Outstanding / Good / Adequate / Inadequate (pre-2014)


GRADES = {
    Scale.OFSTED_2014: (Grade.OUTSTANDING, Grade.GOOD, Grade.REQUIRES_IMPROVEMENT,
                        Grade.INADEQUATE),
    Scale.OFSTED_2012: (Grade.OUTSTANDING, Grade.GOOD, Grade.ADEQUATE, Grade.INADEQUATE),
}


def rank(grade: Grade) -> int:
    """Higher is better; Adequate ranks with Requires Improvement (as reports map it)."""
    return {Grade.OUTSTANDING: 3, Grade.GOOD: 2, Grade.INADEQUATE: 0}.get(grade.for_reporting, 1)


class Part(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Element(Part):
    """An element of practice graded on the tool's scale. A limiting element caps the
    overall grade: `caps: {inadequate: inadequate}` reads "graded inadequate here, the
    overall grade can be no better than inadequate"."""

    id: Slug
    title: ShortText
    guidance: Guidance = ""
    limiting: bool = False
    caps: dict[Grade, Grade] = {}

    @model_validator(mode="after")
    def _caps_only_when_limiting(self) -> Element:
        if self.caps and not self.limiting:
            raise ValueError("caps are given only for a limiting element (limiting: true)")
        if self.id == "overall":
            raise ValueError("'overall' names the overall grade; choose another element id")
        return self

    @property
    def effective_caps(self) -> dict[Grade, Grade]:
        """A limiting element with no caps written caps an inadequate judgement."""
        if not self.limiting:
            return {}
        return self.caps or {Grade.INADEQUATE: Grade.INADEQUATE}


QuestionKind = Literal["yes-no", "choice", "free-text", "date"]


class Question(Part):
    id: Slug
    text: ShortText
    kind: QuestionKind
    choices: list[ShortText] = []
    mandatory: bool = False
    guidance: Guidance = ""

    @model_validator(mode="after")
    def _choices_for_a_choice(self) -> Question:
        if self.kind == "choice" and (len(self.choices) < 2
                                      or len(set(self.choices)) != len(self.choices)):
            raise ValueError("a choice question lists at least two different choices")
        if self.kind != "choice" and self.choices:
            raise ValueError(f"a {self.kind} question has no choices")
        return self


class OverallRule(Part):
    """How the overall grade is reached: the auditor's judgement, no better than the cap
    of any limiting element (the only rule so far; named so a tool says which it uses)."""

    rule: Literal["auditor-judgement-within-caps"] = "auditor-judgement-within-caps"
    guidance: Guidance = ""


class AuditTool(Part):
    id: ToolId
    version: Annotated[int, Field(ge=1)]
    title: ShortText
    description: Guidance = ""
    source: Guidance = ""  # where the tool comes from (report, appendix)
    # The service areas it is written for; empty: any.
    service_areas: list[Slug] = []
    scale: Scale
    overall: OverallRule = OverallRule()
    elements: list[Element] = []
    questions: list[Question] = []

    @model_validator(mode="after")
    def _consistent(self) -> AuditTool:
        for kind, ids in (("element", [e.id for e in self.elements]),
                          ("question", [q.id for q in self.questions])):
            repeated = sorted({i for i in ids if ids.count(i) > 1})
            if repeated:
                raise ValueError(f"{kind} ids must be unique; repeated: {', '.join(repeated)}")
        grades = self.grades
        for element in self.elements:
            for when, cap in element.effective_caps.items():
                off = [g.value for g in (when, cap) if g not in grades]
                if off:
                    raise ValueError(f"element {element.id}: caps name {', '.join(off)}, not "
                                     f"a grade on the {self.scale.value} scale")
        return self

    @property
    def grades(self) -> tuple[Grade, ...]:
        return GRADES[self.scale]

    def element(self, element_id: str) -> Element | None:
        return next((e for e in self.elements if e.id == element_id), None)

    def question(self, question_id: str) -> Question | None:
        return next((q for q in self.questions if q.id == question_id), None)

    @property
    def digest(self) -> str:
        """What a submission is checked against, hashed (wording left out)."""
        checked = {
            "scale": self.scale.value, "overall": self.overall.rule,
            "elements": [[e.id, e.limiting, {k.value: v.value for k, v in
                                             sorted(e.effective_caps.items())}]
                         for e in self.elements],
            "questions": [[q.id, q.kind, q.choices, q.mandatory] for q in self.questions],
        }
        return hashlib.sha256(json.dumps(checked, sort_keys=True).encode()).hexdigest()

    @property
    def ref(self) -> str:
        return f"{self.id} v{self.version}"


# Audits assigned before tools existed (AuditAssigned v1) are done on this one: an overall
# grade and nothing else. Built in, so it can never be missing from a council's folder.
LEGACY_OVERALL = AuditTool(
    id="legacy-overall", version=1, title="Overall grade only",
    description="For audits assigned before audit tools: an overall grade, with the "
    "findings, engagement, actions and any Child of Concern every audit records.",
    scale=Scale.OFSTED_2014)


class ToolCatalogue:
    """Every loaded version of every tool (old versions stay: audits are pinned to them)."""

    def __init__(self, tools: Iterable[AuditTool]) -> None:
        self._tools = {(tool.id, tool.version): tool for tool in (LEGACY_OVERALL, *tools)}

    def get(self, tool_id: str, version: int) -> AuditTool | None:
        return self._tools.get((tool_id, version))

    def latest(self, tool_id: str) -> AuditTool | None:
        versions = [tool for (name, _), tool in self._tools.items() if name == tool_id]
        return max(versions, key=lambda tool: tool.version, default=None)

    def all(self) -> list[AuditTool]:
        return sorted(self._tools.values(), key=lambda tool: (tool.id, tool.version))
