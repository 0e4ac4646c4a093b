"""An inspection evidence pack as one printable HTML page: every entry in the order it
was recorded, who recorded it, and what it said."""

from __future__ import annotations

from html import escape
from typing import Any

from services.reporting.application.evidence import EvidencePack

# The fields an inspector reads first, shown as a line; the rest stay in the JSON.
_SHOWN = ("month", "overall_grade", "original_grade", "moderated_grade", "outcome",
          "element", "from_grade", "to_grade", "category", "to_category", "due_date",
          "to_date", "description", "reason", "rationale", "submission", "evidence", "role")


def _summary(details: dict[str, Any]) -> str:
    return "; ".join(f"{key.replace('_', ' ')}: {details[key]}" for key in _SHOWN
                     if details.get(key) not in (None, "", [], {}))


def render(evidence: EvidencePack) -> str:
    rows = "".join(
        f"<tr><td>{escape(e.recorded_at.isoformat(timespec='seconds'))}</td>"
        f"<td>{escape(e.event_type)}</td><td>{escape(e.about.split(':', 1)[0])}</td>"
        f"<td>{escape(e.recorded_by)}</td><td>{escape(_summary(e.details))}</td></tr>"
        for e in evidence.entries)
    title = f"Inspection evidence: {evidence.scope}"
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{escape(title)}</title>
<style>body {{ font-family: sans-serif; margin: 1em; }} table {{ border-collapse: collapse; }}
th, td {{ border: 1px solid #999; padding: 0.2em 0.4em; vertical-align: top; }}</style>
</head><body><h1>{escape(title)}</h1>
<p>{len(evidence.entries)} entries about {evidence.subjects} records, from
{escape(evidence.source)}; areas: {escape(", ".join(evidence.areas))}.</p>
<table><thead><tr><th>Recorded</th><th>What</th><th>About</th><th>By</th><th>Details</th>
</tr></thead><tbody>{rows}</tbody></table></body></html>
"""
