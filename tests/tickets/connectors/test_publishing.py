"""Announcements pushed to the official channel, official contacts from the connectors, status notices."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from knowledge.models import ArticleKind, ArticleTranslation
from knowledge.services import article_push_to_channels
from tests import factories
from tests.tickets.connectors.conftest import TELEGRAM_SECRET, fixture_bytes
from tickets import services
from tickets.connectors.models import DeliveryStatus, OutboundKind
from tickets.connectors.services import official_contacts_sync_connectors
from tickets.models import Status, Ticket
from tickets.safety.models import OfficialContact


def _alert(author):
    article = factories.kb_article(
        author=author,
        translations={"en": ("Fake airdrop sites", "Do not connect your wallet.")},
        kind=ArticleKind.SECURITY_ALERT,
    )
    ArticleTranslation.objects.filter(article=article).update(summary="Scammers copy our site.")
    return article


@pytest.mark.django_db
def test_security_alert_is_pushed_to_the_official_channel_and_recorded(
    connectors, supervisor, django_capture_on_commit_callbacks
):
    alert = _alert(supervisor)

    with django_capture_on_commit_callbacks(execute=True):
        [publication] = article_push_to_channels(article=alert, actor=supervisor)

    publication.outbound.refresh_from_db()
    assert (publication.connector, publication.target, publication.published_by) == (
        "telegram",
        "@wallet_news",
        supervisor,
    )
    assert publication.outbound.status == DeliveryStatus.SENT and publication.outbound.provider_message_id
    assert publication.outbound.kind == OutboundKind.ANNOUNCEMENT
    [sent] = connectors.sent("/sendMessage")
    text = json.loads(sent.body)
    assert text["chat_id"] == "@wallet_news"
    assert "Fake airdrop sites" in text["text"] and f"/portal/help/a/{alert.slug}/" in text["text"]
    with pytest.raises(ValidationError, match="already pushed"):
        article_push_to_channels(article=alert, actor=supervisor)


@pytest.mark.django_db
def test_only_published_alerts_by_a_publisher(connectors, supervisor, agent):
    alert = _alert(supervisor)
    with pytest.raises(PermissionDenied):
        article_push_to_channels(article=alert, actor=agent)
    faq = factories.kb_article(author=supervisor, translations={"en": ("How to back up", "Write it down.")})
    with pytest.raises(ValidationError, match="announcement or security alert"):
        article_push_to_channels(article=faq, actor=supervisor)


@pytest.mark.django_db
def test_official_contacts_list_the_bot_channel_group_and_numbers_once(connectors):
    added = official_contacts_sync_connectors()

    values = sorted(contact.value for contact in added)
    assert values == ["+14155550100", "@WalletSupportBot", "@wallet_community", "@wallet_news"]
    assert official_contacts_sync_connectors() == []
    assert OfficialContact.objects.count() == 4


@pytest.mark.django_db
def test_solving_a_telegram_ticket_tells_the_customer_in_telegram(
    client, connectors, administrator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/connectors/telegram/webhook/",
            data=fixture_bytes("telegram_text.json"),
            content_type="application/json",
            HTTP_X_TELEGRAM_BOT_API_SECRET_TOKEN=TELEGRAM_SECRET,
        )
    ticket = Ticket.objects.get()

    with django_capture_on_commit_callbacks(execute=True):
        services.ticket_change_status(ticket=ticket, status=Status.SOLVED, actor=administrator)

    last = json.loads(connectors.sent("/sendMessage")[-1].body)
    assert ticket.reference in last["text"] and "solved" in last["text"]
