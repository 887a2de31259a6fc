"""When an SLA clock counts as met: the one boundary, used by the sweep, the clock services and the admin.

An event (an answer, a solve, a pause) at or before the due instant meets the clock; only an
event after it is late, and the sweep marks a clock breached only once its due instant has passed.
"""

from __future__ import annotations

from datetime import datetime

from django.db.models import Q


def is_met(*, at: datetime, due: datetime) -> bool:
    """An event at `at` is in time for a clock due at `due`."""
    return at <= due


def overdue(due_field: str, now: datetime) -> Q:
    """The same boundary as a query: the due column `due_field` lies before `now` (so `now` is late)."""
    return Q(**{f"{due_field}__lt": now})
