"""Help-centre articles and their translations, helpful votes, deflections, macros and the FAQ bot.

Models hold data, constraints and QuerySet methods only; every write goes
through knowledge.services and every read a customer can reach through
knowledge.selectors (which only ever return published articles).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from supportdesk.kit.choices import LANGUAGE_CHOICES
from tickets.models import Category, Priority, Status, Tag, Team, Ticket, team_ids_of

FALLBACK_LANGUAGE = "en"


class ArticleKind(models.TextChoices):
    FAQ = "faq", _("FAQ")
    GUIDE = "guide", _("User guide")
    VIDEO = "video", _("Video tutorial")
    ANNOUNCEMENT = "announcement", _("Announcement / update log")
    SECURITY_ALERT = "security_alert", _("Security alert")


# Kinds that may be pinned on the portal home until an expiry date.
PINNABLE_KINDS = (ArticleKind.ANNOUNCEMENT, ArticleKind.SECURITY_ALERT)


class ArticleStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("In review")
    PUBLISHED = "published", _("Published")
    ARCHIVED = "archived", _("Archived")


# The editorial workflow. Only a reviewer (knowledge.publish_article) moves an
# article out of review into publication.
ARTICLE_TRANSITIONS: dict[str, frozenset[str]] = {
    ArticleStatus.DRAFT: frozenset({ArticleStatus.IN_REVIEW, ArticleStatus.ARCHIVED}),
    ArticleStatus.IN_REVIEW: frozenset({ArticleStatus.DRAFT, ArticleStatus.PUBLISHED, ArticleStatus.ARCHIVED}),
    ArticleStatus.PUBLISHED: frozenset({ArticleStatus.DRAFT, ArticleStatus.ARCHIVED}),
    ArticleStatus.ARCHIVED: frozenset({ArticleStatus.DRAFT}),
}


class HelpCategory(models.Model):
    """A node of the help-centre tree (separate from ticket categories: it follows how customers browse)."""

    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    translations = models.JSONField(
        _("translated names"),
        default=dict,
        blank=True,
        help_text=_('Name per language code, e.g. {"zh-hans": "账户与安全"}.'),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("help category")
        verbose_name_plural = _("help categories")

    def __str__(self) -> str:
        return self.label()

    def label(self, language: str | None = None) -> str:
        return self.translations.get(language or get_language() or FALLBACK_LANGUAGE) or self.name


class ArticleQuerySet(models.QuerySet):
    def published(self) -> ArticleQuerySet:
        """What a customer may ever see: published, with a publication date that has come."""
        return self.filter(status=ArticleStatus.PUBLISHED, published_at__lte=timezone.now())

    def pinned(self) -> ArticleQuerySet:
        return self.published().filter(kind__in=PINNABLE_KINDS, pinned_until__gt=timezone.now())


class Article(models.Model):
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    kind = models.CharField(_("type"), max_length=20, choices=ArticleKind.choices, default=ArticleKind.FAQ)
    category = models.ForeignKey(
        HelpCategory, verbose_name=_("category"), on_delete=models.PROTECT, related_name="articles"
    )
    tags = models.ManyToManyField(Tag, verbose_name=_("tags"), blank=True, related_name="articles")
    status = models.CharField(
        _("status"), max_length=20, choices=ArticleStatus.choices, default=ArticleStatus.DRAFT, editable=False
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.PROTECT,
        related_name="authored_articles",
        editable=False,
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reviewed_articles",
        editable=False,
    )
    video_url = models.URLField(
        _("video URL"),
        blank=True,
        help_text=_("Video tutorials only: a link on an allowed video host (see KNOWLEDGE_VIDEO_HOSTS)."),
    )
    pinned_until = models.DateTimeField(
        _("pinned on the portal home until"),
        null=True,
        blank=True,
        help_text=_("Announcements and security alerts only; empty means not pinned."),
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    helpful_count = models.PositiveIntegerField(_("helpful votes"), default=0, editable=False)
    not_helpful_count = models.PositiveIntegerField(_("not helpful votes"), default=0, editable=False)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        permissions = [("publish_article", _("Can publish, archive and review help-centre articles"))]
        indexes = [
            # help-centre category pages: published articles of a category, newest first
            models.Index(fields=["category", "status", "-published_at"], name="article_category_status"),
            # portal home: pinned announcements and security alerts that have not expired
            models.Index(
                fields=["status", "pinned_until"], name="article_pinned", condition=Q(pinned_until__isnull=False)
            ),
        ]

    def __str__(self) -> str:
        return self.slug

    @property
    def is_public(self) -> bool:
        return self.status == ArticleStatus.PUBLISHED and self.published_at is not None


def translation_search_vector() -> SearchVector:
    """The weighted document searched on PostgreSQL: title (A) over summary, body and transcript (B).

    knowledge.search stores it in ArticleTranslation.search_vector (PostgreSQL
    only), so ranking reads the stored vector instead of parsing every body again.
    The search_* columns hold the text with Chinese runs expanded to character
    bigrams (knowledge.text.searchable_text), which the parser indexes as words.
    """
    return SearchVector("search_title", weight="A", config="english") + SearchVector(
        "search_body", weight="B", config="english"
    )


def translation_title_vector() -> SearchVector:
    """The title alone (ArticleTranslation.title_vector): the any-word pass of a search looks only here."""
    return SearchVector("search_title", config="english")


class ArticleTranslation(models.Model):
    article = models.ForeignKey(
        Article, verbose_name=_("article"), on_delete=models.CASCADE, related_name="translations"
    )
    language = models.CharField(_("language"), max_length=10, choices=LANGUAGE_CHOICES, default=FALLBACK_LANGUAGE)
    title = models.CharField(_("title"), max_length=200)
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    body = models.TextField(_("body (Markdown)"))
    transcript = models.TextField(_("video transcript"), blank=True)
    body_html = models.TextField(_("rendered body"), blank=True, editable=False)
    search_title = models.TextField(blank=True, editable=False)
    search_body = models.TextField(blank=True, editable=False)
    # Filled on PostgreSQL by knowledge.search.refresh_search_vectors; always NULL on SQLite.
    search_vector = SearchVectorField(null=True, editable=False)
    title_vector = SearchVectorField(null=True, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["article", "language"]
        verbose_name = _("translation")
        verbose_name_plural = _("translations")
        constraints = [models.UniqueConstraint(fields=["article", "language"], name="unique_article_language")]
        indexes = [
            # knowledge.search on PostgreSQL: `search_vector @@ query`, ranked with ts_rank.
            # Created on PostgreSQL only (migration 0002); SQLite searches with LIKE.
            GinIndex(fields=["search_vector"], name="translation_search_gin"),
            GinIndex(fields=["title_vector"], name="translation_title_gin"),
        ]

    def __str__(self) -> str:
        return f"{self.title} [{self.language}]"


class ArticleVote(models.Model):
    """One "was this helpful?" answer per article and user (or per browser session when anonymous)."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="votes")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="article_votes"
    )
    session_key = models.CharField(max_length=64, blank=True)
    helpful = models.BooleanField(_("helpful"))
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("article vote")
        verbose_name_plural = _("article votes")
        constraints = [
            models.UniqueConstraint(
                fields=["article", "user"], condition=Q(user__isnull=False), name="unique_article_vote_user"
            ),
            models.UniqueConstraint(
                fields=["article", "session_key"], condition=Q(user__isnull=True), name="unique_article_vote_session"
            ),
            models.CheckConstraint(condition=Q(user__isnull=False) | ~Q(session_key=""), name="article_vote_has_voter"),
        ]

    def __str__(self) -> str:
        return f"{self.article_id}: {'+' if self.helpful else '-'}"


