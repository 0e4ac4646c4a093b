"""Properties of sampling and assignment over generated policies, audits and pools."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from services.moderation.domain.assignment import (
    Assigned,
    Parties,
    Unassignable,
    assign,
    ineligible,
)
from services.moderation.domain.events import PoolMemberRecorded
from services.moderation.domain.sampling import (
    NEWLY_TRAINED_FOR_DAYS,
    AuditorRecord,
    Policy,
    audit_seed,
    decide,
    draw,
)
from shared.events.common import Grade
from shared.events.vocabulary import StaffRole

TODAY = date(2025, 3, 20)
# The CI machine is shared: judge the properties, not the speed of one example.
UNHURRIED = settings(deadline=None)
TEAMS = ["east-1", "west-2", "north", "external"]
PEOPLE = [f"p{i}" for i in range(8)]

policies = st.builds(Policy, version=st.integers(0, 9),
                     random_share=st.floats(0, 1, allow_nan=False),
                     newly_trained_first_n=st.integers(0, 5), seed=st.integers(0, 2**53 - 1))
auditors = st.builds(
    AuditorRecord,
    auditor_since=st.none() | st.dates(date(2000, 1, 1), TODAY),
    earlier_submissions=st.lists(st.dates(date(2020, 1, 1), TODAY), max_size=8).map(tuple))


@UNHURRIED
@given(policies, st.uuids(), st.sampled_from(list(Grade)), auditors)
def test_sampling_is_reproducible_and_says_why(policy: Policy, audit: uuid.UUID, grade: Grade,
                                               auditor: AuditorRecord) -> None:
    decision = decide(policy, audit, grade, auditor, TODAY)
    assert decision == decide(policy, audit, grade, auditor, TODAY)
    assert decision.seed == audit_seed(policy.seed, audit)
    assert 0 <= draw(decision.seed) < 1
    assert ("inadequate" in decision.reasons) == (grade is Grade.INADEQUATE)
    assert ("random" in decision.reasons) == (draw(decision.seed) < policy.random_share)
    assert decision.sampled == bool(decision.reasons)
    if grade is Grade.INADEQUATE or policy.random_share == 1:
        assert decision.sampled


@UNHURRIED
@given(policies, st.uuids(), auditors)
def test_only_a_newly_trained_auditors_first_audits_are_sampled_for_it(
    policy: Policy, audit: uuid.UUID, auditor: AuditorRecord
) -> None:
    newly = "newly-trained" in decide(policy, audit, Grade.GOOD, auditor, TODAY).reasons
    since = auditor.auditor_since
    count = auditor.audits_since_trained()
    assert newly == (since is not None and count is not None
                     and TODAY - since <= timedelta(days=NEWLY_TRAINED_FOR_DAYS)
                     and count < policy.newly_trained_first_n)


@settings(max_examples=50, deadline=None)  # 2,000 draws each
@given(st.floats(0.05, 0.95), st.integers(0, 2**53 - 1))
def test_the_random_share_is_the_share_sampled_in_the_long_run(share: float, seed: int) -> None:
    policy = Policy(1, share, 0, seed)
    nobody = AuditorRecord(None)
    ids = [uuid.UUID(int=i * 7919 + 1) for i in range(2000)]
    taken = sum(decide(policy, audit, Grade.GOOD, nobody, TODAY).sampled for audit in ids)
    # Binomial(2000, share): within 5 standard deviations (at most 0.056).
    assert abs(taken / 2000 - share) < 0.06


def members() -> st.SearchStrategy[dict[str, PoolMemberRecorded]]:
    person = st.builds(
        lambda moderator, team, external, leaving, manager: (moderator, team, external,
                                                             leaving, manager),
        st.booleans(), st.sampled_from(TEAMS), st.booleans(),
        st.none() | st.dates(date(2025, 1, 1), date(2025, 12, 31)),
        st.none() | st.sampled_from(PEOPLE))
    return st.dictionaries(st.sampled_from(PEOPLE), person, max_size=len(PEOPLE)).map(
        lambda found: {p: PoolMemberRecorded(
            person_id=p, change="joined", effective_on=date(2024, 1, 1),
            role=StaffRole.TEAM_MANAGER, team=team, external=external, leaving_on=leaving,
            moderator_since=date(2022, 1, 1) if moderator else None, manager_id=manager)
            for p, (moderator, team, external, leaving, manager) in found.items()})


parties = st.builds(Parties, auditor_id=st.sampled_from(PEOPLE),
                    case_team=st.sampled_from(TEAMS),
                    social_worker_id=st.none() | st.sampled_from(PEOPLE),
                    case_manager_id=st.none() | st.sampled_from(PEOPLE))
loads = st.dictionaries(st.sampled_from(PEOPLE), st.integers(0, 6))


@UNHURRIED
@given(parties, members(), loads, loads)
def test_a_moderator_is_eligible_and_the_least_loaded_or_none_is_and_each_is_said_why(
    audit: Parties, pool: dict[str, PoolMemberRecorded], open_loads: dict[str, int],
    taken: dict[str, int]
) -> None:
    decided = assign(audit, pool, open_loads, taken, TODAY)
    eligible = [p for p, m in pool.items() if ineligible(m, audit, pool, TODAY) is None]
    if isinstance(decided, Unassignable):
        assert not eligible
        assert decided.reasons
        return
    assert isinstance(decided, Assigned)
    chosen = pool[decided.moderator_id]
    assert chosen.moderator_since is not None
    assert chosen.moderator_since <= TODAY
    assert chosen.leaving_on is None or chosen.leaving_on > TODAY
    assert decided.moderator_id != audit.auditor_id
    assert chosen.team != audit.case_team
    assert decided.moderator_id not in (audit.social_worker_id, audit.case_manager_id)
    worker = pool.get(audit.social_worker_id or "")
    assert worker is None or worker.manager_id != decided.moderator_id
    assert decided.external == chosen.external
    lightest = min(open_loads.get(p, 0) for p in eligible)
    assert open_loads.get(decided.moderator_id, 0) == lightest


@UNHURRIED
@given(parties, members(), loads)
def test_a_resubmission_goes_back_to_its_moderator_while_they_are_eligible(
    audit: Parties, pool: dict[str, PoolMemberRecorded], open_loads: dict[str, int]
) -> None:
    for person, member in pool.items():
        decided = assign(audit, pool, open_loads, {}, TODAY, prefer=person)
        if ineligible(member, audit, pool, TODAY) is None:
            assert decided == Assigned(person, member.external)
