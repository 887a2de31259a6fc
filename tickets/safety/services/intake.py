"""Wallet safety at intake: THE gate every piece of customer-supplied text passes before anything is written.

`gate(texts, scrubber=...)` redacts a mapping of field name → text (subjects, bodies,
device and environment fields, names) into the Scrubber (tickets.safety.scrubbing) that
also takes the message body, its HTML and its text attachments; `gate_standalone` does
the same for text that belongs to no ticket yet (suggestions, survey and complaint
comments, the contact form, help-centre queries) and starts the exposure playbook at
once; `gate_raw_email` is the gate of a raw inbound mail before it is stored. Found
secrets are replaced by the redaction marker; the original is never stored, logged or mailed.

After a ticket's message is stored, `secret_exposure_record` flags the ticket, raises its
priority, routes it to the security team, flags the customer, pages the security
officers and warns the customer (tickets.safety.services.exposure); `secret_request_refuse`
stops agent replies that ask for a secret. Logs name the kinds of secret, never the text.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from supportdesk.kit.text import html_to_text
from tickets import events
from tickets.email.services import outbound
from tickets.models import (
    AgentProfile,
    AuthorKind,
    Customer,
    Priority,
    Ticket,
    TicketMessage,
    Tier,
)
from tickets.safety import raw_mail
from tickets.safety.detect import MNEMONIC
from tickets.safety.guard import find_secret_requests
from tickets.safety.scrubbing import Scrubber, kind_labels
from tickets.safety.selectors import security_team
from tickets.safety.services.exposure import exposure_record
from tickets.sla.services import clocks as sla_clocks

logger = logging.getLogger("tickets.safety")

ERROR_SECRET_REQUEST = "secret_request"  # noqa: S105 - an error code, not a password


# The gate ------------------------------------------------------------------------


def gate(texts: Mapping[str, str], *, scrubber: Scrubber) -> dict[str, str]:
    """Each text with its secrets replaced by the redaction marker; the scrubber remembers what and where."""
    return {name: scrubber.text(value or "", name) for name, value in texts.items()}


def gate_text(value: str) -> str:
    """One text that is not the customer's message but may quote it (a parser error, a header)."""
    return Scrubber(from_customer=False).text(value or "")


@dataclass(frozen=True)
class Gated:
    values: dict[str, str]
    kinds: list[str]  # kinds of the secrets removed (never the text)


def gate_standalone(texts: Mapping[str, str], *, channel: str, customer: Customer | None = None) -> Gated:
    """The gate for text that is stored outside a ticket; a removed secret starts the playbook at once.

    The caller stores `values` and, if it later becomes a ticket, keeps `kinds` for
    `secret_exposure_record_earlier` (as the contact form does).
    """
    scrubber = Scrubber(from_customer=True)
    values = gate(texts, scrubber=scrubber)
    kinds = sorted({finding.kind for finding in scrubber.certain})
    if kinds:
        logger.warning("Removed %s from the %s (%s)", kind_labels(kinds), scrubber.places(True), channel)
        exposure_record(customer=customer, kinds=kind_labels(kinds), channel=channel)
    return Gated(values=values, kinds=kinds)


def gate_on_ticket(texts: Mapping[str, str], *, ticket: Ticket, actor) -> dict[str, str]:
    """The gate for customer text stored beside a ticket's messages (a complaint's desired outcome,
    the customer's comment): a removed secret flags and escalates the ticket as a message would."""
    scrubber = Scrubber(from_customer=True)
    values = gate(texts, scrubber=scrubber)
    if scrubber.certain:
        first = ticket.messages.order_by("created_at", "id").first()
        kinds = [finding.kind for finding in scrubber.certain]
        _exposed(ticket, first, kinds, scrubber.places(True), actor, from_customer=True)
    return values


def gate_raw_email(raw: bytes) -> tuple[bytes, list[str]]:
    """The raw source of an inbound mail as it may be stored, and the kinds of secret it carried.

    Every header and every part (plain, HTML, text attachments, whether or not the
    mail parses) is scanned; a mail with a secret is kept as its headers only.
    """
    kinds, in_headers = raw_mail.raw_secret_kinds(raw)
    if not kinds:
        return raw, []
    removed = _("Body removed: it contained a %(kinds)s.") % {"kinds": kind_labels(kinds)}
    return raw_mail.headers_only(raw, note=removed, drop_headers=in_headers), kinds


