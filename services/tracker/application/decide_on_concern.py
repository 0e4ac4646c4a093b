"""A person's decision on a Child of Concern: a response, or the sign-off that closes it
(the rules on who may are the concern's decider's)."""

from __future__ import annotations

from services.tracker.application.record import on_concern

respond = close = on_concern
