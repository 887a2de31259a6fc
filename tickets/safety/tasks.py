"""Background jobs of the wallet-safety feature (django-q2). Thin: load, render, send."""

from django.core.mail import send_mail
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from tickets.models import EventKind, TicketEvent, TicketMessage


def send_secret_warning(message_id: int) -> bool:
    """Email the customer the warning stored as system message `message_id`.

    Idempotent: the CUSTOMER_WARNED event written with the send marks it done,
    so a retried task does not mail the customer twice.
    """
    message = TicketMessage.objects.select_related("ticket__customer").filter(pk=message_id).first()
    if message is None:
        return False
    ticket = message.ticket
    with transaction.atomic():
        marker = str(message_id)
        if TicketEvent.objects.filter(ticket=ticket, kind=EventKind.CUSTOMER_WARNED, after=marker).exists():
            return False
        TicketEvent.objects.create(ticket=ticket, kind=EventKind.CUSTOMER_WARNED, after=marker, note=_("by email"))
        with translation.override(ticket.customer.language):
            subject = _("[%(reference)s] Important: your wallet may be at risk") % {"reference": ticket.reference}
            send_mail(subject, message.body, None, [ticket.customer.email])
    return True
