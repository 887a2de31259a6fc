"""The exposure playbook (shared/DESIGN.md, wallet safety): what follows once a customer's secret was removed.

The customer's record keeps an "exposed" flag with date and channel, the security
officers (holders of tickets.receive_security_alerts) are emailed and notified in the admin at once, and the
agents work a checklist on the ticket (advised, funds moved, approvals revoked),
each tick an event. The alert names the kinds of secret and where they came in,
never the text.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django_q.tasks import async_task

from supportdesk.kit.validators import check_choice
from tickets import access, events
from tickets.models import Customer, ExposureStep, Ticket
from tickets.notifications import services as notifications


def exposure_record(*, customer: Customer | None, kinds: str, channel: str, ticket: Ticket | None = None) -> None:
    """Flag the customer (when known) and page the security officers after commit.

    `kinds` are the labels of what was removed; `channel` says where it came in
    (a Channel code, or the intake's name such as "suggestion").
    """
    if customer is not None:
        customer.secret_exposed_at = timezone.now()
        customer.secret_exposed_channel = channel[:50]
        customer.save(update_fields=["secret_exposed_at", "secret_exposed_channel", "updated_at"])
    ticket_id = ticket.pk if ticket is not None else None
    customer_id = customer.pk if customer is not None else None
    transaction.on_commit(
        lambda: async_task("tickets.tasks.security_alert_send", kinds, channel, ticket_id, customer_id)
    )
    notifications.on_commit(notifications.notify_secret_exposed, ticket_id=ticket_id, kinds=kinds, channel=channel)


@transaction.atomic
def exposure_step_done(*, ticket: Ticket, step: str, actor) -> None:
    """An agent ticks a step of the checklist of a ticket whose customer exposed a secret."""
    check_choice(step, ExposureStep, "step")
    access.require_ticket_permission(actor, ticket.pk)
    events.exposure_step_done(ticket=ticket, actor=actor, step=step)
