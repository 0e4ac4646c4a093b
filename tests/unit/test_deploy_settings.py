"""The deployment files give the services only settings the services read.

A variable misspelt in compose.yaml or a Kubernetes manifest is silently ignored by
pydantic-settings (extra="ignore") and the service runs on a default: these tests take
the accepted names from the settings classes themselves and check every variable set for
a service container, and that the values parse.
"""

from __future__ import annotations

import importlib
import importlib.util
import re
from pathlib import Path
from typing import Any

import pytest
import yaml  # type: ignore[import-untyped]
from pydantic_settings import BaseSettings

from deploy.processes import SERVICES
from shared.host.settings import ServiceSettings
from shared.infra.apache_kafka import pinned_version
from shared.settings import DatabaseSettings, KafkaSettings, topic_for

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
# What every service process reads (shared/host/serve.py).
EVERY_SERVICE: tuple[type[BaseSettings], ...] = (ServiceSettings, DatabaseSettings, KafkaSettings)


def settings_classes(service: str) -> tuple[type[BaseSettings], ...]:
    """The shared settings, plus any the service's composition root defines."""
    module_name = f"services.{service}.bootstrap"
    if importlib.util.find_spec(module_name) is None:
        return EVERY_SERVICE
    module = importlib.import_module(module_name)
    own = tuple(
        value for value in vars(module).values()
        if isinstance(value, type) and issubclass(value, BaseSettings)
        and value is not BaseSettings and value.__module__ == module_name
    )
    return EVERY_SERVICE + own


def env_names(settings: type[BaseSettings]) -> set[str]:
    prefix = str(settings.model_config.get("env_prefix", ""))
    names = set()
    for name, field in settings.model_fields.items():
        alias = field.validation_alias or field.alias
        names.add((alias if isinstance(alias, str) else prefix + name).upper())
    return names


def check_environment(where: str, service: str, environment: dict[str, str | None],
                      monkeypatch: pytest.MonkeyPatch) -> None:
    classes = settings_classes(service)
    accepted = set().union(*(env_names(c) for c in classes))
    unknown = sorted(set(environment) - accepted)
    assert not unknown, f"{where}: {service} is given {unknown}, which no settings class reads"
    # And the values parse (those known here; secrets and interpolations stand in).
    with monkeypatch.context() as patch:
        for name, value in environment.items():
            patch.setenv(name, value if value is not None else "placeholder")
        for settings in classes:
            settings(_env_file=None)


def interpolate(value: Any) -> str:
    """Compose's ${VAR}, ${VAR:-default} and ${VAR:?error}: the default, else a stand-in."""
    def one(match: re.Match[str]) -> str:
        return match["default"] if match["op"] == ":-" else "placeholder"

    return re.sub(r"\$\{(?P<name>\w+)(?:(?P<op>:?[-?])(?P<default>[^}]*))?\}", one, str(value))


# --- compose.yaml --------------------------------------------------------------------


def compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    return loaded


def test_compose_runs_each_service_with_settings_it_reads(monkeypatch: pytest.MonkeyPatch) -> None:
    services = compose()["services"]
    assert set(SERVICES) <= set(services)
    for name in SERVICES:
        service = services[name]
        assert service["command"] == [name]
        assert "env_file" not in service, "variables in an env_file would go unchecked"
        raw = service["environment"]
        environment = (
            dict(item.split("=", 1) for item in raw) if isinstance(raw, list) else raw
        )
        check_environment("compose.yaml", name, {
            key: interpolate(value) for key, value in environment.items()
        }, monkeypatch)


def test_compose_runs_the_pinned_kafka_three_times_and_postgres_with_commit_timestamps(
) -> None:
    services = compose()["services"]
    brokers = [s for s in services.values() if str(s.get("image", "")).startswith("apache/kafka")]
    assert len(brokers) == 3
    assert {s["image"] for s in brokers} == {f"apache/kafka:{pinned_version()}"}
    assert {s["environment"]["KAFKA_MIN_INSYNC_REPLICAS"] for s in brokers} == {"2"}
    assert {s["environment"]["KAFKA_DEFAULT_REPLICATION_FACTOR"] for s in brokers} == {"3"}
    assert services["postgres"]["image"].startswith("postgres:17")
    assert "track_commit_timestamp=on" in services["postgres"]["command"]


# --- Kubernetes ----------------------------------------------------------------------


def manifests() -> list[dict[str, Any]]:
    kustomization = yaml.safe_load((DEPLOY / "k8s" / "kustomization.yaml").read_text())
    documents: list[dict[str, Any]] = []
    for resource in kustomization["resources"]:
        documents += [d for d in yaml.safe_load_all((DEPLOY / "k8s" / resource).read_text()) if d]
    return documents


def of_kind(kind: str) -> list[dict[str, Any]]:
    return [d for d in manifests() if d["kind"] == kind]


def test_kubernetes_runs_each_service_with_settings_it_reads(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    config_maps = {d["metadata"]["name"]: d.get("data", {}) for d in of_kind("ConfigMap")}
    deployments = {d["metadata"]["name"]: d for d in of_kind("Deployment")}
    assert set(SERVICES) <= set(deployments)
    for name in SERVICES:
        for container in deployments[name]["spec"]["template"]["spec"]["containers"]:
            assert container["args"] == [name]
            environment: dict[str, str | None] = {}
            for source in container.get("envFrom", []):
                assert set(source) == {"configMapRef"}, "a Secret's keys would go unchecked"
                environment |= config_maps[source["configMapRef"]["name"]]
            for variable in container.get("env", []):
                environment[variable["name"]] = variable.get("value")
            check_environment("deploy/k8s", name, environment, monkeypatch)
            ready = container["readinessProbe"]["httpGet"]["path"]
            live = container["livenessProbe"]["httpGet"]["path"]
            assert (ready, live) == ("/health/ready", "/health/live")


def test_kubernetes_kafka_and_postgres_are_what_the_platform_needs() -> None:
    [kafka] = of_kind("Kafka")
    assert kafka["spec"]["kafka"]["version"] == pinned_version()
    assert kafka["spec"]["kafka"]["config"]["min.insync.replicas"] == 2
    [pool] = of_kind("KafkaNodePool")
    assert pool["spec"]["replicas"] == 3
    assert set(pool["spec"]["roles"]) == {"broker", "controller"}
    topics = {t["spec"]["topicName"]: t["spec"] for t in of_kind("KafkaTopic")}
    for service in SERVICES:
        assert topic_for(KafkaSettings().topic_prefix, service) in topics
    assert all(t["replicas"] == 3 and t["config"]["min.insync.replicas"] == 2
               for t in topics.values())
    users = {u["metadata"]["name"] for u in of_kind("KafkaUser")}
    assert users == {f"qa-{service}" for service in SERVICES}
    [postgres] = of_kind("Cluster")
    assert postgres["spec"]["postgresql"]["parameters"]["track_commit_timestamp"] == "on"


def test_the_image_sets_only_settings_the_services_read(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    text = (DEPLOY / "Dockerfile").read_text().replace("\\\n", " ")
    environment: dict[str, str | None] = {}
    for line in text.splitlines():
        if line.startswith("ENV "):
            environment |= dict(item.split("=", 1) for item in line.split()[1:])
    # The interpreter's own variables, not the platform's.
    platform = {k: v for k, v in environment.items() if k != "PATH" and not k.startswith("PYTHON")}
    assert platform, "expected the image to set the HTTP address and log format"
    for service in SERVICES:
        check_environment("Dockerfile", service, platform, monkeypatch)
