"""The chaos run, short and bounded, as CI runs it: audits through the whole platform while
services are SIGKILLed, PostgreSQL crashes and restarts, and the bundled broker is killed
and comes back empty. Nothing may be lost, doubled or left stuck (bench/chaos.py)."""

from __future__ import annotations

from bench.chaos import Options, run


def test_a_short_chaos_run_loses_nothing_doubles_nothing_and_breaks_no_store() -> None:
    options = Options(audits=16, rate=0.4, kill_every=(6.0, 10.0), postgres_restarts=1,
                      broker_restarts=1, settle=120.0, flow_timeout=180.0, seed=8)
    outcome = run(options, say=lambda _: None)
    print("\n    " + outcome.line(options))
    assert outcome.problems == []
    assert (outcome.missing, outcome.duplicated, outcome.stuck) == (0, 0, 0)
    assert outcome.verified
    assert outcome.expected > 16 * 15, "the comparison covered every flow's events"
    assert outcome.recoveries["postgres"], "PostgreSQL was restarted and came back"
    assert outcome.recoveries["broker"], "the broker was killed and came back"
    assert outcome.republications >= 1, "the relays noticed the empty broker"
