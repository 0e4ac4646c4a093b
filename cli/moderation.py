"""The `qa` subcommands of the moderation service: the queue, one audit beside what may
change, recording the outcome, reassignment, the sampling policy, the pool, calibration
and category revisions."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from cli.client import QaClient
from cli.output import cell, table
from shared.events.common import Grade

GRADES = [grade.value for grade in Grade]
Command = Callable[[QaClient, argparse.Namespace], str]


def change(text: str) -> tuple[str, dict[str, str]]:
    """ELEMENT=GRADE:RATIONALE, e.g. risk=requires-improvement:Risk not reassessed."""
    element, _, rest = text.partition("=")
    grade, _, rationale = rest.partition(":")
    if not element or grade not in GRADES or not rationale.strip():
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a change: use ELEMENT=GRADE:RATIONALE, e.g. "
            f"risk=requires-improvement:Risk not reassessed (grades: {', '.join(GRADES)})")
    return element, {"grade": grade, "rationale": rationale.strip()}


def moderation_queue(c: QaClient, a: argparse.Namespace) -> str:
    rows = c.get("moderation", "/moderations", service_area=a.area, status=a.status,
                 moderator=a.moderator, mine="true" if a.mine else None)
    for row in rows:
        row["reasons"] = ",".join(row.get("sample_reasons") or []) or None
    return table(rows, ["audit_id", "month", "auditor_id", "submitted_grade", "status",
                        "assigned_to", "reasons", "moderated_grade"])


def show_moderation(c: QaClient, a: argparse.Namespace) -> str:
    m = c.get("moderation", f"/moderations/{a.audit_id}")
    lines = [f"Audit {m['audit_id']} ({m['month']}), submission {m['submission']}: "
             f"{m['status']}",
             f"auditor {m['auditor_id']}; child {cell(m['child_ref'])} "
             f"({cell(m['legal_status'])}), team {cell(m['case_team'])}; tool "
             f"{cell(m['audit_tool'])} on the {m['scale']} scale",
             f"sampled for: {', '.join(m['sample_reasons']) or '-'}; moderator: "
             f"{cell(m['moderator_id'])}" + (" (external)" if m["external_moderator"] else "")]
    if m["waiting_reasons"]:
        lines.append("waiting for a moderator: " + "; ".join(m["waiting_reasons"]))
    if m["returned_reasons"]:
        lines.append(f"returned for rework: {m['returned_reasons']}")
    rows = [{**g, "can_change_to": ", ".join(g["can_change_to"])} for g in m["grades"]]
    return "\n".join(lines) + "\n\n" + table(
        rows, ["element", "auditor_grade", "moderated_grade", "can_change_to"])


def moderate(c: QaClient, a: argparse.Namespace) -> str:
    body: dict[str, Any]
    if a.agree:
        body = {"outcome": "agreed"}
    elif a.below_standard:
        body = {"outcome": "below-standard", "reasons": a.reasons or ""}
    else:
        changes = dict(a.change or [])
        if a.grade:
            changes["overall"] = {"grade": a.grade, "rationale": a.rationale or ""}
        body = {"outcome": "grades-changed", "changes": changes}
    if a.rationale and not a.grade:
        body["rationale"] = a.rationale
    if a.concern_category:
        body["child_of_concern"] = {"category": a.concern_category,
                                    "reason": a.concern_reason or ""}
    r = c.post("moderation", f"/moderations/{a.audit_id}", body, a.key)
    said = [f"Moderated audit {r['audit_id']}: {r['outcome']} "
            f"({r['original_grade']} -> {r['moderated_grade']})."]
    said += [f"  {x['element']}: {x['from_grade']} -> {x['to_grade']}" for x in r["changes"]]
    if r["returned_for_rework"]:
        said.append("Returned to its auditor for rework; the resubmission comes back to you.")
    if r["child_of_concern_decided"]:
        said.append("Your Child of Concern decision goes to the audit service.")
    if r["concern_review_requested"]:
        said.append("The tracker is asked to review the audit's Children of Concern.")
    return "\n".join(said)


def reassign_moderation(c: QaClient, a: argparse.Namespace) -> str:
    r = c.post("moderation", f"/moderations/{a.audit_id}/reassignment",
               {"moderator_id": a.to, "reason": a.reason}, a.key)
    return f"Moderation of audit {r['audit_id']} moved from " \
           f"{r['from_moderator_id'] or 'nobody'} to {r['moderator_id']}."


def set_sampling_policy(c: QaClient, a: argparse.Namespace) -> str:
    body: dict[str, Any] = {"random_share": a.share, "newly_trained_first_n": a.newly_trained}
    if a.seed is not None:
        body["seed"] = a.seed
    return _policy(c.post("moderation", f"/sampling-policies/{a.area}", body, a.key))


def sampling_policy(c: QaClient, a: argparse.Namespace) -> str:
    return _policy(c.get("moderation", f"/sampling-policies/{a.area}"))


def _policy(p: dict[str, Any]) -> str:
    return (f"Sampling policy v{p['version']} for {p['service_area']}: every inadequate "
            f"audit, every audit with a Category 1 Child of Concern, each newly trained "
            f"auditor's first {p['newly_trained_first_n']}, and {p['random_share']:.0%} of "
            f"the rest at random (seed {p['seed']}).")


def moderators(c: QaClient, a: argparse.Namespace) -> str:
    rows = [r for r in c.get("moderation", "/moderators", service_area=a.area)
            if r.get("moderator_since")]
    return table(rows, ["person_id", "team", "role", "external", "moderator_since",
                        "leaving_on", "open_moderations"])


def calibration(c: QaClient, a: argparse.Namespace) -> str:
    r = c.get("moderation", "/calibration", service_area=a.area, month=a.month, by=a.by)
    groups = [r["all"], *r["groups"]]
    rows = [{"group": g["key"], "decisions": g["decisions"],
             "agreed": _share(g["share_agreed"]), "changed": _share(g["share_grades_changed"]),
             "returned": _share(g["share_returned"]),
             "up/down": f"{g['changed_up']}/{g['changed_down']}",
             "kappa overall (95% CI)": _kappa(g["kappa"].get("overall"))} for g in groups]
    return table(rows, list(rows[0]))


def _share(value: float | None) -> str:
    return "-" if value is None else f"{value:.0%}"


def _kappa(k: dict[str, Any] | None) -> str:
    if k is None or k["kappa"] is None:
        return "undefined" + (f" ({k['undefined_because']})" if k else "")
    low, high = k["ci_95"]
    return f"{k['kappa']:.2f} ({low:.2f} to {high:.2f}), n={k['pairs']}"


def revise_concern_category(c: QaClient, a: argparse.Namespace) -> str:
    r = c.post("moderation", f"/children-of-concern/{a.concern_id}/category",
               {"category": a.category, "rationale": a.rationale}, a.key)
    return f"Child of Concern {r['concern_id']}: Category {r['from_category']} revised to " \
           f"Category {r['to_category']} by {r['revised_by']}; the tracker applies it."


def add_commands(cmd: Callable[[str, Command, str], argparse.ArgumentParser],
                 an_id: Callable[[str], str], month: Callable[[str], str]) -> None:
    q = cmd("moderation-queue", moderation_queue, "audits in moderation")
    q.add_argument("--status", choices=["awaiting", "returned", "moderated", "not-sampled"])
    q.add_argument("--moderator", help="those assigned to this moderator")
    q.add_argument("--mine", action="store_true", help="those assigned to you (--as)")
    q = cmd("show-moderation", show_moderation, "an audit's grades beside what may change")
    q.add_argument("audit_id", type=an_id)
    q = cmd("moderate", moderate, "agree an audit, change grades, or return it for rework")
    q.add_argument("audit_id", type=an_id)
    outcome = q.add_mutually_exclusive_group(required=True)
    outcome.add_argument("--agree", action="store_true")
    outcome.add_argument("--change", type=change, action="append",
                         metavar="ELEMENT=GRADE:RATIONALE", help="repeat for each grade")
    outcome.add_argument("--grade", choices=GRADES, help="change the overall grade")
    outcome.add_argument("--below-standard", action="store_true",
                         help="return it for rework (say why with --reasons)")
    q.add_argument("--rationale", help="why (with --grade), or a note on any outcome")
    q.add_argument("--reasons", help="why the audit is below the required standard")
    q.add_argument("--concern-category", type=int, choices=[1, 2],
                   help="your Child of Concern decision, when changing to inadequate")
    q.add_argument("--concern-reason")
    q = cmd("reassign-moderation", reassign_moderation, "move a moderation (QA team)")
    q.add_argument("audit_id", type=an_id)
    q.add_argument("--to", help="the moderator (left out: the pool chooses)")
    q.add_argument("--reason", required=True)
    q = cmd("set-sampling-policy", set_sampling_policy, "set which audits are moderated")
    q.add_argument("--share", type=float, required=True, help="random share, 0 to 1")
    q.add_argument("--newly-trained", type=int, default=3,
                   help="each newly trained auditor's first N audits (3)")
    q.add_argument("--seed", type=int, help="the draw's seed (chosen when omitted)")
    cmd("sampling-policy", sampling_policy, "the sampling policy in force")
    cmd("moderators", moderators, "the moderator pool and their open moderations")
    q = cmd("calibration", calibration, "agreement between auditors and moderators")
    q.add_argument("--month", type=month, help="YYYY-MM (all months when left out)")
    q.add_argument("--by", default="all",
                   choices=["all", "month", "auditor", "moderator", "element"])
    q = cmd("revise-concern-category", revise_concern_category,
            "challenge a Child of Concern's category (moderator or head of quality)")
    q.add_argument("concern_id", type=an_id)
    q.add_argument("--category", type=int, choices=[1, 2], required=True)
    q.add_argument("--rationale", required=True)
