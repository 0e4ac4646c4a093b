"""Which submitted audits are moderated: a pure function of the service area's policy,
the audit and its auditor's record, reproducible from a recorded seed.

Always sampled: an audit graded Inadequate overall, and an audit with a Category 1 Child
of Concern (decided when the concern arrives, after the submission). On top: each newly
trained auditor's first N audits, and a random share of the rest.

The draw: seed = the first 53 bits of sha256("<policy seed>:<audit id>"), draw = seed / 2**53
(uniform on [0, 1)), sampled at random when draw < random_share. Anyone holding the
policy's seed and the audit id can repeat it; the seed itself is recorded on the event.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from datetime import date

from shared.events.common import Grade
from shared.events.moderation import SampleReason
from shared.kernel.identifiers import derived_id

SEED_BITS = 53
# An auditor counts as newly trained for this long after their training date: a service
# deployed into an established pool must not sample every veteran's "first" audits.
NEWLY_TRAINED_FOR_DAYS = 366


@dataclass(frozen=True)
class Policy:
    version: int  # 0: the default, before anyone set one
    random_share: float
    newly_trained_first_n: int
    seed: int


def default_policy(service_area: str) -> Policy:
    """Until the QA team sets one: every audit is moderated (as before sampling existed),
    and the seed is fixed per service area."""
    return Policy(version=0, random_share=1.0, newly_trained_first_n=3,
                  seed=derived_id("sampling-seed", service_area).int >> (128 - SEED_BITS))


def audit_seed(policy_seed: int, audit_id: uuid.UUID) -> int:
    digest = hashlib.sha256(f"{policy_seed}:{audit_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") >> (64 - SEED_BITS)


def draw(seed: int) -> float:
    return seed / float(1 << SEED_BITS)


@dataclass(frozen=True)
class AuditorRecord:
    """What the pool knows of the auditor: when trained (None: not in the directory),
    and the days on which their earlier audits were submitted."""

    auditor_since: date | None
    earlier_submissions: tuple[date, ...] = ()

    def audits_since_trained(self) -> int | None:
        if self.auditor_since is None:
            return None
        return sum(1 for day in self.earlier_submissions if day >= self.auditor_since)


@dataclass(frozen=True)
class Decision:
    reasons: tuple[SampleReason, ...]
    seed: int
    random_share: float
    policy_version: int
    audits_since_trained: int | None

    @property
    def sampled(self) -> bool:
        return bool(self.reasons)


def newly_trained(auditor: AuditorRecord, policy: Policy, today: date) -> bool:
    since = auditor.auditor_since
    count = auditor.audits_since_trained()
    return (since is not None and count is not None
            and (today - since).days <= NEWLY_TRAINED_FOR_DAYS
            and count < policy.newly_trained_first_n)


def decide(policy: Policy, audit_id: uuid.UUID, overall: Grade, auditor: AuditorRecord,
           today: date) -> Decision:
    seed = audit_seed(policy.seed, audit_id)
    reasons: list[SampleReason] = []
    if overall is Grade.INADEQUATE:
        reasons.append("inadequate")
    if newly_trained(auditor, policy, today):
        reasons.append("newly-trained")
    if draw(seed) < policy.random_share:
        reasons.append("random")
    return Decision(tuple(reasons), seed, policy.random_share, policy.version,
                    auditor.audits_since_trained())
