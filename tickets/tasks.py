"""django-q2 tasks of the tickets app: thin wrappers that take ids and call services (all idempotent)."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from supportdesk.kit.mail import send_rendered_mail
from tickets.email import imap
from tickets.email.services import outbound
from tickets.models import ContactRequest, Customer, Ticket
from tickets.safety.selectors import security_officers
from tickets.services import contact_request_token, previews


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


def security_alert_send(kinds: str, channel: str, ticket_id: int | None, customer_id: int | None) -> int:
    """Page the security officers about an exposed secret (kinds and channel, never the text). Returns recipients."""
    recipients = list(security_officers().values_list("email", flat=True))
    if not recipients:
        return 0
    ticket = Ticket.objects.filter(pk=ticket_id).first() if ticket_id else None
    customer = Customer.objects.filter(pk=customer_id).first() if customer_id else None
    ticket_url = settings.SITE_URL + reverse("admin:tickets_ticket_change", args=[ticket.pk]) if ticket else ""
    send_rendered_mail(
        to=recipients,
        language=settings.LANGUAGE_CODE,
        subject_template="emails/security_alert_subject.txt",
        text_template="emails/security_alert.txt",
        context={"kinds": kinds, "channel": channel, "ticket": ticket, "ticket_url": ticket_url, "customer": customer},
    )
    return len(recipients)


def attachment_thumbnail(attachment_id: int) -> str:
    """Enqueued on commit for every stored image: draws its thumbnail (a second run finds it done)."""
    return previews.attachment_thumbnail_make(attachment_id=attachment_id)
