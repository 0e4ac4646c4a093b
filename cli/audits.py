"""`qa` commands for doing an audit: start it, write a template from its tool, save drafts
and submit from a filled-in YAML (or JSON) file, show it, and fetch its record summary."""

from __future__ import annotations

import argparse
import json
from datetime import date
from pathlib import Path
from typing import Any

import yaml  # type: ignore[import-untyped]

from cli.client import QaClient
from cli.output import BadFile, cell
from shared.events.vocabulary import ConcernImmediacy, ConcernNature, LearningTheme, Priority


def start_audit(c: QaClient, a: argparse.Namespace) -> str:
    result = c.post("audit", f"/audits/{a.audit_id}/start", {}, a.key)
    return f"Started audit {result['audit_id']} on {result['audit_tool']} " \
           f"v{result['tool_version']}."


def read_filled_in(path: str) -> dict[str, Any]:
    """The file's fields, blanks (null) left out: a blank is not filled in yet."""
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except OSError as error:
        raise BadFile(f"cannot read {path}: {error.strerror}") from None
    except yaml.YAMLError as error:
        raise BadFile(f"{path} is not readable YAML or JSON: {error}") from None
    if not isinstance(data, dict):
        raise BadFile(f"{path} holds no fields (start from `qa audit-template AUDIT`)")
    filled: dict[str, Any] = _without_blanks(data)
    return filled


