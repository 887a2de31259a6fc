"""Template helpers of the customer portal."""

from django import template
from django.utils.translation import gettext_lazy as _

from tickets.models import Status

register = template.Library()

# Customers see what a status means for them, not the queue's vocabulary.
_CUSTOMER_STATUS = {
    Status.NEW: (_("Received"), "new"),
    Status.OPEN: (_("In progress"), "progress"),
    Status.PENDING_CUSTOMER: (_("Waiting for your reply"), "action"),
    Status.ON_HOLD: (_("In progress"), "progress"),
    Status.SOLVED: (_("Solved"), "done"),
    Status.CLOSED: (_("Closed"), "done"),
}


@register.filter
def customer_status(status: str) -> str:
    return _CUSTOMER_STATUS[status][0]


@register.filter
def status_tone(status: str) -> str:
    """CSS modifier for the status badge."""
    return _CUSTOMER_STATUS[status][1]
