"""Applying a macro picks the ticket's language; a missing translation falls back to English, visibly."""

import pytest
from django.urls import reverse

from tests import factories
from tickets import services as ticket_services
from tickets.models import Channel


@pytest.fixture
def spanish_ticket(customer, team):
    customer.language = "es"
    customer.save()
    return ticket_services.ticket_create(
        customer=customer, subject="Retiro", body="Ayuda", channel=Channel.PORTAL, team=team
    )


def test_the_text_in_the_tickets_language_is_offered_without_a_note(client, agent, spanish_ticket):
    macro = factories.kb_macro(title="Hash", bodies={"en": "Hi, the hash please.", "es": "Hola, el hash por favor."})
    client.force_login(agent)

    page = client.get(reverse("admin:knowledge_macro_apply", args=[spanish_ticket.pk]), {"macro": macro.pk}).text

    assert "Hola, el hash por favor." in page
    assert "data-macro-fallback" not in page


def test_a_missing_translation_shows_the_english_text_with_a_note(client, agent, spanish_ticket):
    macro = factories.kb_macro(title="Hash", bodies={"en": "Hi, the hash please.", "fr": "Bonjour, le hash svp."})
    client.force_login(agent)

    page = client.get(reverse("admin:knowledge_macro_apply", args=[spanish_ticket.pk]), {"macro": macro.pk}).text

    assert "Hi, the hash please." in page
    assert "This macro has no text in Spanish: the English text is shown. Translate it before sending." in page
