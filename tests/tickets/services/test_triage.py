"""Triage: tickets no team serves go to the triage team with a suggestion; an agent keeps the tickets they record."""

import pytest
from django.db import transaction
from django.urls import reverse

from tests import factories
from tickets import services
from tickets.models import Category, Channel, EventKind, Team, Ticket
from tickets.services import classifier

pytestmark = pytest.mark.django_db


@pytest.fixture
def triage(db):
    return factories.TeamFactory(name="Triage", handles_triage=True)


@pytest.mark.parametrize("channel", [Channel.WEB_FORM, Channel.IN_APP, Channel.PHONE])
def test_an_uncategorised_ticket_from_any_channel_lands_in_the_triage_team_with_a_suggestion(customer, triage, channel):
    transfers = factories.TeamFactory(name="Transfers")
    transfers.categories.add(Category.objects.get(slug="transaction"))

    ticket = services.ticket_create(
        customer=customer, subject="Where is my money", body="my transfer is stuck since noon", channel=channel
    )

    assert ticket.team == triage
    assert ticket.category is None
    note = ticket.events.get(kind=EventKind.CREATED).note
    assert "triage queue of Triage" in note
    assert "suggested: category Transaction, team Transfers (100%)" in note


def test_without_a_triage_team_the_note_says_so_and_without_keywords_no_suggestion(customer):
    ticket = services.ticket_create(customer=customer, subject="Hi", body="hello there", channel=Channel.WEB_FORM)

    assert ticket.team is None
    assert ticket.events.get(kind=EventKind.CREATED).note == "no team serves this category and no triage team is set"


def test_only_one_team_can_own_triage(triage):
    with pytest.raises(Exception), transaction.atomic():  # noqa: B017 - IntegrityError, whichever database
        Team.objects.create(name="Second triage", handles_triage=True)
    assert Team.objects.filter(handles_triage=True).count() == 1


def test_the_keyword_classifier_scores_the_category_with_the_most_hits():
    suggestion = classifier.KeywordClassifier().suggest(text="transfer stuck, transfer pending, 2FA", language="en")

    assert suggestion is not None
    assert suggestion.category.slug == "transaction"
    assert 0 < suggestion.score <= 1
    assert classifier.KeywordClassifier().suggest(text="good morning", language="en") is None


def test_a_ticket_an_agent_records_without_a_category_stays_in_their_lists(client, agent, customer, triage):
    ticket = services.ticket_create(
        customer=customer, subject="Phone call", body="called about fees", channel=Channel.PHONE, actor=agent
    )

    assert ticket.team == triage
    assert ticket.created_by == agent
    assert Ticket.objects.visible_to(agent).filter(pk=ticket.pk).exists()
    client.force_login(agent)
    page = client.get(reverse("admin:tickets_ticket_changelist"), {"assignee": "created"})
    assert [row.pk for row in page.context["cl"].result_list] == [ticket.pk]
    assert client.get(reverse("admin:tickets_ticket_change", args=[ticket.pk])).status_code == 200


def test_a_customer_is_never_recorded_as_creator(customer, triage):
    ticket = factories.ticket(customer=customer)

    assert ticket.created_by is None
