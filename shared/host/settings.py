from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from shared.kernel.identifiers import Slug


class ServiceSettings(BaseSettings):
    """What every service process reads from its environment."""

    model_config = SettingsConfigDict(extra="ignore")

    tenant: Slug = "demo-authority"
    http_host: str = "127.0.0.1"
    http_port: int = Field(default=8000, ge=1, le=65535)
    # Defaults to the service's name; tests give each run its own.
    db_schema: str | None = None
    relay_poll_interval: float = 0.5
    # A file holding a number of seconds to add to the system clock: lets an operator
    # or an end-to-end test move a running service's "now" (e.g. to make actions overdue).
    clock_offset_file: str | None = None
    log_level: str = "INFO"
    log_json: bool = False
