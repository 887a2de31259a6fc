"""Writes of help-centre articles, their translations, votes and deflections."""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Mapping, MutableMapping

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from knowledge.models import (
    ARTICLE_TRANSITIONS,
    FALLBACK_LANGUAGE,
    PINNABLE_KINDS,
    Article,
    ArticleKind,
    ArticleStatus,
    ArticleTranslation,
    ArticleVote,
    DeflectionEvent,
)
from knowledge.search import refresh_search_vectors
from knowledge.text import render_markdown, searchable_text, video_embed_url
from tickets import access
from tickets.models import Tag
from tickets.safety.services import intake as safety_intake

ERROR_INVALID_TRANSITION = "invalid_transition"
ERROR_NEEDS_ENGLISH = "needs_english_translation"
ERROR_VIDEO_URL = "video_url"
ERROR_NOT_PINNABLE = "not_pinnable"
ERROR_NO_VOTER = "no_voter"
ERROR_EMPTY_TRANSLATION = "empty_translation"

# Moves only a reviewer (knowledge.publish_article) may make.
_REVIEWER_TARGETS = (ArticleStatus.PUBLISHED, ArticleStatus.ARCHIVED)


def validate_article(*, kind: str, video_url: str, pinned_until) -> None:
    """Field errors for a type/video/pin combination that makes no sense (shared by the admin form)."""
    errors = {}
    if kind == ArticleKind.VIDEO and not video_embed_url(video_url):
        errors["video_url"] = ValidationError(
            _("A video tutorial needs an https link on an allowed video host."), code=ERROR_VIDEO_URL
        )
    if kind != ArticleKind.VIDEO and video_url:
        errors["video_url"] = ValidationError(_("Only video tutorials have a video."), code=ERROR_VIDEO_URL)
    if pinned_until and kind not in PINNABLE_KINDS:
        errors["pinned_until"] = ValidationError(
            _("Only announcements and security alerts can be pinned."), code=ERROR_NOT_PINNABLE
        )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def article_save(*, article: Article, actor, tags: Iterable[Tag] | None = None) -> Article:
    """Create or update an article's own fields (status moves go through article_change_status)."""
    access.require_permission(actor, "knowledge.change_article" if article.pk else "knowledge.add_article")
    validate_article(kind=article.kind, video_url=article.video_url, pinned_until=article.pinned_until)
    if article.pk is None:
        article.author = actor
        article.status = ArticleStatus.DRAFT
        article.save()
    else:
        article.save(update_fields=["slug", "kind", "category", "video_url", "pinned_until", "updated_at"])
    if tags is not None:
        article.tags.set(tags)
    return article


@transaction.atomic
def article_change_status(*, article: Article, status: str, actor) -> Article:
    """Move an article through draft → in review → published → archived.

    Publishing or archiving needs knowledge.publish_article; the publisher is
    recorded as the reviewer. An article is published only with an English
    translation, the fallback every reader can get.
    """
    access.require_permission(actor, "knowledge.change_article")
    article = Article.objects.select_for_update().get(pk=article.pk)
    if status == article.status:
        return article
    if status not in ARTICLE_TRANSITIONS.get(article.status, frozenset()):
        raise ValidationError(
            _("An article cannot go from %(old)s to %(new)s.")
            % {"old": ArticleStatus(article.status).label, "new": ArticleStatus(status).label},
            code=ERROR_INVALID_TRANSITION,
        )
    if status in _REVIEWER_TARGETS and not actor.has_perm("knowledge.publish_article"):
        raise PermissionDenied(_("Only a reviewer can publish or archive articles."))
    fields = ["status", "updated_at"]
    if status == ArticleStatus.PUBLISHED:
        if not article.translations.filter(language=FALLBACK_LANGUAGE).exists():
            raise ValidationError(_("Add an English translation before publishing."), code=ERROR_NEEDS_ENGLISH)
        article.reviewed_by = actor
        article.published_at = article.published_at or timezone.now()
        fields += ["reviewed_by", "published_at"]
    article.status = status
    article.save(update_fields=fields)
    return article


