"""A new ticket's language: detected for customers who never chose one, corrected by agents with an event."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests import factories
from tickets import services
from tickets.models import Category, Channel, EventKind
from tickets.templatetags.sd_admin import event_label


def email_ticket(customer, subject, body, **kwargs):
    return services.ticket_create(customer=customer, subject=subject, body=body, channel=Channel.EMAIL, **kwargs)


@pytest.fixture
def email_customer(db):
    """Wrote in by email: no portal login, so never chose a language."""
    return factories.CustomerFactory(email="maria@example.com", language="en")


def test_the_message_language_becomes_the_ticket_and_customer_language_of_an_email_customer(email_customer):
    ticket = email_ticket(email_customer, "Retiro pendiente", "Hola, mi retiro de USDT sigue pendiente desde ayer.")

    email_customer.refresh_from_db()
    assert (ticket.language, email_customer.language) == ("es", "es")


def test_a_customer_with_a_portal_login_keeps_the_language_they_chose(customer):
    customer.language = "vi"
    customer.save()

    ticket = email_ticket(customer, "Problème", "Bonjour, mon retrait n'arrive pas depuis hier.")

    customer.refresh_from_db()
    assert (ticket.language, customer.language) == ("vi", "vi")


def test_an_explicit_language_wins_over_detection(email_customer):
    ticket = email_ticket(email_customer, "Dompet", "Dompet saya tidak bisa dibuka", language="en")

    assert ticket.language == "en"


def test_an_undecidable_message_keeps_the_customers_language(email_customer):
    ticket = email_ticket(email_customer, "ok", "👍")

    assert ticket.language == "en"


def test_the_detected_language_routes_to_the_team_that_speaks_it(email_customer):
    transaction = Category.objects.get(slug="transaction")
    english = factories.TeamFactory(name="Transfers EN", languages=["en"])
    vietnamese = factories.TeamFactory(name="Transfers VI", languages=["vi"])
    english.categories.add(transaction)
    vietnamese.categories.add(transaction)

    ticket = email_ticket(email_customer, "Chuyển tiền", "Giao dịch chuyển USDT của tôi bị treo", category=transaction)

    assert (ticket.language, ticket.team) == ("vi", vietnamese)


class TestAgentsCorrectTheLanguage:
    def test_the_correction_is_saved_with_an_event_and_the_mails_follow_for_a_customer_without_login(
        self, email_customer, agent, team
    ):
        ticket = email_ticket(email_customer, "Hello", "Mon portefeuille est bloqué", team=team)
        assert ticket.language == "fr"

        services.ticket_change_language(ticket=ticket, language="zh-hant", actor=agent)

        ticket.refresh_from_db()
        email_customer.refresh_from_db()
        event = ticket.events.get(kind=EventKind.LANGUAGE)
        assert (ticket.language, email_customer.language) == ("zh-hant", "zh-hant")
        assert (event.actor, event.before, event.after) == (agent, "fr", "zh-hant")
        assert event_label(event.after, event.kind) == "Traditional Chinese"  # the timeline names the language

    def test_a_customer_who_chose_a_language_keeps_it(self, customer_ticket, customer, agent):
        services.ticket_change_language(ticket=customer_ticket, language="id", actor=agent)

        customer.refresh_from_db()
        assert customer.language == "en"
        assert customer_ticket.events.get(kind=EventKind.LANGUAGE).note == ""

    def test_the_same_language_changes_nothing(self, customer_ticket, agent):
        services.ticket_change_language(ticket=customer_ticket, language=customer_ticket.language, actor=agent)

        assert not customer_ticket.events.filter(kind=EventKind.LANGUAGE).exists()

    def test_an_unknown_language_is_refused(self, customer_ticket, agent):
        with pytest.raises(ValidationError) as error:
            services.ticket_change_language(ticket=customer_ticket, language="de", actor=agent)
        assert error.value.error_dict["language"][0].code == "invalid_choice"

    def test_an_agent_outside_the_team_cannot(self, customer_ticket, other_agent):
        with pytest.raises(PermissionDenied):
            services.ticket_change_language(ticket=customer_ticket, language="es", actor=other_agent)
