"""Back office of the help centre: categories, articles with translations, bot transcripts, deflections.

Saves and status moves go through knowledge.services; the macro admin and the
ticket-page reply tools live in knowledge.admin_macros.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.http import HttpRequest, JsonResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from knowledge import selectors, services
from knowledge.admin_inlines import save_inline_formset
from knowledge.admin_macros import MacroAdmin  # noqa: F401 - registers the macro admin
from knowledge.admin_status import StatusNoticeAdmin  # noqa: F401 - registers the status notice admin
from knowledge.models import (
    FALLBACK_LANGUAGE,
    Article,
    ArticlePublication,
    ArticleStatus,
    ArticleTranslation,
    BotConversation,
    BotMessage,
    DeflectionEvent,
    HelpCategory,
    UnansweredQuestion,
)
from knowledge.search import matching_translations
from knowledge.text import query_terms
from supportdesk.kit.admin_actions import ReadOnlyAdminMixin, error_text
from supportdesk.kit.admin_forms import SafeAutocompleteMixin, TranslationsField


@admin.register(HelpCategory)
class HelpCategoryAdmin(SafeAutocompleteMixin, admin.ModelAdmin):
    list_display = ["name", "slug", "parent", "position", "is_active", "published_articles"]
    list_select_related = ["parent"]
    list_filter = ["is_active"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["parent"]
    ordering = ["parent__id", "position", "name"]
    formfield_overrides = {models.JSONField: {"form_class": TranslationsField}}

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        published = Article.objects.filter(category=OuterRef("pk"), status=ArticleStatus.PUBLISHED)
        counted = published.order_by().values("category").annotate(n=Count("pk")).values("n")
        return super().get_queryset(request).annotate(published_count=Subquery(counted))

    @admin.display(description=_("published articles"), ordering="published_count")
    def published_articles(self, obj: HelpCategory) -> int:
        return obj.published_count or 0

    def save_model(self, request, obj, form, change) -> None:
        services.help_category_save(category=obj, actor=request.user)


class ArticleTranslationForm(forms.ModelForm):
    class Meta:
        model = ArticleTranslation
        fields = ["language", "title", "summary", "body", "transcript"]
        widgets = {
            "body": forms.Textarea(attrs={"rows": 14, "cols": 100}),
            "transcript": forms.Textarea(attrs={"rows": 4, "cols": 100}),
        }


class ArticleTranslationFormSet(forms.BaseInlineFormSet):
    def clean(self) -> None:
        super().clean()
        published = self.instance.pk is not None and self.instance.status == ArticleStatus.PUBLISHED
        for form in self.deleted_forms:
            if published and form.instance.pk is not None and form.instance.language == FALLBACK_LANGUAGE:
                raise ValidationError(_("The English translation of a published article cannot be deleted."))


class ArticleTranslationInline(admin.StackedInline):
    model = ArticleTranslation
    form = ArticleTranslationForm
    formset = ArticleTranslationFormSet
    extra = 0
    min_num = 1
    fields = ["language", "title", "summary", "body", "transcript"]


class ArticleAdminForm(forms.ModelForm):
    video_url = forms.URLField(
        label=Article._meta.get_field("video_url").verbose_name,
        help_text=Article._meta.get_field("video_url").help_text,
        required=False,
        assume_scheme="https",
    )

    class Meta:
        model = Article
        fields = ["slug", "kind", "category", "tags", "video_url", "pinned_until"]

    def clean(self) -> dict:
        cleaned = super().clean()
        try:
            services.validate_article(
                kind=cleaned.get("kind", ""),
                video_url=cleaned.get("video_url", ""),
                pinned_until=cleaned.get("pinned_until"),
            )
        except ValidationError as error:
            for field, errors in error.error_dict.items():
                for item in errors:
                    self.add_error(field, item)
        return cleaned


@admin.register(Article)
class ArticleAdmin(SafeAutocompleteMixin, admin.ModelAdmin):
    form = ArticleAdminForm
    inlines = [ArticleTranslationInline]
    list_display = [
        "english_title", "kind", "status", "category", "language_count", "author", "published_at",
        "helpful_count", "not_helpful_count",
    ]  # fmt: skip
    list_select_related = ["category", "author"]
    list_filter = ["status", "kind", "category", "translations__language"]
    search_fields = ["slug"]
    search_help_text = _("Words in any language of the title or text (full-text), or the slug.")
    autocomplete_fields = ["category", "tags"]
    date_hierarchy = "published_at"
    show_full_result_count = False
    readonly_fields = [
        "status", "author", "reviewed_by", "published_at", "helpful_count", "not_helpful_count", "channel_publications",
    ]  # fmt: skip
    fieldsets = [
        (None, {"fields": ["slug", ("kind", "category"), "tags"]}),
        (_("Video tutorial"), {"fields": ["video_url"]}),
        (_("Portal home"), {"fields": ["pinned_until"]}),
        (_("Workflow"), {"fields": [("status", "published_at"), ("author", "reviewed_by"),
                                    ("helpful_count", "not_helpful_count")]}),
        (_("Official channels"), {"fields": ["channel_publications"]}),
    ]  # fmt: skip
    actions = ["submit_for_review", "publish", "archive", "back_to_draft", "push_to_channels"]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        english = ArticleTranslation.objects.filter(article=OuterRef("pk"), language=FALLBACK_LANGUAGE)
        languages = (
            ArticleTranslation.objects.filter(article=OuterRef("pk"))
            .order_by()
            .values("article")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return (
            super()
            .get_queryset(request)
            .annotate(english_title_value=Subquery(english.values("title")[:1]), languages_value=Subquery(languages))
        )

    def get_search_results(self, request, queryset, search_term):
        terms = query_terms(search_term)
        if not terms:
            return super().get_search_results(request, queryset, search_term)
        hits = matching_translations(ArticleTranslation.objects.all(), terms).values("article_id")
        by_slug, _duplicates = super().get_search_results(request, queryset, search_term)
        return queryset.filter(pk__in=hits) | by_slug, False

    @admin.display(description=_("title (English)"), ordering="english_title_value")
    def english_title(self, obj: Article) -> str:
        return obj.english_title_value or obj.slug

    @admin.display(description=_("pushed to"))
    def channel_publications(self, obj: Article) -> str:
        """Where the Push to the official channels action sent this article: when, by whom, and how it went."""
        publications = (
            ArticlePublication.objects.filter(article_id=obj.pk).select_related("outbound", "published_by")
            if obj.pk
            else []
        )
        rows = format_html_join(
            "",
            "<li>{} · {} {} · {} · {}{}</li>",
            (
                (
                    date_format(timezone.localtime(publication.created_at), "SHORT_DATETIME_FORMAT"),
                    publication.connector,
                    publication.target,
                    publication.published_by,
                    publication.outbound.get_status_display(),
                    f" ({publication.outbound.provider_message_id or publication.outbound.last_error})"
                    if publication.outbound.provider_message_id or publication.outbound.last_error
                    else "",
                )
                for publication in publications
            ),
        )
        return format_html("<ul>{}</ul>", rows) if rows else "–"

    @admin.display(description=_("languages"), ordering="languages_value")
    def language_count(self, obj: Article) -> int:
        return obj.languages_value or 0

    # Saving through services ---------------------------------------------------

    def save_model(self, request, obj, form, change) -> None:
        services.article_save(article=obj, actor=request.user, tags=form.cleaned_data.get("tags"))

    def save_related(self, request, form, formsets, change) -> None:
        # Tags were set by article_save; translations go through save_formset.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def save_formset(self, request, form, formset, change) -> None:
        save_inline_formset(
            formset,
            parent=form.instance,
            save=lambda translation: services.article_translation_save(translation=translation, actor=request.user),
            delete=lambda translation: services.article_translation_delete(translation=translation, actor=request.user),
        )

    # Workflow actions -------------------------------------------------------------

    def has_publish_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("knowledge.publish_article")

    def _move(self, request, queryset, status: str) -> None:
        done, failures = 0, []
        for article in queryset:
            try:
                services.article_change_status(article=article, status=status, actor=request.user)
                done += 1
            except (ValidationError, PermissionDenied) as error:
                failures.append(f"{article.slug}: {error_text(error)}")
        if done:
            label = ArticleStatus(status).label
            message = ngettext(
                "%(count)d article moved to %(status)s.", "%(count)d articles moved to %(status)s.", done
            )
            self.message_user(request, message % {"count": done, "status": label}, messages.SUCCESS)
        for failure in failures:
            self.message_user(request, failure, messages.ERROR)

    @admin.action(description=_("Submit for review"), permissions=["change"])
    def submit_for_review(self, request, queryset) -> None:
        self._move(request, queryset, ArticleStatus.IN_REVIEW)

    @admin.action(description=_("Publish (reviewed)"), permissions=["publish"])
    def publish(self, request, queryset) -> None:
        self._move(request, queryset, ArticleStatus.PUBLISHED)

    @admin.action(description=_("Archive"), permissions=["publish"])
    def archive(self, request, queryset) -> None:
        self._move(request, queryset, ArticleStatus.ARCHIVED)

    @admin.action(description=_("Back to draft"), permissions=["change"])
    def back_to_draft(self, request, queryset) -> None:
        self._move(request, queryset, ArticleStatus.DRAFT)

    @admin.action(description=_("Push to the official channels (Telegram…)"), permissions=["publish"])
    def push_to_channels(self, request, queryset) -> None:
        for article in queryset:
            try:
                publications = services.article_push_to_channels(article=article, actor=request.user)
            except (ValidationError, PermissionDenied) as error:
                self.message_user(request, f"{article.slug}: {error_text(error)}", messages.ERROR)
                continue
            targets = ", ".join(f"{publication.connector} {publication.target}" for publication in publications)
            self.message_user(
                request, _("%(article)s queued for %(targets)s.") % {"article": article.slug, "targets": targets}
            )

    # Article links for replies ---------------------------------------------------------

    def get_urls(self):
        return [
            path("link-search/", self.admin_site.admin_view(self.link_search), name="knowledge_article_link_search"),
            *super().get_urls(),
        ]

    def link_search(self, request: HttpRequest) -> JsonResponse:
        """Published articles for the "insert article link" box of a reply, with absolute portal URLs."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        language = request.GET.get("language") or FALLBACK_LANGUAGE
        cards = selectors.article_search(request.GET.get("q", "")[:200], language, limit=8)
        return JsonResponse(
            {
                "results": [
                    {
                        "title": card.translation.title,
                        "language": card.translation.language,
                        "url": request.build_absolute_uri(reverse("knowledge:article", args=[card.article.slug])),
                    }
                    for card in cards
                ]
            }
        )


