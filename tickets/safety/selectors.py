"""Reads of wallet safety: the security team and officers, official contacts, identity-verification state,
the exposure checklist of a ticket."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from tickets.models import EventKind, ExposureStep, Team, Ticket, TicketEvent
from tickets.safety import lookalike
from tickets.safety.models import IdentityVerification, OfficialContact, VerificationStatus

REASON_LABELS = {
    lookalike.HOMOGLYPH: _("It uses look-alike characters (such as 0 for o, or letters from another alphabet)."),
    lookalike.WRONG_TLD: _("It uses our name with a different ending (domain extension)."),
    lookalike.EXTRA_CHARACTERS: _("It adds words or characters to our name."),
    lookalike.SIMILAR: _("It differs from ours by one or two characters."),
    lookalike.UNLISTED_ADDRESS: _("It uses our domain, but this address is not one of our published contacts."),
}


def reason_labels(verdict: lookalike.Verdict) -> list[str]:
    return [str(REASON_LABELS[reason]) for reason in verdict.reasons]


def security_team() -> Team | None:
    """The team exposed-secret and impersonator tickets go to (None: they stay where they are)."""
    return Team.objects.filter(handles_security=True, is_active=True).order_by("id").first()


SECURITY_ALERT_PERMISSION = "receive_security_alerts"


def security_officers() -> QuerySet:
    """Active users who hold tickets.receive_security_alerts, directly or through a role (group)."""
    holds = Q(user_permissions__codename=SECURITY_ALERT_PERMISSION) | Q(
        groups__permissions__codename=SECURITY_ALERT_PERMISSION
    )
    return get_user_model().objects.filter(holds, is_active=True).exclude(email="").distinct().order_by("pk")


@dataclass(frozen=True)
class ChecklistStep:
    code: str
    label: str
    done_by: str = ""
    done_at: object = None


def exposure_checklist(ticket: Ticket) -> list[ChecklistStep]:
    """Each step of the playbook with who ticked it and when (the newest event per step), in order."""
    done = {}
    for event in (
        TicketEvent.objects.filter(ticket=ticket, kind=EventKind.EXPOSURE_STEP)
        .select_related("actor")
        .order_by("created_at", "id")
    ):
        done[event.after] = event
    return [
        ChecklistStep(
            code=step.value,
            label=str(step.label),
            done_by=done[step.value].actor.get_username() if step.value in done and done[step.value].actor else "",
            done_at=done[step.value].created_at if step.value in done else None,
        )
        for step in ExposureStep
    ]


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


LATEST_VERIFICATION_FIELDS = ("id", "status", "channels", "expires_at", "verified_at")


def with_latest_verification(tickets: QuerySet) -> QuerySet:
    """Tickets annotated with their latest identity verification (for one-ticket pages: no extra query)."""
    latest = IdentityVerification.objects.filter(ticket=OuterRef("pk")).order_by("-created_at", "-id")
    # The customer's latest success on any ticket: what account-sensitive actions are judged by.
    customer_verified = IdentityVerification.objects.filter(
        ticket__customer=OuterRef("customer_id"), status=VerificationStatus.VERIFIED
    ).order_by("-verified_at")
    return tickets.annotate(
        **{f"latest_verification_{name}": Subquery(latest.values(name)[:1]) for name in LATEST_VERIFICATION_FIELDS},
        customer_verified_at=Subquery(customer_verified.values("verified_at")[:1]),
    )


def latest_verification(ticket: Ticket) -> IdentityVerification | None:
    """The ticket's latest verification: from with_latest_verification's annotations when present."""
    if not hasattr(ticket, "latest_verification_id"):
        return IdentityVerification.objects.latest_for(ticket)
    if ticket.latest_verification_id is None:
        return None
    values = {name: getattr(ticket, f"latest_verification_{name}") for name in LATEST_VERIFICATION_FIELDS}
    return IdentityVerification(ticket=ticket, **values)


@dataclass(frozen=True)
class VerificationState:
    pending: bool
    label: str


def verification_state(ticket: Ticket) -> VerificationState:
    latest = IdentityVerification.objects.latest_for(ticket)
    pending = latest is not None and latest.status == VerificationStatus.PENDING and not latest.is_expired
    return VerificationState(pending=pending, label=verification_label(latest))


def verification_label(verification: IdentityVerification | None) -> str:
    """What the ticket page shows, e.g. "identity verified (email, at 2026-11-23 15:40)"."""
    if verification is None:
        return gettext("not requested")
    if verification.status == VerificationStatus.VERIFIED:
        at = timezone.localtime(verification.verified_at).strftime("%Y-%m-%d %H:%M")
        return gettext("identity verified (%(channels)s, at %(at)s)") % {"channels": verification.channels, "at": at}
    if verification.is_expired:
        return gettext("code expired, not verified")
    return str(verification.get_status_display())
