"""What moderation says of each audit, kept from the moderation topic for the "completed
to standard" figure: the latest submission found below standard. An audit counts as
completed to standard when its latest submission is later than that (resubmitted after
being returned) or it was never found below standard."""

from __future__ import annotations

import asyncpg

from shared.events.moderation import AuditModerated
from shared.kernel.envelope import Envelope
from shared.kit.projection import Projection

# Fed from another service's topic, not this store: a rebuild from the store leaves it be.
OUTCOMES: Projection[asyncpg.Connection] = Projection("allocation-audit-outcomes")


@OUTCOMES.on(AuditModerated)
async def moderated(conn: asyncpg.Connection, event: AuditModerated, _: Envelope) -> None:
    if event.outcome != "below-standard":
        return
    await conn.execute(
        """INSERT INTO audit_outcomes (audit_id, below_standard_submission) VALUES ($1, $2)
           ON CONFLICT (audit_id) DO UPDATE SET below_standard_submission = GREATEST(
               audit_outcomes.below_standard_submission, EXCLUDED.below_standard_submission)""",
        event.audit_id, event.submission)
