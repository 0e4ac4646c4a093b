"""Running one service process from its definition and its environment."""

from __future__ import annotations

import os

import uvicorn

from shared.host.app import create_app
from shared.host.definition import ServiceDefinition
from shared.host.messaging import MessagingHost
from shared.host.resources import ServiceResources
from shared.host.settings import ServiceSettings
from shared.logging import configure_logging, secrets_in, withhold_secrets
from shared.settings import DatabaseSettings, KafkaSettings


def serve(definition: ServiceDefinition) -> None:
    settings = ServiceSettings()
    configure_logging(settings.log_level, json_lines=settings.log_json)
    withhold_secrets(secrets_in(os.environ))
    resources = ServiceResources(definition, settings, DatabaseSettings())
    app = create_app(resources, MessagingHost(resources, KafkaSettings()))
    uvicorn.run(app, host=settings.http_host, port=settings.http_port, log_config=None,
                access_log=False)
