"""HTTP routes: the monthly QA report as JSON, HTML and text, now or as at an earlier
instant, and the read models' state and rebuild."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query
from fastapi.responses import HTMLResponse, PlainTextResponse, Response
from pydantic import AfterValidator, AwareDatetime, BaseModel
from pydantic_core import PydanticCustomError

from services.reporting.application.evidence import EvidenceLog, EvidencePack, pack
from services.reporting.application.monthly_report import PARTNERSHIP, ReportQuery
from services.reporting.application.monthly_report import handle as report_for
from services.reporting.application.partnership_feed import FeedPublished, PublishFeed
from services.reporting.application.partnership_feed import handle as publish_feed
from services.reporting.application.queries import ReportRecords
from services.reporting.application.read_models import ReadModels, ReadModelsStatus, SlotStatus
from services.reporting.domain.report import MonthlyReport
from services.reporting.entrypoints import evidence_page, figures_csv, page, printed, text
from services.reporting.entrypoints.figures_csv import Figure
from shared.events.common import CHILD_REF_PATTERN, TEAM_PATTERN
from shared.http.conventions import ActorDep, AskingDep
from shared.http.dependencies import (
    SERVED_AREAS,
    AreaPath,
    AreasDep,
    ClockDep,
    CommandsDep,
    not_served,
    provider,
)
from shared.http.fields import MonthInPath
from shared.http.problems import AREA_NOT_SERVED, problems
from shared.kernel.clock import london_date
from shared.kernel.errors import NotFound
from shared.kernel.identifiers import SLUG_PATTERN

router = APIRouter()
report_records = provider(ReportRecords)
read_models = provider(ReadModels)
evidence_log = provider(EvidenceLog)
RecordsDep = Annotated[ReportRecords, Depends(report_records)]
ReadModelsDep = Annotated[ReadModels, Depends(read_models)]
EvidenceDep = Annotated[EvidenceLog, Depends(evidence_log)]


def _area_or_partnership(area: str) -> str:
    areas = SERVED_AREAS.get()
    if area != PARTNERSHIP and area not in areas:
        raise PydanticCustomError(AREA_NOT_SERVED, not_served(area, areas))
    return area


ReportArea = Annotated[str, Path(
    pattern=SLUG_PATTERN, description=f"one of the deployment's service areas, or "
    f"'{PARTNERSHIP}' for all of them together"), AfterValidator(_area_or_partnership)]
AsAt = Annotated[AwareDatetime | None, Query(
    description="the report as it stood at this instant (ISO 8601 with an offset): "
    "only events recorded by then count")]


async def _report(area: str, month: str, as_at: AwareDatetime | None, records: ReportRecords,
                  clock: ClockDep, areas: frozenset[str]) -> MonthlyReport:
    query = ReportQuery(service_area=area, month=month, served=sorted(areas),
                        today=london_date(clock.now()), as_at=as_at)
    return await report_for(query, records=records)


# Declared before the JSON route: `{month}` would otherwise match "2024-05.txt" and
# refuse it as a malformed month.
@router.get("/reports/{service_area}/{month}.txt", tags=["reports"],
            response_class=PlainTextResponse, responses=problems(404))
async def monthly_report_text(service_area: ReportArea, month: MonthInPath,
                              records: RecordsDep, clock: ClockDep, areas: AreasDep,
                              as_at: AsAt = None) -> PlainTextResponse:
    """The month's headline figures as a small table, for a terminal."""
    report = await _report(service_area, month, as_at, records, clock, areas)
    return PlainTextResponse(text.render(report))


@router.get("/reports/{service_area}/{month}.html", tags=["reports"],
            response_class=HTMLResponse, responses=problems(404))
async def monthly_report_page(service_area: ReportArea, month: MonthInPath,
                              records: RecordsDep, clock: ClockDep, areas: AreasDep,
                              as_at: AsAt = None) -> HTMLResponse:
    """The report as a printable page with its charts: the five questions, every
    percentage beside its count."""
    report = await _report(service_area, month, as_at, records, clock, areas)
    return HTMLResponse(page.render(report))


@router.get("/reports/{service_area}/{month}.pdf", tags=["reports"], response_class=Response,
            responses={200: {"content": {"application/pdf": {}},
                             "description": "the report page as A4 PDF"}, **problems(404)})