class DeflectionEvent(models.Model):
    """A customer opened a suggested article while writing a new request, instead of submitting it."""

    article = models.ForeignKey(
        Article, verbose_name=_("article"), on_delete=models.CASCADE, related_name="deflections"
    )
    query = models.CharField(_("typed subject"), max_length=200, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), null=True, blank=True, on_delete=models.SET_NULL
    )
    session_key = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(_("time"), default=timezone.now, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("deflection")
        verbose_name_plural = _("deflections")
        indexes = [
            # admin changelist, newest first
            models.Index(fields=["-created_at"], name="deflection_created_desc"),
        ]

    def __str__(self) -> str:
        return f"{self.query} → {self.article_id}"


# Macros ----------------------------------------------------------------------


class MacroQuerySet(models.QuerySet):
    def usable_by(self, user) -> MacroQuerySet:
        """Active macros the agent may apply: their personal ones, shared ones and their teams' ones."""
        if not user.is_authenticated or not user.is_staff:
            return self.none()
        shared = Q(owner__isnull=True) & (Q(team__isnull=True) | Q(team_id__in=team_ids_of(user)))
        return self.filter(Q(owner=user) | shared, is_active=True)


class Macro(models.Model):
    """A predefined solution: reply text with placeholders plus optional ticket changes."""

    title = models.CharField(_("title"), max_length=150)
    team = models.ForeignKey(
        Team,
        verbose_name=_("team"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="macros",
        help_text=_("Empty: every agent may use it."),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("personal macro of"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="personal_macros",
        help_text=_("Set for a personal macro: only this agent sees it."),
    )
    set_status = models.CharField(_("set status"), max_length=20, choices=Status.choices, blank=True)
    set_priority = models.CharField(_("set priority"), max_length=10, choices=Priority.choices, blank=True)
    set_category = models.ForeignKey(
        Category, verbose_name=_("set category"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    add_tags = models.ManyToManyField(Tag, verbose_name=_("add tags"), blank=True, related_name="+")
    is_active = models.BooleanField(_("active"), default=True)
    usage_count = models.PositiveIntegerField(_("times used"), default=0, editable=False)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    objects = MacroQuerySet.as_manager()

    class Meta:
        ordering = ["-usage_count", "title"]
        verbose_name = _("macro")
        verbose_name_plural = _("macros")

    def __str__(self) -> str:
        return self.title


class MacroVariant(models.Model):
    """The macro's text in one language; English is the fallback for tickets in other languages."""

    macro = models.ForeignKey(Macro, on_delete=models.CASCADE, related_name="variants")
    language = models.CharField(_("language"), max_length=10, choices=LANGUAGE_CHOICES, default=FALLBACK_LANGUAGE)
    body = models.TextField(
        _("body"),
        help_text=_(
            "Placeholders: {{ customer.name }}, {{ customer.email }}, {{ ticket.reference }}, "
            "{{ ticket.subject }}, {{ agent.first_name }}, {{ agent.name }}."
        ),
    )

    class Meta:
        ordering = ["macro", "language"]
        verbose_name = _("language variant")
        verbose_name_plural = _("language variants")
        constraints = [models.UniqueConstraint(fields=["macro", "language"], name="unique_macro_language")]

    def __str__(self) -> str:
        return f"{self.macro_id} [{self.language}]"


# FAQ bot -----------------------------------------------------------------------


class BotConversation(models.Model):
    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="bot_conversations",
    )
    language = models.CharField(_("language"), max_length=10, choices=LANGUAGE_CHOICES, default=FALLBACK_LANGUAGE)
    handoff_ticket = models.OneToOneField(
        Ticket,
        verbose_name=_("hand-off ticket"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="bot_conversation",
    )
    # An anonymous visitor's hand-off waits here until they open the link mailed to this address.
    handoff_email = models.EmailField(_("hand-off email"), max_length=254, blank=True)
    handoff_name = models.CharField(_("hand-off name"), max_length=200, blank=True)
    handoff_requested_at = models.DateTimeField(_("hand-off requested"), null=True, blank=True)
    handoff_confirmed_at = models.DateTimeField(_("hand-off confirmed"), null=True, blank=True)
    # Kinds of secret (tickets.safety) removed from what the visitor typed; never the secret itself.
    secret_kinds = models.JSONField(_("secrets removed"), default=list, blank=True, editable=False)
    created_at = models.DateTimeField(_("started"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("last message"), auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("bot conversation")
        verbose_name_plural = _("bot conversations")

    def __str__(self) -> str:
        return str(self.token)


class BotRole(models.TextChoices):
    USER = "user", _("Customer")
    BOT = "bot", _("Bot")


class BotMessageQuerySet(models.QuerySet):
    def unanswered_questions(self) -> BotMessageQuerySet:
        return self.filter(role=BotRole.USER, answered=False)


class BotMessage(models.Model):
    conversation = models.ForeignKey(BotConversation, on_delete=models.CASCADE, related_name="messages")
    role = models.CharField(_("from"), max_length=8, choices=BotRole.choices)
    text = models.TextField(_("text"))
    article = models.ForeignKey(
        Article, verbose_name=_("answered with"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    confidence = models.FloatField(_("confidence"), null=True, blank=True)
    answered = models.BooleanField(
        _("answered"), default=True, help_text=_("False for customer questions the bot found no confident answer to.")
    )
    helpful = models.BooleanField(_("helpful"), null=True, blank=True)
    created_at = models.DateTimeField(_("time"), default=timezone.now, editable=False)

    objects = BotMessageQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("bot message")
        verbose_name_plural = _("bot messages")
        indexes = [
            # the transcript of one conversation, oldest first
            models.Index(fields=["conversation", "created_at", "id"], name="botmessage_conversation"),
            # admin "unanswered questions" (hot topics), newest first
            models.Index(
                fields=["-created_at"], name="botmessage_unanswered", condition=Q(role="user", answered=False)
            ),
        ]

    def __str__(self) -> str:
        return self.text[:60]


class UnansweredQuestion(BotMessage):
    """Admin view of customer questions the bot could not answer: candidates for new articles."""

    class Meta:
        proxy = True
        verbose_name = _("unanswered bot question")
        verbose_name_plural = _("unanswered bot questions (hot topics)")


class ArticlePublication(models.Model):
    """An announcement or security alert pushed to an official channel (the Telegram channel, other accounts
    through tickets.connectors): when, by whom, and the send with its provider id and failures."""

    article = models.ForeignKey(
        Article, verbose_name=_("article"), on_delete=models.CASCADE, related_name="publications"
    )
    connector = models.CharField(_("channel"), max_length=32)
    target = models.CharField(_("published to"), max_length=128)
    outbound = models.OneToOneField(
        "tickets.OutboundChannelMessage",
        verbose_name=_("send"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("pushed by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("pushed"), default=timezone.now, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("channel publication")
        verbose_name_plural = _("channel publications")

    def __str__(self) -> str:
        return f"{self.article} → {self.connector} {self.target}"


# Status notices live in their own module (this one is at its size limit); importing them here registers them.
from knowledge.status_notices import NoticeSeverity, StatusNotice  # noqa: E402, F401
