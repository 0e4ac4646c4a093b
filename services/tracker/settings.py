from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class TrackerSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="TRACKER_", extra="ignore")

    # Seconds between overdue scans; an action is flagged within this long of its day passing.
    scan_interval: float = Field(default=1.0, gt=0)
