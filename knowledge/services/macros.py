"""Macros: safe placeholder rendering and applying a macro to a ticket through tickets.services.

Macro bodies are written by staff but reach customers' inboxes, so they are
never run through the template engine: `{{ name.attribute }}` placeholders
from a fixed table are substituted, and anything else that looks like a
placeholder is rejected when the macro is saved.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from knowledge.models import Macro, MacroVariant
from knowledge.selectors import macro_variant
from supportdesk.kit.choices import LANGUAGE_CHOICES
from tickets import access
from tickets import services as ticket_services
from tickets.models import Tag, Ticket, TicketMessage
from tickets.safety.guard import validate_no_secret_request

ERROR_UNKNOWN_PLACEHOLDER = "unknown_placeholder"
ERROR_MALFORMED_PLACEHOLDER = "malformed_placeholder"
ERROR_NO_VARIANT = "no_variant"
ERROR_EMPTY_BODY = "empty_body"
ERROR_BODY_TOO_LONG = "body_too_long"
ERROR_UNKNOWN_LANGUAGE = "unknown_language"
# A reply, not a document: longer texts are pasted by mistake (and mail clients truncate them).
MAX_BODY_LENGTH = 10_000

_PLACEHOLDER = re.compile(r"\{\{\s*([a-z_]+(?:\.[a-z_]+)?)\s*\}\}")


def _agent_name(agent) -> str:
    return agent.get_full_name() or agent.get_username()


PLACEHOLDERS: dict[str, Callable[[Ticket, object], str]] = {
    "customer.name": lambda ticket, agent: ticket.customer.name or ticket.customer.email,
    "customer.email": lambda ticket, agent: ticket.customer.email,
    "ticket.reference": lambda ticket, agent: ticket.reference,
    "ticket.subject": lambda ticket, agent: ticket.subject,
    "agent.first_name": lambda ticket, agent: agent.first_name or _agent_name(agent),
    "agent.name": lambda ticket, agent: _agent_name(agent),
}


def validate_macro_body(body: str) -> None:
    """Reject an empty or over-long text, unknown placeholders and stray braces, so no customer ever
    gets an empty reply or "{{ custmer.name }}"."""
    if not (body or "").strip():
        raise ValidationError(_("A macro needs a text."), code=ERROR_EMPTY_BODY)
    if len(body) > MAX_BODY_LENGTH:
        raise ValidationError(
            _("A macro text can have at most %(limit)d characters (it has %(length)d).")
            % {"limit": MAX_BODY_LENGTH, "length": len(body)},
            code=ERROR_BODY_TOO_LONG,
        )
    unknown = sorted({name for name in _PLACEHOLDER.findall(body or "") if name not in PLACEHOLDERS})
    if unknown:
        raise ValidationError(
            _("Unknown placeholder(s): %(names)s. Allowed: %(allowed)s.")
            % {"names": ", ".join(unknown), "allowed": ", ".join(f"{{{{ {name} }}}}" for name in PLACEHOLDERS)},
            code=ERROR_UNKNOWN_PLACEHOLDER,
        )
    leftover = _PLACEHOLDER.sub("", body or "")
    if "{{" in leftover or "}}" in leftover:
        raise ValidationError(
            _("A placeholder is not closed or not of the form {{ name.attribute }}."),
            code=ERROR_MALFORMED_PLACEHOLDER,
        )


def macro_render(*, macro: Macro, ticket: Ticket, agent) -> str:
    """The macro's text in the ticket's language (English fallback) with placeholders filled in."""
    variant = macro_variant(macro, ticket.language)
    if variant is None:
        raise ValidationError(_("This macro has no text."), code=ERROR_NO_VARIANT)
    return _PLACEHOLDER.sub(lambda match: PLACEHOLDERS[match.group(1)](ticket, agent), variant.body)


@transaction.atomic
def macro_save(*, macro: Macro, actor, tags: Iterable[Tag] | None = None) -> Macro:
    """Create or update a macro's own fields and tags (its texts go through macro_variant_save)."""
    access.require_permission(actor, "knowledge.change_macro" if macro.pk else "knowledge.add_macro")
    macro.save()
    if tags is not None:
        macro.add_tags.set(tags)
    return macro


@transaction.atomic
def macro_variant_save(*, variant: MacroVariant, actor) -> MacroVariant:
    """Save one language of a macro; an unknown or malformed placeholder is refused, and so is
    a text that asks the customer for a wallet secret (the reply guard would block it on every use)."""
    access.require_permission(actor, "knowledge.change_macrovariant" if variant.pk else "knowledge.add_macrovariant")
    variant.body = (variant.body or "").replace("\r\n", "\n").strip()
    if variant.language not in dict(LANGUAGE_CHOICES):
        raise ValidationError(
            _("Unknown language code “%(code)s”.") % {"code": variant.language}, code=ERROR_UNKNOWN_LANGUAGE
        )
    validate_macro_body(variant.body)
    validate_no_secret_request(variant.body)
    variant.save()
    return variant


@transaction.atomic
def macro_apply(
    *, macro: Macro, ticket: Ticket, body: str, actor, internal: bool = False, opened_at: datetime | None = None
) -> TicketMessage:
    """Send the (possibly edited) macro text and run the macro's actions, all or nothing.

    The ticket changes go through tickets.services, so access checks, locking,
    allowed status moves and TicketEvents are the ticket core's.
    """
    if macro.set_priority:
        ticket = ticket_services.ticket_change_priority(ticket=ticket, priority=macro.set_priority, actor=actor)
    if macro.set_category_id:
        ticket = ticket_services.ticket_change_category(ticket=ticket, category=macro.set_category, actor=actor)
    extra_tags = list(macro.add_tags.all())
    if extra_tags:
        ticket = ticket_services.ticket_set_tags(ticket=ticket, tags=[*ticket.tags.all(), *extra_tags], actor=actor)
    message = ticket_services.ticket_reply(
        ticket=ticket,
        body=body,
        actor=actor,
        internal=internal,
        new_status=macro.set_status or None,
        opened_at=opened_at,
    )
    Macro.objects.filter(pk=macro.pk).update(usage_count=F("usage_count") + 1, last_used_at=timezone.now())
    return message


@transaction.atomic
def macro_variant_delete(*, variant: MacroVariant, actor) -> None:
    access.require_permission(actor, "knowledge.delete_macrovariant")
    variant.delete()