@transaction.atomic
def article_translation_save(*, translation: ArticleTranslation, actor) -> ArticleTranslation:
    """Save one language of an article, rendering the sanitised HTML and the search text from the Markdown."""
    access.require_permission(
        actor, "knowledge.change_articletranslation" if translation.pk else "knowledge.add_articletranslation"
    )
    translation.title = " ".join((translation.title or "").split())
    translation.body = (translation.body or "").replace("\r\n", "\n").strip()
    if not translation.title or not translation.body:
        raise ValidationError(_("A translation needs a title and a body."), code=ERROR_EMPTY_TRANSLATION)
    translation.body_html = render_markdown(translation.body)
    translation.search_title = searchable_text(translation.title)
    translation.search_body = searchable_text(translation.summary, translation.body, translation.transcript)
    translation.save()
    refresh_search_vectors(ArticleTranslation.objects.filter(pk=translation.pk))
    Article.objects.filter(pk=translation.article_id).update(updated_at=timezone.now())
    return translation


@transaction.atomic
def article_translation_delete(*, translation: ArticleTranslation, actor) -> None:
    access.require_permission(actor, "knowledge.delete_articletranslation")
    article = Article.objects.select_for_update().get(pk=translation.article_id)
    if article.status == ArticleStatus.PUBLISHED and translation.language == FALLBACK_LANGUAGE:
        raise ValidationError(
            _("The English translation of a published article cannot be deleted."), code=ERROR_NEEDS_ENGLISH
        )
    translation.delete()


@transaction.atomic
def article_vote(*, article: Article, helpful: bool, user=None, session_key: str = "") -> ArticleVote:
    """Record "was this helpful?": one vote per user (or anonymous session); voting again changes it.

    The article's counters move in the same transaction, so they always equal the votes.
    """
    voter = {"user": user} if user is not None and user.is_authenticated else {"user": None}
    if voter["user"] is None:
        if not session_key:
            raise ValidationError(_("Cannot record a vote without a session."), code=ERROR_NO_VOTER)
        voter["session_key"] = session_key
    Article.objects.select_for_update().filter(pk=article.pk).first()
    vote = ArticleVote.objects.filter(article=article, **voter).first()
    if vote is not None and vote.helpful == helpful:
        return vote
    counted = "helpful_count" if helpful else "not_helpful_count"
    counters = {counted: F(counted) + 1}
    if vote is None:
        try:
            with transaction.atomic():
                vote = ArticleVote.objects.create(article=article, helpful=helpful, **voter)
        except IntegrityError:
            # A double click raced us to the same vote.
            return ArticleVote.objects.get(article=article, **voter)
    else:
        previous = "helpful_count" if vote.helpful else "not_helpful_count"
        counters[previous] = F(previous) - 1
        vote.helpful = helpful
        vote.save(update_fields=["helpful"])
    Article.objects.filter(pk=article.pk).update(**counters)
    return vote


DEFLECTION_SESSION_KEY = "knowledge_deflection_queries"
DEFLECTION_QUERIES_KEPT = 10


def deflection_query_hold(*, query: str, session: MutableMapping) -> str:
    """Keep what the customer is typing server-side under a short token, so the article links carry the
    token instead of the text (it never reaches access logs or browser history). The text passes the
    wallet-safety gate first: the session is stored too. Only the newest few queries are kept."""
    token = secrets.token_urlsafe(6)
    held = dict(list(session.get(DEFLECTION_SESSION_KEY, {}).items())[-(DEFLECTION_QUERIES_KEPT - 1) :])
    held[token] = safety_intake.gate_text(query)
    session[DEFLECTION_SESSION_KEY] = held
    return token


def deflection_query_of(*, token: str, session: Mapping) -> str:
    return session.get(DEFLECTION_SESSION_KEY, {}).get(token, "")


def deflection_record(*, article: Article, query: str, user=None, session_key: str = "") -> DeflectionEvent:
    """A suggestion shown while typing a request subject was opened instead of submitting the request."""
    return DeflectionEvent.objects.create(
        article=article,
        query=" ".join((query or "").split())[:200],
        user=user if user is not None and user.is_authenticated else None,
        session_key=session_key[:64],
    )


@transaction.atomic
def help_category_save(*, category, actor):
    """Help categories are plain configuration: saved as edited (the tree is checked against cycles)."""
    access.require_permission(actor, "knowledge.change_helpcategory" if category.pk else "knowledge.add_helpcategory")
    ancestor = category.parent
    while ancestor is not None:
        if ancestor.pk == category.pk:
            raise ValidationError({"parent": _("A category cannot be inside itself.")}, code="category_cycle")
        ancestor = ancestor.parent
    category.save()
    return category