def _escalate_to_security(ticket: Ticket, actor) -> list[str]:
    """Urgent, L3, security team; an assignee outside that team is released. Returns changed fields."""
    fields = []
    if ticket.priority != Priority.URGENT:
        events.priority_changed(ticket=ticket, actor=actor, before=ticket.priority, after=Priority.URGENT)
        ticket.priority = Priority.URGENT
        fields.append("priority")
    if ticket.tier != Tier.L3:
        events.tier_changed(ticket=ticket, actor=actor, before=ticket.tier, after=Tier.L3, note=_("secret exposed"))
        ticket.tier = Tier.L3
        fields.append("tier")
    team = security_team()
    if team is not None and ticket.team_id != team.pk:
        events.team_changed(ticket=ticket, actor=actor, before=ticket.team.name if ticket.team else "", after=team.name)
        ticket.team = team
        fields.append("team")
        if ticket.assignee_id and not AgentProfile.objects.filter(user_id=ticket.assignee_id, teams=team).exists():
            events.assignment_changed(
                ticket=ticket, actor=actor, before=ticket.assignee.get_username(), note=_("security")
            )
            ticket.assignee = None
            fields.append("assignee")
    return fields


def _warn_customer(ticket: Ticket, message: TicketMessage, kinds: list[str], *, removed: bool) -> TicketMessage:
    """A public system message on the ticket (the portal shows it) plus an email, in the customer's language."""
    with translation.override(ticket.customer.language):
        body = render_to_string(
            "tickets/safety/secret_warning.txt",
            {"ticket": ticket, "kinds": kind_labels(kinds), "removed": removed},
        ).strip()
    warning = TicketMessage.objects.create(
        ticket=ticket, author_kind=AuthorKind.SYSTEM, author=None, body=body, via=message.via
    )
    outbound.outbound_email_queue_security_warning(message=warning)
    events.customer_warned(ticket=ticket, warning=warning, note=_("by email"))
    return warning


def secret_exposure_record(*, ticket: Ticket, message: TicketMessage, scrubber: Scrubber, actor) -> None:
    """After a message is stored: flag, escalate and warn for what the scrubber found.

    Customer content (and what an agent records for a customer) escalates; a
    secret in an agent's own reply or note is only removed and noted.
    """
    certain, suspected = scrubber.certain, scrubber.suspected
    from_customer = scrubber.from_customer
    if certain:
        kinds = [finding.kind for finding in certain]
        _exposed(ticket, message, kinds, scrubber.places(True), actor, from_customer=from_customer)
    if suspected:
        kinds = [finding.kind for finding in suspected]
        events.secret_suspected(ticket=ticket, actor=actor, kinds=kind_labels(kinds), note=scrubber.places(False))
        # A bare 64-hex string is usually a transaction hash: only a phrase-like text warrants a warning.
        if from_customer and not certain and MNEMONIC in kinds:
            _warn_customer(ticket, message, [MNEMONIC], removed=False)


def secret_exposure_record_earlier(*, ticket: Ticket, kinds: list[str], where: str, actor) -> None:
    """A secret the customer typed before the ticket existed (to the FAQ bot) and that was removed then.

    The ticket is flagged, escalated and the customer warned as if it had come in with it.
    """
    message = ticket.messages.order_by("created_at", "id").first()
    _exposed(ticket, message, kinds, where, actor, from_customer=True)


def _exposed(ticket: Ticket, message: TicketMessage, kinds: list[str], places: str, actor, *, from_customer) -> None:
    logger.warning("Removed %s from the %s of %s", kind_labels(kinds), places, ticket.reference)
    events.secret_exposed(ticket=ticket, actor=actor, kinds=kind_labels(kinds), note=places)
    if not from_customer:
        return
    channel = message.via if message is not None else ticket.channel
    exposure_record(customer=ticket.customer, kinds=kind_labels(kinds), channel=channel, ticket=ticket)
    fields = _escalate_to_security(ticket, actor)
    if not ticket.secret_exposed:
        ticket.secret_exposed = True
        fields.append("secret_exposed")
    ticket.save(update_fields=[*fields, "updated_at"])
    if "priority" in fields and ticket.sla_policy_id is not None:
        # An open ticket turned urgent gets the urgent targets (a new one is matched right after this).
        sla_clocks.policy_inputs_changed(ticket=ticket, at=timezone.now())
    _warn_customer(ticket, message, kinds, removed=True)


def secret_request_refuse(*, ticket: Ticket, body: str, body_html: str, actor) -> None:
    """Refuse (ValidationError) a public reply that asks for a secret; the attempt is recorded.

    Called before the reply's own transaction opens, so the refusal does not
    roll the record back (callers that wrap it in a transaction of their own
    must catch the ValidationError, as the admin does).
    """
    violations = find_secret_requests(body or html_to_text(body_html))
    if not violations:
        return
    secrets = ", ".join(dict.fromkeys(violation.secret for violation in violations))
    events.reply_blocked(ticket=ticket, actor=actor, secrets=secrets, note=_("reply asked for a secret"))
    logger.warning("Blocked a reply by %s on %s asking for: %s", actor, ticket.reference, secrets)
    raise ValidationError(
        _(
            "This reply asks the customer for their %(secret)s. Official support never asks for a password, "
            "private key, recovery phrase, keystore file or verification code. Rephrase it: %(sentence)s"
        )
        % {"secret": secrets, "sentence": violations[0].sentence[:200]},
        code=ERROR_SECRET_REQUEST,
    )