def _without_blanks(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _without_blanks(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_without_blanks(v) for v in value]
    return value.isoformat() if isinstance(value, date) else value


def _audit_of(a: argparse.Namespace, body: dict[str, Any]) -> str:
    audit = getattr(a, "audit_id", None) or body.get("audit_id")
    if not audit:
        raise BadFile("name the audit: its id in the file (audit_id) or --audit")
    return str(audit)


def save_draft(c: QaClient, a: argparse.Namespace) -> str:
    body = read_filled_in(a.file)
    audit = _audit_of(a, body)
    body.pop("audit_id", None)
    result = c.post("audit", f"/audits/{audit}/draft", body, a.key)
    return f"Saved a draft of audit {audit}: " + (", ".join(result["changed"]) or "nothing") \
        + " changed."


def submit_audit(c: QaClient, a: argparse.Namespace) -> str:
    if a.file:
        body = read_filled_in(a.file)
        if str(body.pop("audit_id", a.audit_id)) != a.audit_id:
            raise BadFile(f"{a.file} is for another audit (its audit_id)")
    else:  # the draft saved so far, as it stands
        body = c.get("audit", f"/audits/{a.audit_id}")["draft"] or {}
    r = c.post("audit", f"/audits/{a.audit_id}/submission", body, a.key)
    lines = [f"Submitted audit {r['audit_id']} (submission {r['submission']}, "
             f"{r['audit_tool']} v{r['tool_version']}): {r['overall_grade']}"
             + (f", limited by {', '.join(r['limited_by'])}" if r["limited_by"] else "")
             + (" (late)" if r["late"] else "") + "."]
    lines += [f"action id: {action}" for action in r["action_ids"]]
    if r.get("concern_id"):
        lines.append(f"Child of Concern raised: {r['concern_id']}")
    return "\n".join(lines)


def show_audit(c: QaClient, a: argparse.Namespace) -> str:
    v = c.get("audit", f"/audits/{a.audit_id}")
    lines = [f"Audit {v['audit_id']}: child {v['child_ref']} ({v['legal_status']}, "
             f"{v['case_team']}), {v['month']}, auditor {v['auditor_id']}",
             f"tool {v['audit_tool']} v{cell(v['tool_version'])}; status {v['status']}"
             + (f", submission {v['submission']}" if v["submission"] else "")
             + (f"; overall grade {v['overall_grade']}" if v["overall_grade"] else "")]
    if v["status"] == "returned":
        lines.append(f"returned by {v['returned_by']}: {v['returned_reasons']}")
    if v.get("moderator_id"):
        lines.append(f"moderated by {v['moderator_id']}: {v['moderation_outcome']}")
    lines += [f"  {element}: {grade}" for element, grade in v["element_grades"].items()]
    if v.get("draft") and v["status"] in {"assigned", "in-progress", "returned"}:
        filled = ", ".join(f"{name} ({len(value)})" if isinstance(value, dict | list)
                           else name for name, value in v["draft"].items())
        lines.append(f"draft saved so far: {filled or 'nothing'}")
    lines += [f"action: {x['description']} (owner {x['owner_id']}, due {x['due_date']}, "
              f"{x['priority']})" for x in v["actions"]]
    lines += [f"Child of Concern: category {x['category']} (decided by {x['decided_by']})"
              for x in v["concerns"]]
    return "\n".join(lines)


def record_summary(c: QaClient, a: argparse.Namespace) -> str:
    if a.html:
        return c.get_text("audit", f"/audits/{a.audit_id}/record-summary.html")
    s = c.get("audit", f"/audits/{a.audit_id}/record-summary")
    if a.json:
        return json.dumps(s, indent=2)
    lines = [s["chronology_note"], "",
             f"Strengths: {s['strengths']}",
             f"Areas for development: {s['areas_for_development']}",
             f"Learning themes: {', '.join(s['learning_themes']) or '-'}"]
    lines += [f"Action: {x['description']} (owner {x['owner_id']}, due {x['due_date']}, "
              f"{x['priority']})" for x in s["actions"]]
    return "\n".join(lines)


def audit_template(c: QaClient, a: argparse.Namespace) -> str:
    """A file to fill in for the audit's tool, with what was saved so far filled in."""
    v = c.get("audit", f"/audits/{a.audit_id}")
    tool = c.get("audit", f"/tools/{v['audit_tool']}/versions/{v['tool_version'] or 1}") \
        if v["tool_version"] else c.get("audit", f"/tools/{v['audit_tool']}")
    draft = v.get("draft") or {}
    grades = " | ".join(_grades(tool["scale"]))
    out = [f"# Audit of child {v['child_ref']} ({v['legal_status']}, {v['case_team']}), "
           f"{v['month']}",
           f"# Tool: {tool['title']} ({tool['id']} v{tool['version']}); grades: {grades}",
           f"# Fill in, then: qa submit-audit {v['audit_id']} --file THIS-FILE",
           "# (or save part of it: qa save-draft THIS-FILE). Leave a field blank if not "
           "known yet.",
           f"audit_id: {v['audit_id']}", "", "answers:"]
    for q in tool["questions"]:
        how = {"yes-no": "yes or no", "date": "YYYY-MM-DD", "free-text": "text",
               "choice": " | ".join(json.dumps(choice) for choice in q["choices"])}[q["kind"]]
        out += [f"  # {q['text']} ({'mandatory' if q['mandatory'] else 'optional'}): {how}",
                f"  {q['id']}:{_value(draft.get('answers', {}).get(q['id']))}"]
    out.append("element_grades:")
    for e in tool["elements"]:
        caps = "; ".join(f"{when} caps the overall grade at {cap}"
                         for when, cap in (e["caps"] or ({"inadequate": "inadequate"}
                                                         if e["limiting"] else {})).items())
        out += [f"  # {e['title']}: {' '.join(e['guidance'].split())}"
                + (f" [limiting: {caps}]" if caps else ""),
                f"  {e['id']}:{_value(draft.get('element_grades', {}).get(e['id']))}"]
    engaged = draft.get("engagement", {})
    out += [f"overall_grade:{_value(draft.get('overall_grade'))}",
            f"strengths:{_value(draft.get('strengths'))}",
            f"areas_for_development:{_value(draft.get('areas_for_development'))}",
            f"# any of: {', '.join(t.value for t in LearningTheme)}",
            f"learning_themes: {json.dumps(draft.get('learning_themes', []))}",
            "engagement:",
            f"  with_social_worker:{_value(engaged.get('with_social_worker'))}  # yes or no",
            "  # when not with the social worker: worker-absent | worker-left | case-closed "
            "| other",
            "  not_with_social_worker_because:"
            + _value(engaged.get("not_with_social_worker_because")),
            f"  manager_participated:{_value(engaged.get('manager_participated'))}",
            f"  child_contacted:{_value(engaged.get('child_contacted'))}",
            "  parents_or_carers_giving_views:"
            + _value(engaged.get("parents_or_carers_giving_views")) + "  # how many people",
            f"  iro_or_cp_chair_views:{_value(engaged.get('iro_or_cp_chair_views'))}",
            "# none, one or many; priority: " + " | ".join(p.value for p in Priority),
            f"actions: {json.dumps(draft.get('actions', []))}",
            "#   - description: what is to be done",
            "#     owner_id: the staff id of whoever owns it",
            "#     due_date: YYYY-MM-DD",
            "#     priority: medium",
            "# Only when overall_grade is inadequate: category 1 (immediate risk of "
            "significant harm, same-day) or 2 (service offer or risk assessment not "
            "appropriate);",
            f"# nature, any of: {', '.join(n.value for n in ConcernNature)}; immediacy: "
            + " | ".join(i.value for i in ConcernImmediacy),
            f"child_of_concern:{_value(draft.get('child_of_concern'))}"]
    return "\n".join(out)


def _grades(scale: str) -> list[str]:
    middle = "adequate" if scale == "ofsted-2012" else "requires-improvement"
    return ["outstanding", "good", middle, "inadequate"]


def _value(value: Any) -> str:
    """` <value>` as YAML on the same line (JSON is YAML), or nothing when blank."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return " yes" if value else " no"
    return " " + json.dumps(value)