async def monthly_report_pdf(service_area: ReportArea, month: MonthInPath,
                             records: RecordsDep, clock: ClockDep, areas: AreasDep,
                             as_at: AsAt = None) -> Response:
    """The same page as PDF, for the improvement board's papers and the archive."""
    report = await _report(service_area, month, as_at, records, clock, areas)
    name = f"qa-report-{service_area}-{month}.pdf"
    return Response(await printed.pdf(report), media_type="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="{name}"'})


@router.get("/reports/{service_area}/{month}/{figure}.csv", tags=["reports"],
            response_class=PlainTextResponse,
            responses={200: {"content": {"text/csv": {}}, "description": "one figure as CSV"},
                       **problems(404)})
async def monthly_report_figure(service_area: ReportArea, month: MonthInPath, figure: Figure,
                                records: RecordsDep, clock: ClockDep, areas: AreasDep,
                                as_at: AsAt = None) -> PlainTextResponse:
    """One figure of the report as CSV: each share as count, whole and percentage."""
    report = await _report(service_area, month, as_at, records, clock, areas)
    return PlainTextResponse(figures_csv.render(report, figure), media_type="text/csv",
                             headers={"Content-Disposition": f'attachment; filename="'
                                      f'{service_area}-{month}-{figure.value}.csv"'})


@router.get("/reports/{service_area}/{month}", tags=["reports"], responses=problems(404))
async def monthly_report(service_area: ReportArea, month: MonthInPath, records: RecordsDep,
                         clock: ClockDep, areas: AreasDep, as_at: AsAt = None) -> MonthlyReport:
    """The monthly QA report for a service area (or the partnership): 404 for a month
    nothing is known of (no cycle opened, nothing allocated)."""
    return await _report(service_area, month, as_at, records, clock, areas)


@router.get("/read-models", tags=["read models"])
async def read_models_status(models: ReadModelsDep) -> ReadModelsStatus:
    """Which version of the read models answers, and how far a rebuild has got."""
    return await models.status()


@router.post("/read-models/rebuild", tags=["read models"], status_code=202,
             responses=problems(409))
async def rebuild_read_models(models: ReadModelsDep) -> SlotStatus:
    """Start rebuilding the read models from reporting's copy of the events, into the idle
    slot; the live one answers until the new one is complete. 409 while one is under way."""
    return await models.start_rebuild()


class FeedRequest(BaseModel):
    """Nothing to say: the month is in the path. Present so a key's request hash is stable."""


@router.post("/partnership-feed/{month}", tags=["partnership feed"], status_code=201,
             responses=problems(403, 409))
async def publish_partnership_feed(month: MonthInPath, records: RecordsDep,
                                   commands: CommandsDep, asked: AskingDep, clock: ClockDep,
                                   areas: AreasDep) -> FeedPublished:
    """Publish the month's figures of every served area on reporting's topic (the
    partnership feed: counts only, small numbers withheld; see the AsyncAPI document),
    for each area whose figures changed since they were last published."""
    command = PublishFeed(month=month, areas=sorted(areas), today=london_date(clock.now()))
    return await publish_feed(
        command, records=records, commands=commands,
        context_for=lambda area: asked.command("PublishPartnershipFigures", area,
                                               FeedRequest(), path={"month": month}))


ChildRefPath = Annotated[str, Path(pattern=CHILD_REF_PATTERN,
                                   description="the child's pseudonymous reference")]
TeamPath = Annotated[str, Path(pattern=TEAM_PATTERN)]


async def _child_pack(child_ref: str, log: EvidenceLog, areas: frozenset[str]) -> EvidencePack:
    entries = await log.for_child(sorted(areas), child_ref)
    if not entries:
        raise NotFound(f"nothing is recorded about a child {child_ref!r}")
    return pack(f"child {child_ref}", sorted(areas), entries)


async def _team_pack(area: str, month: str, team: str, log: EvidenceLog) -> EvidencePack:
    entries = await log.for_team(area, month, team)
    if not entries:
        raise NotFound(f"nothing is recorded about team {team!r} in {month} in {area}")
    return pack(f"team {team}, {month}, {area}", [area], entries)


@router.get("/evidence/children/{child_ref}.html", tags=["evidence packs"],
            response_class=HTMLResponse, responses=problems(404))
async def child_evidence_page(child_ref: ChildRefPath, log: EvidenceDep, areas: AreasDep,
                              actor: ActorDep) -> HTMLResponse:
    """The child's evidence pack as a printable page (child-level: an actor must be named)."""
    return HTMLResponse(evidence_page.render(await _child_pack(child_ref, log, areas)))


@router.get("/evidence/children/{child_ref}", tags=["evidence packs"], responses=problems(404))
async def child_evidence(child_ref: ChildRefPath, log: EvidenceDep, areas: AreasDep,
                         actor: ActorDep) -> EvidencePack:
    """Everything recorded about a child, in order: allocation, audit submissions,
    moderation and grade changes (and who made them), actions and their history, Child of
    Concern decisions."""
    return await _child_pack(child_ref, log, areas)


@router.get("/evidence/teams/{service_area}/{month}/{team}.html", tags=["evidence packs"],
            response_class=HTMLResponse, responses=problems(404))
async def team_evidence_page(service_area: AreaPath, month: MonthInPath, team: TeamPath,
                             log: EvidenceDep, actor: ActorDep) -> HTMLResponse:
    """A team's month as a printable evidence page."""
    return HTMLResponse(evidence_page.render(await _team_pack(service_area, month, team, log)))


@router.get("/evidence/teams/{service_area}/{month}/{team}", tags=["evidence packs"],
            responses=problems(404))
async def team_evidence(service_area: AreaPath, month: MonthInPath, team: TeamPath,
                        log: EvidenceDep, actor: ActorDep) -> EvidencePack:
    """Everything recorded about a team's cases audited in a month, in order."""
    return await _team_pack(service_area, month, team, log)
