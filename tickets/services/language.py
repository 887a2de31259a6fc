"""A ticket's language: detected from the customer's first message, corrected by an agent.

The language decides who works the ticket (routing prefers teams and agents who speak it); the mails to
the customer always go out in the customer's own language (Customer.language). A customer without a
portal login never chose a language: the language their message is written in becomes theirs. A
customer with a login chose one (the profile, the switcher, or the page they signed up on): it stays.
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from supportdesk.kit.validators import ERROR_INVALID_CHOICE, field_error
from tickets import access, events
from tickets.language import detected_language
from tickets.models import Customer, Ticket
from tickets.services.base import lock_ticket


def customer_chose_language(customer: Customer) -> bool:
    return customer.user_id is not None


def language_for_new_ticket(*, customer: Customer, text: str) -> str:
    """The language of a ticket opened without an explicit one; a customer who never chose takes it too."""
    if customer_chose_language(customer):
        return customer.language
    language = detected_language(text)
    if language is None:
        return customer.language
    if customer.language != language:
        customer.language = language
        customer.save(update_fields=["language", "updated_at"])
    return language


@transaction.atomic
def ticket_change_language(*, ticket: Ticket, language: str, actor) -> Ticket:
    """An agent corrects the ticket's language (a wrong detection, a customer who switched language)."""
    access.require_ticket_permission(actor, ticket.pk)
    if language not in dict(settings.LANGUAGES):
        raise field_error("language", _("Unknown value: %(value)s.") % {"value": language}, ERROR_INVALID_CHOICE)
    ticket = lock_ticket(ticket)
    if ticket.language == language:
        return ticket
    before = ticket.language
    ticket.language = language
    ticket.save(update_fields=["language", "updated_at"])
    customer = Customer.objects.select_for_update().get(pk=ticket.customer_id)
    note = ""
    if not customer_chose_language(customer) and customer.language != language:
        customer.language = language
        customer.save(update_fields=["language", "updated_at"])
        note = _("The customer's mails follow: they never chose a language.")
    events.language_changed(ticket=ticket, actor=actor, before=before, after=language, note=note)
    return ticket
