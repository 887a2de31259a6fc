"""Links to a ticket's admin page, shown by every admin list that belongs to a ticket."""

from django.urls import reverse
from django.utils.html import format_html

from tickets.models import ticket_reference


def ticket_admin_link(ticket_id: int | None, label: str | None = None) -> str:
    """`<a>` to the ticket's change page, labelled with its reference (or `label`); "-" without a ticket."""
    if ticket_id is None:
        return "-"
    url = reverse("admin:tickets_ticket_change", args=[ticket_id])
    return format_html('<a href="{}" class="sd-nowrap">{}</a>', url, label or ticket_reference(ticket_id))
