"""A service area's sampling policy: each change recorded with who set it, versioned so
each sampling decision names the policy it followed."""

from __future__ import annotations

from services.moderation.domain.commands import QA_TEAM_ROLES, SetSamplingPolicy
from services.moderation.domain.events import SamplingPolicySet
from services.moderation.domain.sampling import Policy, default_policy
from shared.kernel.contracts import EventContract
from shared.kernel.decider import Decider, keep_only
from shared.kernel.errors import Forbidden

PolicyState = SamplingPolicySet | None


def current(state: PolicyState, service_area: str) -> Policy:
    if state is None:
        return default_policy(service_area)
    return Policy(version=state.version, random_share=state.random_share,
                  newly_trained_first_n=state.newly_trained_first_n, seed=state.seed)


def set_policy(command: SetSamplingPolicy, state: PolicyState) -> list[EventContract]:
    if command.role not in QA_TEAM_ROLES:
        raise Forbidden("only the QA team (qa-officer, qa-manager, head-of-quality) sets "
                        "the sampling policy")
    return [SamplingPolicySet(version=(state.version if state else 0) + 1,
                              random_share=command.random_share,
                              newly_trained_first_n=command.newly_trained_first_n,
                              seed=command.seed, set_by=command.set_by)]


POLICY: Decider[SetSamplingPolicy, PolicyState] = Decider(
    "sampling-policy", None, keep_only(SamplingPolicySet), set_policy)
