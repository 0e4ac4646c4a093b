"""The staff directory as allocation last recorded each person: who manages whom, who is
a Head of Service of which team, who is a director."""

from __future__ import annotations

import asyncpg

from shared.events.allocation import StaffMemberRecorded
from shared.kernel.envelope import Envelope
from shared.kit.projection import Projection

DIRECTORY: Projection[asyncpg.Connection] = Projection(
    "tracker-staff-directory", tables=("staff",))


@DIRECTORY.on(StaffMemberRecorded)
async def staff_member_recorded(conn: asyncpg.Connection, event: StaffMemberRecorded,
                                envelope: Envelope) -> None:
    # The whole record each time: the latest by effective date wins.
    await conn.execute(
        """INSERT INTO staff (person_id, role, team, manager_id, effective_on, left_service)
           VALUES ($1, $2, $3, $4, $5, $6)
           ON CONFLICT (person_id) DO UPDATE SET role = EXCLUDED.role,
                  team = EXCLUDED.team, manager_id = EXCLUDED.manager_id,
                  effective_on = EXCLUDED.effective_on, left_service = EXCLUDED.left_service
            WHERE staff.effective_on <= EXCLUDED.effective_on""",
        event.person_id, event.role.value, event.team, event.manager_id, event.effective_on,
        event.change == "left")


class PostgresStaffDirectory:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    async def manager_of(self, person_id: str) -> str | None:
        manager: str | None = await self._pool.fetchval(
            "SELECT manager_id FROM staff WHERE person_id = $1", person_id)
        return manager
