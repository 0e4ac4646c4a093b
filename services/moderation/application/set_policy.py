"""The QA team sets a service area's sampling policy; each change is recorded, versioned,
with who set it."""

from __future__ import annotations

from pydantic import BaseModel

from services.moderation.domain.commands import SetSamplingPolicy
from services.moderation.domain.policy import POLICY, current
from services.moderation.domain.streams import policy_stream
from shared.kit.unit_of_work import UnitOfWork


class SamplingPolicy(BaseModel):
    service_area: str
    version: int
    random_share: float
    newly_trained_first_n: int
    seed: int
    always_inadequate: bool = True
    always_category_1: bool = True


async def handle(command: SetSamplingPolicy, unit: UnitOfWork) -> SamplingPolicy:
    area = unit.metadata.service_area
    await unit.execute(POLICY, policy_stream(area), command)
    policy = current(await unit.state(POLICY, policy_stream(area)), area)
    return SamplingPolicy(service_area=area, version=policy.version,
                          random_share=policy.random_share,
                          newly_trained_first_n=policy.newly_trained_first_n, seed=policy.seed)
