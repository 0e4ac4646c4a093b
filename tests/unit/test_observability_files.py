"""deploy/observability/ in step with what the services export: every `qa_*` series the
alert rules and the dashboard query is one a service's /metrics has (the host's own or a
domain clock a ServiceDefinition declares), every alert has a runbook entry in the README,
and the files parse as Prometheus and Grafana read them."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import yaml  # type: ignore[import-untyped]
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.parser import text_string_to_metric_families

from shared.telemetry import Telemetry
from tests.support import DEFINITIONS

ROOT = Path(__file__).resolve().parents[2]
FOLDER = ROOT / "deploy" / "observability"
SERIES = re.compile(r"\bqa_[a-z0-9_]+")


def exported() -> set[str]:
    """Every series name a service can answer with (histograms and counters by their
    sample names), with a sample in each labelled family."""
    telemetry = Telemetry.create("tracker")
    metrics = telemetry.metrics
    metrics.command("RaiseAction", "ok", 0.01)
    metrics.dead_letters.labels("tracker", "s", "undecodable").inc()
    metrics.inbox_repeats.labels("tracker", "s").inc()
    metrics.events_applied.labels("tracker", "s", "ActionRaised").inc()
    metrics.delivery_delay.labels("tracker", "s").observe(0.1)
    for gauge in (metrics.relay_backlog, metrics.relay_lag, metrics.relay_active,
                  metrics.sampled_at):
        gauge.labels("tracker").set(0)
    metrics.dead_letters_pending.labels("tracker", "s").set(0)
    for definition in DEFINITIONS:
        for declared in definition.gauges:
            metrics.domain_gauge(declared.name, declared.documentation,
                                 ["service_area"]).labels("tracker", "a").set(0)
    registry: CollectorRegistry = metrics.registry
    names = {sample.name
             for family in text_string_to_metric_families(generate_latest(registry).decode())
             for sample in family.samples}
    # Read from the consumers at scrape time: present once a consumer is watched.
    return names | {"qa_consumer_lag_events", "qa_read_model_staleness_seconds"}


def alert_rules() -> list[dict[str, Any]]:
    document = yaml.safe_load((FOLDER / "alerts.yml").read_text())
    return [rule for group in document["groups"] for rule in group["rules"]]


def dashboard_queries() -> list[str]:
    dashboard = json.loads((FOLDER / "dashboard.json").read_text())
    return [target["expr"] for panel in dashboard["panels"] for target in panel["targets"]]


def test_every_series_the_alerts_and_the_dashboard_ask_for_is_exported() -> None:
    have = exported()
    asked = {name for text in [*(str(r["expr"]) for r in alert_rules()), *dashboard_queries()]
             for name in SERIES.findall(text)}
    assert asked, "the files query the platform's series"
    assert asked - have == set()


def test_the_domain_clocks_are_watched() -> None:
    exprs = " ".join(str(rule["expr"]) for rule in alert_rules())
    assert "qa_children_of_concern_category_1_past_response" in exprs
    assert "qa_actions_overdue" in exprs
    assert "qa_dead_letters_pending" in exprs


def test_every_alert_has_a_runbook_entry_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text()
    for rule in alert_rules():
        assert f"#### {rule['alert']}" in readme, rule["alert"]
        assert {"summary", "runbook"} <= set(rule["annotations"])
