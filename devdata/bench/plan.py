"""What the benchmark seeds for N tickets, and the names of the records the measurements look up.

Everything is a pure function of the ticket count and a fixed random seed:
ticket ids run 1..N in creation order, so the measurements find "the
500-message ticket" or "the customer with 200 tickets" without bookkeeping.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

SPAN = timedelta(days=730)
RECENT = timedelta(days=14)
USERNAME_PREFIX = "bench-"
LONG_TICKET_MESSAGES = 500
# Like-for-like with the peer bench (django-helpdesk: a ticket with 3 follow-ups and one with 100).
ORDINARY_TICKET_MESSAGES = 3
HUNDRED_TICKET_MESSAGES = 100
HEAVY_CUSTOMER_TICKETS = 200
HEAVY_CUSTOMER_EMAIL = "heavy.customer@bench.example"
FREE_TEXT_TERM = "phishing"


@dataclass(frozen=True)
class SeedPlan:
    """What gets seeded for `tickets` tickets; the ids the measurements need follow from it."""

    tickets: int
    seed: int = 13

    @property
    def customers(self) -> int:
        return max(10, self.tickets // 5)

    @property
    def heavy_customer_tickets(self) -> int:
        return min(HEAVY_CUSTOMER_TICKETS, max(1, self.tickets // 10))

    @property
    def long_ticket_id(self) -> int:
        # A recent ticket (5 % from the newest end): long conversations are still open.
        return max(1, self.tickets - self.tickets // 20)

    @property
    def ordinary_ticket_id(self) -> int:
        return max(1, self.tickets // 2)

    @property
    def hundred_ticket_id(self) -> int:
        return max(1, self.tickets // 2 + 1)

    def fixed_message_count(self, ticket_id: int) -> int | None:
        """The exact message count of the measured tickets (None: drawn at random)."""
        return {
            self.long_ticket_id: LONG_TICKET_MESSAGES,
            self.hundred_ticket_id: HUNDRED_TICKET_MESSAGES,
            self.ordinary_ticket_id: ORDINARY_TICKET_MESSAGES,
        }.get(ticket_id)

    @property
    def search_customer_email(self) -> str:
        return customer_email(self.customers // 2)

    def heavy_customer_owns(self, ticket_id: int) -> bool:
        return ticket_id % (self.tickets // self.heavy_customer_tickets) == 0


def customer_email(customer_id: int) -> str:
    return HEAVY_CUSTOMER_EMAIL if customer_id == 1 else f"wallet.user{customer_id:07d}@bench.example"


def agent_username(index: int) -> str:
    return f"{USERNAME_PREFIX}agent-{index:02d}"


SUPERVISOR_USERNAME = f"{USERNAME_PREFIX}supervisor"
CUSTOMER_USERNAME = f"{USERNAME_PREFIX}customer"
