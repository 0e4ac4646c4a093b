"""Which grades an audit may be moderated to: the scale of the tool it was done on.

AuditSubmitted v2 names the tool but not its scale, so moderation infers it: an audit
whose auditor used Adequate is on the pre-2014 Ofsted scale (Outstanding / Good / Adequate
/ Inadequate), one that used Requires Improvement is on the 2014 scale; where neither
appears, the tool decides (the audit service's two pre-2014 tools, Herefordshire's
closed-case and current-case-risk pro-formas), else the 2014 scale. When AuditSubmitted
carries the scale, this guess gives way to it.
"""

from __future__ import annotations

from collections.abc import Iterable

from shared.events.common import Grade

OFSTED_2014 = (Grade.OUTSTANDING, Grade.GOOD, Grade.REQUIRES_IMPROVEMENT, Grade.INADEQUATE)
OFSTED_2012 = (Grade.OUTSTANDING, Grade.GOOD, Grade.ADEQUATE, Grade.INADEQUATE)
OFSTED_2012_TOOLS = frozenset({"closed-case", "current-case-risk"})


def scale_of(tool: str, grades: Iterable[Grade]) -> tuple[str, tuple[Grade, ...]]:
    seen = set(grades)
    if Grade.ADEQUATE in seen:
        return "ofsted-2012", OFSTED_2012
    if Grade.REQUIRES_IMPROVEMENT in seen:
        return "ofsted-2014", OFSTED_2014
    if tool in OFSTED_2012_TOOLS:
        return "ofsted-2012", OFSTED_2012
    return "ofsted-2014", OFSTED_2014
