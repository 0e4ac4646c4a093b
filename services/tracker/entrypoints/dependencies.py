"""What the tracker's routes depend on: its ports, provided by the composition root."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from services.tracker.application.queries import StaffDirectory, TrackerQueries
from shared.http.dependencies import provider
from shared.kernel.clock import WorkingCalendar

queries = provider(TrackerQueries)
directory = provider(StaffDirectory)
calendar = provider(WorkingCalendar)
QueriesDep = Annotated[TrackerQueries, Depends(queries)]
DirectoryDep = Annotated[StaffDirectory, Depends(directory)]
CalendarDep = Annotated[WorkingCalendar, Depends(calendar)]
