"""Reads of the wallet-safety pages."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.utils.translation import gettext_lazy as _

from tickets.models import Ticket
from tickets.safety import lookalike, verification
from tickets.safety.models import IdentityVerification, OfficialContact, VerificationStatus

VERIFICATION_MESSAGES = {
    verification.VERIFIED: (messages.SUCCESS, _("Thank you, your identity is confirmed.")),
    verification.WRONG: (messages.ERROR, _("That code is not correct. Check the latest email or SMS and try again.")),
    verification.LOCKED: (
        messages.ERROR,
        _("Too many wrong codes. This code no longer works; your agent can send you a new one."),
    ),
    verification.EXPIRED: (messages.ERROR, _("This code has expired. Your agent can send you a new one.")),
    verification.NOTHING_PENDING: (messages.INFO, _("There is no code waiting to be entered for this request.")),
}


REASON_LABELS = {
    lookalike.HOMOGLYPH: _("It uses look-alike characters (such as 0 for o, or letters from another alphabet)."),
    lookalike.WRONG_TLD: _("It uses our name with a different ending (domain extension)."),
    lookalike.EXTRA_CHARACTERS: _("It adds words or characters to our name."),
    lookalike.SIMILAR: _("It differs from ours by one or two characters."),
    lookalike.UNLISTED_ADDRESS: _("It uses our domain, but this address is not one of our published contacts."),
}


def reason_labels(verdict: lookalike.Verdict) -> list[str]:
    return [str(REASON_LABELS[reason]) for reason in verdict.reasons]


def official_contacts() -> list[OfficialContact]:
    return list(OfficialContact.objects.filter(is_active=True).order_by("kind", "label"))


def contact_verdict(value: str, contacts: list[OfficialContact]) -> lookalike.Verdict:
    """Check `value` against `contacts` (the caller's official_contacts(), read once per request)."""
    officials = []
    for contact in contacts:
        canonical = lookalike.canonical(contact.value, contact.kind)
        if canonical is not None:
            officials.append((canonical, contact))
    return lookalike.check_contact(value, officials)


@dataclass(frozen=True)
class VerificationState:
    pending: bool
    label: str


def verification_state(ticket: Ticket) -> VerificationState:
    latest = IdentityVerification.objects.latest_for(ticket)
    pending = latest is not None and latest.status == VerificationStatus.PENDING and not latest.is_expired
    return VerificationState(pending=pending, label=verification.verification_label(latest))
