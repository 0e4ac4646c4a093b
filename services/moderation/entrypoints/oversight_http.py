"""HTTP routes for the QA team's oversight of moderation: sampling policies, the
moderator pool, calibration statistics, and challenges to a Child of Concern's category."""

from __future__ import annotations

import secrets
import uuid
from functools import partial
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field

from services.moderation.application import calibration, revise_category, set_policy
from services.moderation.application.calibration import CalibrationAnswer
from services.moderation.application.revise_category import CategoryRevision
from services.moderation.application.set_policy import SamplingPolicy
from services.moderation.domain.calibration import By
from services.moderation.domain.commands import ReviseCategory, SetSamplingPolicy
from services.moderation.domain.rules import REVISION_HAS_A_RATIONALE
from services.moderation.domain.sampling import SEED_BITS, default_policy
from services.moderation.entrypoints.http import QueriesDep
from shared.http.conventions import ActorDep, AskingDep
from shared.http.dependencies import AreaPath, AreaQuery, CommandsDep
from shared.http.fields import MONTH_PATTERN, LongText
from shared.http.problems import problems
from shared.http.validation import enforce
from shared.kernel.errors import NotFound

router = APIRouter()
MonthQuery = Annotated[str | None, Query(pattern=MONTH_PATTERN, description="YYYY-MM")]


class Request(BaseModel):
    model_config = ConfigDict(extra="forbid")


class PolicyRequest(Request):
    """Inadequate audits and audits with a Category 1 Child of Concern are always
    sampled; on top of them these two."""

    random_share: Annotated[float, Field(ge=0, le=1, description="0 to 1")]
    newly_trained_first_n: Annotated[int, Field(ge=0, le=50)] = 3
    seed: Annotated[int, Field(ge=0, lt=2**SEED_BITS, description="left out: a fresh one")] \
        | None = None


class CategoryRequest(Request):
    category: Literal[1, 2]
    rationale: Annotated[LongText, Field(validate_default=True)] = ""

    _has_a_rationale = enforce(REVISION_HAS_A_RATIONALE)


@router.post("/sampling-policies/{service_area}", status_code=201, tags=["sampling"],
             responses=problems(403, 404, 422))
async def set_a_sampling_policy(service_area: AreaPath, body: PolicyRequest,
                                commands: CommandsDep, asked: AskingDep) -> SamplingPolicy:
    """The QA team sets which audits are moderated; each change is recorded with who."""
    seed = body.seed if body.seed is not None else secrets.randbits(SEED_BITS)
    command = SetSamplingPolicy(body.random_share, body.newly_trained_first_n, seed,
                                asked.actor.person_id, asked.actor.role)
    context = asked.command("SetSamplingPolicy", service_area, body,
                            path={"service_area": service_area})
    return await commands.run(context, partial(set_policy.handle, command), SamplingPolicy)


@router.get("/sampling-policies/{service_area}", tags=["sampling"], responses=problems(404))
async def the_sampling_policy(service_area: AreaPath, queries: QueriesDep,
                              actor: ActorDep) -> SamplingPolicy:
    """The policy in force (version 0: the default, before anyone set one)."""
    row = await queries.policy(service_area)
    if row is not None:
        return SamplingPolicy.model_validate(row)
    policy = default_policy(service_area)
    return SamplingPolicy(service_area=service_area, version=0,
                          random_share=policy.random_share,
                          newly_trained_first_n=policy.newly_trained_first_n, seed=policy.seed)


@router.get("/moderators", tags=["sampling"], responses=problems(404, 422))
async def the_moderator_pool(service_area: AreaQuery, queries: QueriesDep,
                             actor: ActorDep) -> list[dict[str, Any]]:
    """The service area's staff as moderation knows them, with open moderations each."""
    return await queries.pool(service_area)


@router.get("/calibration", tags=["calibration"], responses=problems(404, 422))
async def calibration_statistics(service_area: AreaQuery, queries: QueriesDep,
                                 actor: ActorDep, month: MonthQuery = None,
                                 by: By = "all") -> CalibrationAnswer:
    """Shares agreed, changed and returned, the direction of changes, and auditor-moderator
    agreement as linearly weighted Cohen's kappa with a 95% confidence interval, per
    element and overall: grouped by month, auditor, moderator or element."""
    return await calibration.handle(service_area, month, by, queries)


@router.post("/children-of-concern/{concern_id}/category", status_code=201,
             tags=["children of concern"], responses=problems(403, 404, 409, 422))
async def revise_a_category(concern_id: uuid.UUID, body: CategoryRequest,
                            commands: CommandsDep, queries: QueriesDep,
                            asked: AskingDep) -> CategoryRevision:
    """A trained moderator or the Head of Quality revises a Child of Concern's category
    (e.g. Category 1 to 2 against Ofsted's guidance), with the rationale."""
    service_area = await queries.concern_area(concern_id)
    if service_area is None:
        raise NotFound("no such Child of Concern is known to moderation")
    command = ReviseCategory(concern_id, body.category, body.rationale,
                             asked.actor.person_id, asked.actor.role)
    context = asked.command("ReviseConcernCategory", service_area, body,
                            path={"concern_id": concern_id})
    return await commands.run(context, partial(revise_category.handle, command),
                              CategoryRevision)

