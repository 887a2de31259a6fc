"""The registry of what `manage.py bench` measures.

Each entry is a page fetched with GET (in-process through Django's test client,
or over HTTP) or a callable run in-process (background jobs, exports). Later
features add their own entries here by name with `register(Measurement(...))`:
the portal, the API, the SLA sweep, exports, KB search.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib.auth import get_user_model
from django.urls import reverse

from supportdesk.bench.seed import (
    CUSTOMER_USERNAME,
    FREE_TEXT_TERM,
    SUPERVISOR_USERNAME,
    TEAMS,
    SeedPlan,
    agent_username,
)
from tickets.models import Status, Team, ticket_reference

ADMIN_PAGE_SIZE = 50
DEEP_PAGE = 1000


@dataclass(frozen=True)
class BenchContext:
    """The seeded records the measurements refer to."""

    plan: SeedPlan
    users: dict[str, object]
    team_id: int

    @classmethod
    def load(cls, plan: SeedPlan) -> BenchContext:
        usernames = {"agent": agent_username(1), "supervisor": SUPERVISOR_USERNAME, "customer": CUSTOMER_USERNAME}
        found = {user.username: user for user in get_user_model().objects.filter(username__in=usernames.values())}
        missing = sorted(set(usernames.values()) - set(found))
        if missing:
            raise LookupError(f"Benchmark users missing: {', '.join(missing)} (seed first: drop --reuse).")
        return cls(
            plan=plan,
            users={role: found[username] for role, username in usernames.items()},
            team_id=Team.objects.get(name=TEAMS[0][0]).pk,
        )

    @property
    def deep_page(self) -> int:
        """Page 1,000 of the ticket changelist, or its last page on a small database."""
        return min(DEEP_PAGE, math.ceil(self.plan.tickets / ADMIN_PAGE_SIZE))


@dataclass(frozen=True)
class Measurement:
    name: str
    description: str
    # The seeded user the request runs as ("agent", "supervisor", "customer"); None = anonymous.
    as_user: str | None = None
    # A page: the path (with query string) to GET ...
    path: Callable[[BenchContext], str] | None = None
    # ... or a callable measured in-process only (not over --http).
    run: Callable[[BenchContext], object] | None = None
    # The p95 target in milliseconds at 1M tickets on PostgreSQL, if it sets one.
    target_p95_ms: float | None = None

    def __post_init__(self) -> None:
        if (self.path is None) == (self.run is None):
            raise ValueError(f"Measurement {self.name!r} needs exactly one of path or run.")


MEASUREMENTS: dict[str, Measurement] = {}


def register(measurement: Measurement) -> Measurement:
    if measurement.name in MEASUREMENTS:
        raise ValueError(f"Measurement {measurement.name!r} is already registered.")
    MEASUREMENTS[measurement.name] = measurement
    return measurement


def _changelist(**params: str | Callable[[BenchContext], object]) -> Callable[[BenchContext], str]:
    """The ticket changelist URL; parameter values may depend on the seeded data."""

    def path(context: BenchContext) -> str:
        query = {key: value(context) if callable(value) else value for key, value in params.items()}
        return reverse("admin:tickets_ticket_changelist") + (f"?{urlencode(query)}" if query else "")

    return path


def _ticket_change(attribute: str) -> Callable[[BenchContext], str]:
    def path(context: BenchContext) -> str:
        return reverse("admin:tickets_ticket_change", args=[getattr(context.plan, attribute)])

    return path


register(
    Measurement(
        "admin.changelist.agent",
        "Ticket changelist, first page, as an agent (own teams)",
        as_user="agent",
        path=_changelist(),
        target_p95_ms=100,
    )
)
register(
    Measurement(
        "admin.changelist.supervisor",
        "Ticket changelist, first page, as a supervisor (all tickets)",
        as_user="supervisor",
        path=_changelist(),
        target_p95_ms=100,
    )
)
register(
    Measurement(
        "admin.changelist.filtered",
        "Ticket changelist filtered by status (open) and team",
        as_user="supervisor",
        path=_changelist(status__exact=Status.OPEN, team__id__exact=lambda context: context.team_id),
        target_p95_ms=100,
    )
)
register(
    Measurement(
        "admin.changelist.deep_page",
        "Ticket changelist, page 1,000 (ordering by newest)",
        as_user="supervisor",
        path=_changelist(p=lambda context: context.deep_page),
    )
)
register(
    Measurement(
        "admin.search.reference",
        "Ticket search by reference (SD-000123)",
        as_user="supervisor",
        path=_changelist(q=lambda context: ticket_reference(context.plan.ordinary_ticket_id)),
    )
)
register(
    Measurement(
        "admin.search.customer_email",
        "Ticket search by a customer's email address",
        as_user="supervisor",
        path=_changelist(q=lambda context: context.plan.search_customer_email),
    )
)
register(
    Measurement(
        "admin.search.free_text",
        f"Ticket search by free text in the subject ({FREE_TEXT_TERM!r})",
        as_user="supervisor",
        path=_changelist(q=FREE_TEXT_TERM),
    )
)
register(
    Measurement(
        "admin.ticket.change",
        "Ticket change page, ordinary ticket (~4 messages)",
        as_user="agent",
        path=_ticket_change("ordinary_ticket_id"),
    )
)
register(
    Measurement(
        "admin.ticket.change_long",
        "Ticket change page, the 500-message ticket",
        as_user="agent",
        path=_ticket_change("long_ticket_id"),
        target_p95_ms=150,
    )
)
register(
    Measurement(
        "admin.dashboard",
        "Admin index: the agent's dashboard",
        as_user="agent",
        path=lambda context: reverse("admin:index"),
    )
)
register(
    Measurement(
        "admin.customers.changelist",
        "Customer changelist, first page (N/5 customers, ticket count per row)",
        as_user="supervisor",
        path=lambda context: reverse("admin:tickets_customer_changelist"),
    )
)
register(
    Measurement(
        "admin.events.changelist",
        "Audit log (ticket events) changelist, first page, as an agent (~8 events per ticket)",
        as_user="agent",
        path=lambda context: reverse("admin:tickets_ticketevent_changelist"),
    )
)
