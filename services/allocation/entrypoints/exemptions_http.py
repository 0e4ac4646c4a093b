"""HTTP routes of exemptions: asked for with a kind (and a note), counted at once when
non-operational, otherwise when a director authorises them."""

from __future__ import annotations

import uuid
from functools import partial
from typing import Annotated, Any

from fastapi import APIRouter, Query

from services.allocation.application import exemptions
from services.allocation.application.results import ExemptionAnswer
from services.allocation.entrypoints.dependencies import DirectoryDep, QueriesDep, Request
from shared.events.common import PersonId
from shared.events.vocabulary import ExemptionKind
from shared.http.conventions import ActorDep, AskingDep
from shared.http.dependencies import AreaQuery, CommandsDep
from shared.http.fields import MONTH_PATTERN, RequestMonth, Text
from shared.http.problems import problems
from shared.kernel.identifiers import Slug

router = APIRouter(tags=["exemptions"])


class ExemptionRequest(Request):
    service_area: Slug
    month: RequestMonth
    person_id: PersonId
    kind: ExemptionKind
    note: Text | None = None


class DecisionRequest(Request):
    service_area: Slug


@router.post("/exemptions", status_code=201, responses=problems(404, 409))
async def request_an_exemption(body: ExemptionRequest, commands: CommandsDep,
                               asked: AskingDep, directory: DirectoryDep) -> ExemptionAnswer:
    """Exempts someone in the month's pool: maternity, sickness, extended leave, leaving
    and a part-timer's month off count at once; any other kind awaits a director."""
    context = asked.command("RequestExemption", body.service_area, body)
    return await commands.run(context, partial(
        exemptions.request, body.person_id, body.month, body.kind, body.note, directory),
        ExemptionAnswer)


async def _decide(exemption_id: uuid.UUID, authorise: bool, body: DecisionRequest,
                  commands: CommandsDep, asked: AskingDep) -> ExemptionAnswer:
    name = "AuthoriseExemption" if authorise else "RefuseExemption"
    context = asked.command(name, body.service_area, body, path={"exemption_id": exemption_id})
    return await commands.run(context, partial(exemptions.decide, exemption_id, authorise),
                              ExemptionAnswer)


@router.post("/exemptions/{exemption_id}/authorisation", responses=problems(403, 404, 409))
async def authorise(exemption_id: uuid.UUID, body: DecisionRequest, commands: CommandsDep,
                    asked: AskingDep) -> ExemptionAnswer:
    """A director authorises an operational exemption: from now it counts (X-Actor-Role
    must be director)."""
    return await _decide(exemption_id, True, body, commands, asked)


@router.post("/exemptions/{exemption_id}/refusal", responses=problems(403, 404, 409))
async def refuse(exemption_id: uuid.UUID, body: DecisionRequest, commands: CommandsDep,
                 asked: AskingDep) -> ExemptionAnswer:
    """A director refuses an operational exemption: the person audits as allocated."""
    return await _decide(exemption_id, False, body, commands, asked)


@router.get("/exemptions", responses=problems(404))
async def exemptions_of(service_area: AreaQuery, queries: QueriesDep, actor: ActorDep,
                        month: Annotated[str, Query(pattern=MONTH_PATTERN)],
                        ) -> list[dict[str, Any]]:
    """A month's exemptions and where each stands."""
    return await queries.exemptions(service_area, month)
