"""Emails to the customer about their complaint, in the customer's language."""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from tickets.complaints.models import Complaint


def send_confirmation_request(*, complaint: Complaint, token: str, reminder: bool) -> None:
    customer = complaint.ticket.customer
    base = settings.SITE_URL.rstrip("/")
    context = {
        "complaint": complaint,
        "customer": customer,
        "reminder": reminder,
        "remedies": list(complaint.remedies.granted()),
        "confirm_url": base + reverse("complaints:confirm", args=[token]),
        "detail_url": base + reverse("complaints:detail", args=[complaint.pk]),
        "close_after_days": settings.COMPLAINT_CLOSE_UNCONFIRMED_AFTER_DAYS,
    }
    with translation.override(customer.language):
        subject = render_to_string("emails/complaints/confirmation_subject.txt", context).strip()
        text = render_to_string("emails/complaints/confirmation.txt", context)
        html = render_to_string("emails/complaints/confirmation.html", context)
    send_mail(subject, text, None, [customer.email], html_message=html)