class BotMessageInline(admin.TabularInline):
    model = BotMessage
    fields = ["created_at", "role", "text", "article", "confidence", "answered", "helpful"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("article")


@admin.register(BotConversation)
class BotConversationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Stored bot transcripts (read-only): what customers asked and what they were answered."""

    list_display = ["created_at", "user", "language", "message_count", "handoff_ticket", "updated_at"]
    list_select_related = ["user", "handoff_ticket"]
    list_filter = [
        "language",
        ("handoff_ticket", admin.EmptyFieldListFilter),
        ("created_at", admin.DateFieldListFilter),
    ]
    search_fields = ["messages__text", "user__email", "handoff_email"]
    date_hierarchy = "created_at"
    show_full_result_count = False
    inlines = [BotMessageInline]
    readonly_fields = [
        "token",
        "user",
        "language",
        "handoff_ticket",
        "handoff_email",
        "handoff_name",
        "handoff_requested_at",
        "handoff_confirmed_at",
        "created_at",
        "updated_at",
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        counted = BotMessage.objects.filter(conversation=OuterRef("pk")).order_by().values("conversation")
        return (
            super().get_queryset(request).annotate(messages_value=Subquery(counted.annotate(n=Count("pk")).values("n")))
        )

    @admin.display(description=_("messages"), ordering="messages_value")
    def message_count(self, obj: BotConversation) -> int:
        return obj.messages_value or 0


@admin.register(UnansweredQuestion)
class UnansweredQuestionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Questions the bot could not answer (or whose answer did not help): candidates for new articles."""

    list_display = ["text", "conversation_language", "created_at", "conversation_link"]
    list_select_related = ["conversation"]
    list_filter = ["conversation__language", ("created_at", admin.DateFieldListFilter)]
    search_fields = ["text"]
    date_hierarchy = "created_at"
    show_full_result_count = False
    change_list_template = "admin/knowledge/unansweredquestion/change_list.html"

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return UnansweredQuestion.objects.unanswered_questions().select_related("conversation")

    @admin.display(description=_("language"), ordering="conversation__language")
    def conversation_language(self, obj: UnansweredQuestion) -> str:
        return obj.conversation.get_language_display()

    @admin.display(description=_("conversation"))
    def conversation_link(self, obj: UnansweredQuestion):
        url = reverse("admin:knowledge_botconversation_change", args=[obj.conversation_id])
        return format_html('<a href="{}">{}</a>', url, _("transcript"))

    def changelist_view(self, request, extra_context=None):
        hot = (
            UnansweredQuestion.objects.unanswered_questions()
            .order_by()
            .values("text")
            .annotate(times=Count("pk"))
            .filter(times__gt=1)
            .order_by("-times", "text")[:10]
        )
        return super().changelist_view(request, extra_context={"hot_topics": list(hot), **(extra_context or {})})


@admin.register(DeflectionEvent)
class DeflectionEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Suggestions opened while writing a request: the help centre's deflection, article by article."""

    list_display = ["created_at", "query", "article", "user"]
    list_select_related = ["article", "user"]
    list_filter = [("created_at", admin.DateFieldListFilter)]
    search_fields = ["query", "article__slug"]
    date_hierarchy = "created_at"
    show_full_result_count = False
