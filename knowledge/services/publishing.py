"""Announcements and security alerts pushed to the official social channels (issue 25).

Each configured connector with a broadcast target (tickets.connectors.base.Connector.broadcast_target:
the official Telegram channel) gets the alert's title, summary and help-centre link in the desk's
default language, through the same send queue as replies (idempotency key, retries); the
ArticlePublication row records who pushed it when, and links the send's provider id and errors.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from knowledge.models import FALLBACK_LANGUAGE, PINNABLE_KINDS, Article, ArticlePublication
from tickets import access
from tickets.connectors.base import configured_connectors
from tickets.connectors.models import OutboundKind
from tickets.connectors.services import channel_message_queue

ERROR_NOT_PUBLISHABLE = "article_not_publishable"
ERROR_NO_CHANNEL = "no_official_channel"
ERROR_ALREADY_PUSHED = "article_already_pushed"


def _text(article: Article) -> str:
    translations = {translation.language: translation for translation in article.translations.all()}
    translation = translations.get(settings.LANGUAGE_CODE) or translations.get(FALLBACK_LANGUAGE)
    url = settings.SITE_URL.rstrip("/") + reverse("knowledge:article", args=[article.slug])
    parts = [translation.title if translation else article.slug, translation.summary if translation else "", url]
    return "\n\n".join(part for part in parts if part)


@transaction.atomic
def article_push_to_channels(*, article: Article, actor) -> list[ArticlePublication]:
    """Push a published announcement or security alert to every official channel it has not reached yet."""
    access.require_permission(actor, "knowledge.publish_article")
    article = Article.objects.select_for_update().get(pk=article.pk)
    if article.kind not in PINNABLE_KINDS or not article.is_public:
        raise ValidationError(
            _("Only a published announcement or security alert can be pushed to the official channels."),
            code=ERROR_NOT_PUBLISHABLE,
        )
    targets = [(provider, provider.broadcast_target()) for provider in configured_connectors()]
    targets = [(provider, target) for provider, target in targets if target]
    if not targets:
        raise ValidationError(_("No official channel is configured (e.g. TELEGRAM_CHANNEL)."), code=ERROR_NO_CHANNEL)
    pushed = set(article.publications.values_list("connector", "target"))
    targets = [(provider, target) for provider, target in targets if (provider.name, target) not in pushed]
    if not targets:
        raise ValidationError(
            _("%(article)s was already pushed to every official channel.") % {"article": article.slug},
            code=ERROR_ALREADY_PUSHED,
        )
    text = _text(article)
    return [
        ArticlePublication.objects.create(
            article=article,
            connector=provider.name,
            target=target,
            outbound=channel_message_queue(
                connector_name=provider.name, recipient=target, body=text, kind=OutboundKind.ANNOUNCEMENT
            ),
            published_by=actor,
        )
        for provider, target in targets
    ]
