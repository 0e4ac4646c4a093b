"""Schemathesis hooks for tests/e2e/test_fuzzing.py (loaded by SCHEMATHESIS_HOOKS).

The one thing a fuzzer cannot learn from the document: which month is "now". A cycle is
opened only for a month within a year of today, a rule of time that no JSON schema can
state, so a month drawn from 2000-2099 almost never opens one. Offering the current
month as each month field's example lets the examples phase reach the success path;
the other phases still draw months from the whole documented range.
"""

from __future__ import annotations

from typing import Any

import schemathesis

from shared.kernel.clock import SystemClock, month_of


def _offer_month(node: Any, month: str) -> None:
    if isinstance(node, dict):
        if node.get("name") == "month" and isinstance(node.get("schema"), dict):
            node["schema"]["examples"] = [month]  # a path parameter
        for key, value in node.items():
            if key == "month" and isinstance(value, dict) and "pattern" in value:
                value["examples"] = [month]  # a request body's property
            else:
                _offer_month(value, month)
    elif isinstance(node, list):
        for item in node:
            _offer_month(item, month)


@schemathesis.hook
def before_load_schema(context: schemathesis.HookContext, raw_schema: dict[str, Any]) -> None:
    _offer_month(raw_schema, month_of(SystemClock().now()))
