"""Emails to the customer about their complaint, in the customer's language."""

from django.conf import settings
from django.urls import reverse

from supportdesk.kit.mail import render_mail
from tickets.complaints.models import Complaint
from tickets.email.models import OutboundKind
from tickets.email.services import outbound


def send_confirmation_request(*, complaint: Complaint, token: str, reminder: bool) -> None:
    customer = complaint.ticket.customer
    base = settings.SITE_URL.rstrip("/")
    context = {
        "complaint": complaint,
        "customer": customer,
        "reminder": reminder,
        "remedies": list(complaint.remedies.granted()),
        "detail_url": base + reverse("complaints:detail", args=[complaint.pk]),
        "close_after_days": settings.COMPLAINT_CLOSE_UNCONFIRMED_AFTER_DAYS,
    }
    content = render_mail(
        language=customer.language,
        subject_template="emails/complaints/confirmation_subject.txt",
        text_template="emails/complaints/confirmation.txt",
        html_template="emails/complaints/confirmation.html",
        context=context,
        # The link answers in the customer's name: the stored copy (shown to staff) has a placeholder.
        customer_link=("confirm_url", base + reverse("complaints:confirm", args=[token])),
    )
    # On the ticket's email thread: threaded, retried, with a delivery status.
    outbound.outbound_email_queue_prepared(ticket=complaint.ticket, kind=OutboundKind.COMPLAINT, content=content)
