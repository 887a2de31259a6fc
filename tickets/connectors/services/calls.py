"""Phone calls: the provider's voice webhook creates or updates the call and its phone ticket; agents log
outbound calls from the ticket."""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from tickets import access, services
from tickets.connectors.base import CallDetails, Connector
from tickets.connectors.models import CallDirection, ChannelIdentity, PhoneCall
from tickets.email.services import outbound_email_suppress_acknowledgement
from tickets.models import OPEN_STATUSES, Channel, Ticket
from tickets.services.base import lock_ticket

ERROR_NEGATIVE_DURATION = "call_negative_duration"


def _agent(hint: str):
    if not hint:
        return None
    return (
        get_user_model()
        .objects.filter(Q(username__iexact=hint) | Q(email__iexact=hint), is_staff=True, is_active=True)
        .order_by("id")
        .first()
    )


def _summary(number: str, at: datetime) -> str:
    return _("Inbound call from %(number)s at %(time)s.") % {
        "number": number,
        "time": formats.date_format(timezone.localtime(at), "DATETIME_FORMAT"),
    }


def phone_call_record(*, connector: Connector, identity: ChannelIdentity, details: CallDetails) -> PhoneCall:
    """One callback of a call: the first creates the call (on the caller's open phone ticket, or a new one),
    later ones add the duration, the answering agent and the recording."""
    call = PhoneCall.objects.select_for_update().filter(provider_call_id=details.call_id).first()
    if call is None:
        started = details.started_at or timezone.now()
        ticket = (
            Ticket.objects.filter(customer=identity.customer, channel=Channel.PHONE, status__in=OPEN_STATUSES)
            .order_by("-created_at")
            .first()
        )
        if ticket is None:
            ticket = services.ticket_create(
                customer=identity.customer,
                subject=_("Call from %(number)s") % {"number": identity.handle},
                body=_summary(identity.handle, started),
                channel=Channel.PHONE,
            )
            outbound_email_suppress_acknowledgement(ticket=ticket, reason="the customer called the hotline")
        else:
            services.ticket_add_system_note(ticket=ticket, body=_summary(identity.handle, started), via=Channel.PHONE)
        call = PhoneCall.objects.create(
            ticket=ticket,
            direction=CallDirection.INBOUND,
            provider_call_id=details.call_id,
            customer_number=identity.handle[:32],
            started_at=started,
        )
    fields = []
    if details.status and details.status != call.status:
        call.status = details.status
        fields.append("status")
    if details.duration_seconds is not None:
        call.duration_seconds = details.duration_seconds
        fields.append("duration_seconds")
    if details.recording_url:
        call.recording_url = details.recording_url
        fields.append("recording_url")
    agent = _agent(details.agent_hint)
    if agent is not None and call.agent_id is None:
        call.agent = agent
        fields.append("agent")
    if fields:
        call.save(update_fields=fields)
    return call


@transaction.atomic
def phone_call_log(
    *,
    ticket: Ticket,
    actor,
    customer_number: str,
    started_at: datetime,
    duration_seconds: int | None,
    summary: str,
    recording_url: str = "",
) -> PhoneCall:
    """An agent records an outbound call from the ticket: the call, and an internal note with its summary."""
    access.require_ticket_permission(actor, ticket.pk, "tickets.add_ticketmessage")
    ticket = lock_ticket(ticket)
    call = PhoneCall.objects.create(
        ticket=ticket,
        direction=CallDirection.OUTBOUND,
        customer_number=customer_number.strip()[:32],
        started_at=started_at,
        duration_seconds=duration_seconds,
        status="completed",
        agent=actor,
        recording_url=recording_url,
        summary=summary,
    )
    minutes = f"{duration_seconds // 60}:{duration_seconds % 60:02d}" if duration_seconds is not None else "–"
    note = _("Outbound call to %(number)s (%(minutes)s min).") % {"number": call.customer_number, "minutes": minutes}
    services.ticket_add_note(ticket=ticket, body=f"{note}\n\n{summary}".strip(), actor=actor)
    return call
