"""django-q2 tasks of the tickets app: thin wrappers that take ids and call services (all idempotent)."""

from __future__ import annotations

from django.urls import reverse

from supportdesk.kit.mail import send_rendered_mail
from tickets.email import imap
from tickets.email.services import outbound
from tickets.models import ContactRequest
from tickets.services import contact_request_token


def send_outbound_email(outbound_id: int) -> str:
    """Enqueued on commit for every queued notification; a duplicate run finds the row already sent."""
    return outbound.outbound_email_send(outbound_id=outbound_id)


def send_due_outbound_emails() -> int:
    """Scheduled every minute: retries failed deliveries whose backoff has passed."""
    return outbound.outbound_email_send_due()


def poll_imap_mailbox() -> int:
    """Scheduled while IMAP_HOST is set: imports unseen mail from the support mailbox."""
    return imap.poll_mailbox().fetched


def contact_request_send_confirmation(contact_request_id: int, site_url: str) -> None:
    """Mail the confirmation link of a contact-form request that is still unconfirmed."""
    contact_request = ContactRequest.objects.filter(pk=contact_request_id, confirmed_at__isnull=True).first()
    if contact_request is None:
        return
    path = reverse("portal:contact_confirm", args=[contact_request_token(contact_request)])
    context = {"contact_request": contact_request, "confirm_url": site_url.rstrip("/") + path}
    send_rendered_mail(
        to=[contact_request.email],
        language=contact_request.language,
        subject_template="portal/email/contact_confirm_subject.txt",
        text_template="portal/email/contact_confirm_message.txt",
        context=context,
    )
