"""Identity verification by a one-time code (email, and SMS when the customer has a phone).

Codes are six digits, single-use, expire after SAFETY_VERIFICATION_TTL_SECONDS,
and are stored only as an HMAC keyed with SECRET_KEY. After
SAFETY_VERIFICATION_MAX_FAILURES wrong codes the verification locks; agents may
request at most SAFETY_VERIFICATION_REQUESTS_PER_HOUR codes per ticket. The
code itself is handed to the mail and SMS backends after commit, in process,
never through the job queue, so it is not written to the broker's table.
"""

from __future__ import annotations

import logging
import re
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from tickets import access, events
from tickets.email.addresses import is_placeholder_email
from tickets.models import AuthorKind, Channel, Ticket, TicketMessage
from tickets.safety import sms
from tickets.safety.models import IdentityVerification, VerificationStatus

logger = logging.getLogger("tickets.safety")

ERROR_TOO_MANY_REQUESTS = "verification_rate_limited"
ERROR_NO_EMAIL = "verification_no_email"

VERIFIED = "verified"
WRONG = "wrong"
LOCKED = "locked"
EXPIRED = "expired"
NOTHING_PENDING = "nothing_pending"

_REPLY_CODE = re.compile(r"(?<!\d)\d{6}(?!\d)")


def _hash(verification: IdentityVerification, code: str) -> str:
    value = f"{verification.ticket_id}:{verification.created_at.isoformat()}:{code}"
    return salted_hmac("tickets.safety.identity-verification", value, algorithm="sha256").hexdigest()


def _deliver(verification_id: int, code: str, email: str, phone: str, language: str) -> None:
    verification = IdentityVerification.objects.select_related("ticket__customer").get(pk=verification_id)
    ticket = verification.ticket
    path = reverse("safety:verify_identity", args=[ticket.pk])
    context = {
        "ticket": ticket,
        "code": code,
        "minutes": settings.SAFETY_VERIFICATION_TTL_SECONDS // 60,
        "url": f"{settings.SITE_URL.rstrip('/')}{path}",
        # A record without a portal login can be linked to one with this same code.
        "link_url": ""
        if ticket.customer.user_id
        else f"{settings.SITE_URL.rstrip('/')}{reverse('portal:link_account')}",
    }
    with translation.override(language):
        subject = _("[%(reference)s] Your verification code") % {"reference": ticket.reference}
        if not is_placeholder_email(email):
            send_mail(subject, render_to_string("tickets/safety/verification_code.txt", context), None, [email])
        if phone:
            sms.sms_backend().send(
                phone,
                _("SupportDesk code for %(reference)s: %(code)s. Never share it with anyone.")
                % {"reference": ticket.reference, "code": code},
            )


@transaction.atomic
def verification_request(*, ticket: Ticket, actor) -> IdentityVerification:
    """Send a fresh code; an older pending one is superseded."""
    access.require_ticket_permission(actor, ticket.pk)
    ticket = Ticket.objects.select_for_update().select_related("customer").get(pk=ticket.pk)
    hour_ago = timezone.now() - timedelta(hours=1)
    if ticket.verifications.filter(created_at__gte=hour_ago).count() >= settings.SAFETY_VERIFICATION_REQUESTS_PER_HOUR:
        raise ValidationError(
            _("Too many codes were sent for this ticket in the last hour; try again later."),
            code=ERROR_TOO_MANY_REQUESTS,
        )
    customer = ticket.customer
    ticket.verifications.filter(status=VerificationStatus.PENDING).update(status=VerificationStatus.SUPERSEDED)
    code = f"{secrets.randbelow(1_000_000):06d}"
    channels = "email+sms" if customer.phone else "email"
    now = timezone.now()
    verification = IdentityVerification(
        ticket=ticket,
        requested_by=actor,
        channels=channels,
        created_at=now,
        expires_at=now + timedelta(seconds=settings.SAFETY_VERIFICATION_TTL_SECONDS),
    )
    verification.code_hash = _hash(verification, code)
    verification.save()
    events.verification_changed(
        ticket=ticket,
        actor=actor,
        status=VerificationStatus.PENDING,
        note=_("code sent by %(channels)s") % {"channels": channels},
    )
    with translation.override(customer.language):
        TicketMessage.objects.create(
            ticket=ticket,
            author_kind=AuthorKind.SYSTEM,
            body=render_to_string(
                "tickets/safety/verification_requested.txt",
                {"ticket": ticket, "minutes": settings.SAFETY_VERIFICATION_TTL_SECONDS // 60},
            ).strip(),
            via=Channel.AGENT,
        )
    ticket.save(update_fields=["updated_at"])
    transaction.on_commit(lambda: _deliver(verification.pk, code, customer.email, customer.phone, customer.language))
    return verification


@transaction.atomic
def verification_check(*, ticket: Ticket, code: str, through: str, actor=None) -> str:
    """Check a code the customer entered (portal) or replied with; returns VERIFIED, WRONG, LOCKED,
    EXPIRED or NOTHING_PENDING. Wrong codes count towards the lock-out."""
    verification = (
        IdentityVerification.objects.select_for_update()
        .filter(ticket=ticket, status=VerificationStatus.PENDING)
        .order_by("-created_at", "-id")
        .first()
    )
    if verification is None:
        latest = IdentityVerification.objects.latest_for(ticket)
        return LOCKED if latest is not None and latest.status == VerificationStatus.LOCKED else NOTHING_PENDING
    if verification.is_expired:
        verification.status = VerificationStatus.EXPIRED
        verification.save(update_fields=["status"])
        events.verification_changed(ticket=ticket, actor=actor, status=VerificationStatus.EXPIRED)
        return EXPIRED
    if constant_time_compare(_hash(verification, (code or "").strip()), verification.code_hash):
        verification.status = VerificationStatus.VERIFIED
        verification.verified_at = timezone.now()
        verification.verified_through = through
        verification.save(update_fields=["status", "verified_at", "verified_through"])
        events.verification_changed(
            ticket=ticket, actor=actor, status=VerificationStatus.VERIFIED, note=f"{verification.channels}, {through}"
        )
        return VERIFIED
    verification.failed_attempts += 1
    fields = ["failed_attempts"]
    if verification.failed_attempts >= settings.SAFETY_VERIFICATION_MAX_FAILURES:
        verification.status = VerificationStatus.LOCKED
        fields.append("status")
        events.verification_changed(
            ticket=ticket, actor=actor, status=VerificationStatus.LOCKED, note=_("too many wrong codes")
        )
        logger.warning("Identity verification locked on %s after wrong codes", ticket.reference)
    verification.save(update_fields=fields)
    return LOCKED if verification.status == VerificationStatus.LOCKED else WRONG


def verification_consume_reply_code(*, ticket: Ticket, body: str, body_html: str, user) -> tuple[str, str]:
    """A customer may answer a verification request by replying with the code.

    Only a reply with exactly one six-digit number is checked (a list of
    guesses is not); a verified code is removed from the stored text.
    """
    text = body or ""
    codes = _REPLY_CODE.findall(text)
    if len(codes) != 1 or not IdentityVerification.objects.pending().filter(ticket=ticket).exists():
        return body, body_html
    if verification_check(ticket=ticket, code=codes[0], through="reply", actor=user) != VERIFIED:
        return body, body_html
    placeholder = _("[verification code removed]")
    return text.replace(codes[0], placeholder), (body_html or "").replace(codes[0], placeholder)
