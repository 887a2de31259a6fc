"""Background jobs of the wallet-safety feature (django-q2). Thin: load, render, send."""

from django.core.cache import cache
from django.core.mail import send_mail
from django.utils import translation
from django.utils.translation import gettext as _

from tickets.models import TicketMessage

_SENT_FOR = "tickets.safety.secret-warning-sent:{}"
_REMEMBER_SECONDS = 7 * 24 * 3600


def send_secret_warning(message_id: int) -> bool:
    """Email the customer the warning stored as system message `message_id`; at most once per message."""
    message = TicketMessage.objects.select_related("ticket__customer").filter(pk=message_id).first()
    if message is None or not cache.add(_SENT_FOR.format(message_id), True, _REMEMBER_SECONDS):
        return False
    ticket = message.ticket
    with translation.override(ticket.customer.language):
        subject = _("[%(reference)s] Important: your wallet may be at risk") % {"reference": ticket.reference}
        send_mail(subject, message.body, None, [ticket.customer.email])
    return True
