"""Reads of the help centre, macros and bot.

Everything a customer can reach starts from Article.objects.published(): a
draft, in-review or archived article is simply not found (404), whatever the
URL. Articles are shown in the reader's language, falling back to English
with a notice (ArticleCard.is_fallback).

Entry points for the portal (issue 4) after merge:
- pinned_notices(language) → security alerts and announcements for the portal home;
- article_search(query, language, limit) → the home search box;
- /portal/help/suggest?q= (knowledge.portal.suggest) → deflection suggestions
  while the customer types a subject; knowledge.services.deflection_record
  stores a suggestion opened instead of submitting.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from knowledge.models import (
    FALLBACK_LANGUAGE,
    Article,
    ArticleKind,
    ArticleStatus,
    ArticleTranslation,
    ArticleVote,
    BotConversation,
    BotMessage,
    HelpCategory,
    Macro,
    MacroVariant,
)
from knowledge.search import at_least_query_size, matching_translations
from knowledge.text import is_han, query_terms
from tickets.language import chinese_script, detect_language


@dataclass(frozen=True)
class ArticleCard:
    article: Article
    translation: ArticleTranslation
    is_fallback: bool
    rank: float = 0.0


def _languages(language: str) -> list[str]:
    return [language] if language == FALLBACK_LANGUAGE else [language, FALLBACK_LANGUAGE]


def _with_translations(queryset: QuerySet[Article], language: str) -> QuerySet[Article]:
    """Articles with their category and the reader's (and the English) translation in one more query."""
    translations = ArticleTranslation.objects.filter(language__in=_languages(language)).defer(
        "search_title", "search_body"
    )
    return queryset.select_related("category").prefetch_related(
        Prefetch("translations", queryset=translations, to_attr="candidate_translations")
    )


def _card(article: Article, language: str, rank: float = 0.0) -> ArticleCard | None:
    by_language = {translation.language: translation for translation in article.candidate_translations}
    translation = by_language.get(language) or by_language.get(FALLBACK_LANGUAGE)
    if translation is None:
        return None
    return ArticleCard(
        article=article, translation=translation, is_fallback=translation.language != language, rank=rank
    )


def article_cards(articles, language: str) -> list[ArticleCard]:
    return [card for card in (_card(article, language) for article in articles) if card is not None]


def pinned_notices(language: str, *, limit: int = 5) -> list[ArticleCard]:
    """Security alerts (first) and announcements pinned on the portal home that have not expired."""
    articles = _with_translations(Article.objects.pinned(), language).order_by("-kind", "-published_at", "-id")
    # "security_alert" sorts after "announcement": descending puts alerts first.
    return article_cards(articles[:limit], language)


# "At least k of the terms" is an OR of AND-clauses; longer queries skip the passes that would need more.
MAX_SEARCH_CLAUSES = 120


@dataclass(frozen=True)
class SearchPass:
    min_terms: int
    in_title: bool = False
    capped: bool = False


def search_passes(term_count: int) -> list[SearchPass]:
    """The passes of a search, strictest first; each runs only while the earlier ones found too few articles.

    Every term; one term fewer; any two terms; any term in a title; last any term anywhere,
    ranking at most settings.KNOWLEDGE_SEARCH_MAX_CANDIDATES translations, so a question
    sharing one common word with thousands of bodies does not rank them all.
    """
    strict = sorted(
        {
            min_terms
            for min_terms in (term_count, term_count - 1, 2)
            if 2 <= min_terms <= term_count and at_least_query_size(term_count, min_terms) <= MAX_SEARCH_CLAUSES
        },
        reverse=True,
    )
    return [*(SearchPass(min_terms) for min_terms in strict), SearchPass(1, in_title=True), SearchPass(1, capped=True)]


CHINESE = ("zh-hans", "zh-hant")
# A question of a few words in another desk language than the page's is searched in that language first;
# shorter ones (product names, "USDT fee") are too short to tell.
QUESTION_MIN_WORDS = 3
QUESTION_MIN_CONFIDENCE = 0.9


def search_language(terms: list[str], language: str) -> str:
    """The language whose articles answer first: the reader's, unless the question is plainly written in another.

    Chinese on a page in another language is answered from the Chinese articles of its script.
    """
    if any(is_han(term) for term in terms):
        return language if language in CHINESE else chinese_script(" ".join(terms))
    if len(terms) >= QUESTION_MIN_WORDS:
        detection = detect_language(" ".join(terms))
        if detection is not None and detection.confidence >= QUESTION_MIN_CONFIDENCE:
            return detection.language
    return language


def article_search(query: str, language: str, limit: int = 10) -> list[ArticleCard]:
    """Published articles matching `query`, best first, one card per article.

    Articles containing every word come first; only while there are fewer than
    `limit` of them are the looser passes of search_passes run (ranking a large
    any-word match set is the expensive part on PostgreSQL, and an article
    sharing more words with the question is the better answer).
    Searches the reader's translations and the English ones (an English
    product term still finds something); the reader's language wins a tie.
    """
    terms = query_terms(query)
    if not terms:
        return []
    language = search_language(terms, language)
    # A join on the article (not article__in=published()): the full-text match drives the query and each hit
    # checks its own article, instead of listing every published article first.
    candidates = ArticleTranslation.objects.filter(
        language__in=_languages(language),
        article__status=ArticleStatus.PUBLISHED,
        article__published_at__lte=timezone.now(),
    )
    best: dict[int, tuple[int, float]] = {}
    for strictness, search_pass in enumerate(search_passes(len(terms))):
        hits = matching_translations(
            candidates,
            terms,
            min_terms=search_pass.min_terms,
            in_title=search_pass.in_title,
            max_candidates=settings.KNOWLEDGE_SEARCH_MAX_CANDIDATES if search_pass.capped else None,
        )
        ranked = hits.values_list("article_id", "language", "rank").order_by("-rank", "article_id")[: limit * 2]
        for article_id, translation_language, rank in ranked:
            score = (-strictness, rank + (0.001 if translation_language == language else 0.0))
            best[article_id] = max(score, best.get(article_id, score))
        if len(best) >= limit:
            break
    order = sorted(best, key=lambda article_id: best[article_id], reverse=True)[:limit]
    articles = {article.pk: article for article in _with_translations(Article.objects.filter(pk__in=order), language)}
    cards = (
        _card(articles[article_id], language, best[article_id][1]) for article_id in order if article_id in articles
    )
    return [card for card in cards if card is not None]


def article_search_in(
    query: str, language: str, *, category: HelpCategory | None = None, kind: str = "", limit: int = 10
) -> list[ArticleCard]:
    """article_search's best `limit` matches, keeping those of the category tree (one level down) and kind."""
    return [
        card
        for card in article_search(query, language, limit)
        if (category is None or category.pk in (card.article.category_id, card.article.category.parent_id))
        and (not kind or card.article.kind == kind)
    ]


def help_categories(language: str) -> list[tuple[HelpCategory, int]]:
    """Active categories with their number of published articles, in tree order (parents before children)."""
    published = Article.objects.published().values("id")
    categories = HelpCategory.objects.filter(is_active=True).annotate(
        article_count=Count("articles", filter=Q(articles__in=published))
    )
    by_parent: dict[int | None, list[HelpCategory]] = {}
    for category in categories:
        by_parent.setdefault(category.parent_id, []).append(category)

    ordered: list[tuple[HelpCategory, int]] = []

    def walk(parent_id: int | None, depth: int) -> None:
        for category in by_parent.get(parent_id, []):
            ordered.append((category, depth))
            walk(category.pk, depth + 1)

    walk(None, 0)
    return ordered


def category_for_customer(slug: str) -> HelpCategory:
    try:
        return HelpCategory.objects.select_related("parent").get(slug=slug, is_active=True)
    except HelpCategory.DoesNotExist as error:
        raise Http404("No such category.") from error


def category_articles(category: HelpCategory, language: str) -> QuerySet[Article]:
    """Published articles of the category and its direct sub-categories (paginate the result)."""
    in_tree = Q(category=category) | Q(category__parent=category)
    return _with_translations(Article.objects.published().filter(in_tree), language).order_by("-published_at", "-id")


def published_articles(language: str, *, category: HelpCategory | None = None, kind: str = "") -> QuerySet[Article]:
    """Published articles with the reader's translations, optionally of one category tree and kind (paginate it)."""
    articles = Article.objects.published()
    if category is not None:
        articles = articles.filter(Q(category=category) | Q(category__parent=category))
    if kind:
        articles = articles.filter(kind=kind)
    return _with_translations(articles, language)


def popular_articles(language: str, *, limit: int = 8) -> list[ArticleCard]:
    articles = _with_translations(Article.objects.published().exclude(kind__in=[ArticleKind.ANNOUNCEMENT]), language)
    return article_cards(articles.order_by("-helpful_count", "-published_at")[:limit], language)


def article_for_customer(slug: str, language: str) -> ArticleCard:
    """A published article in the reader's language (or English), else Http404."""
    article = _with_translations(Article.objects.published().filter(slug=slug), language).first()
    card = _card(article, language) if article is not None else None
    if card is None:
        raise Http404("No such article.")
    return card


def related_articles(article: Article, language: str, *, limit: int = 5) -> list[ArticleCard]:
    """Published articles sharing a tag or the category, those sharing more tags first."""
    tag_ids = list(article.tags.values_list("id", flat=True))
    candidates = (
        Article.objects.published()
        .exclude(pk=article.pk)
        .filter(Q(category_id=article.category_id) | Q(tags__in=tag_ids))
        .annotate(shared_tags=Count("tags", filter=Q(tags__in=tag_ids), distinct=True))
        .order_by("-shared_tags", "-helpful_count", "-published_at", "-id")
    )
    return article_cards(_with_translations(candidates, language)[:limit], language)


# Macros -------------------------------------------------------------------------


def macros_for(*, user, query: str = "", limit: int = 50) -> list[Macro]:
    """Macros the agent may apply, most used first, optionally filtered by title."""
    macros = Macro.objects.usable_by(user).select_related("team", "set_category").prefetch_related("add_tags")
    if query.strip():
        macros = macros.filter(title__icontains=query.strip())
    return list(macros.order_by("-usage_count", "title")[:limit])


def macro_for_user(*, user, pk) -> Macro:
    try:
        return Macro.objects.usable_by(user).select_related("set_category").prefetch_related("add_tags").get(pk=pk)
    except (Macro.DoesNotExist, ValueError, TypeError) as error:
        raise Http404("No such macro.") from error


def macro_variant(macro: Macro, language: str) -> MacroVariant | None:
    variants = {variant.language: variant for variant in macro.variants.all()}
    return variants.get(language) or variants.get(FALLBACK_LANGUAGE) or next(iter(variants.values()), None)


def visitor_vote(article: Article, *, user, session_key: str) -> bool | None:
    """The visitor's "was this helpful?" answer on the article, None if they have not voted."""
    if user.is_authenticated:
        votes = ArticleVote.objects.filter(article=article, user=user)
    elif session_key:
        votes = ArticleVote.objects.filter(article=article, user__isnull=True, session_key=session_key)
    else:
        return None
    return votes.values_list("helpful", flat=True).first()


def bot_transcript(conversation: BotConversation | None) -> list[BotMessage]:
    if conversation is None:
        return []
    return list(conversation.messages.select_related("article").order_by("created_at", "id"))


def bot_conversation_in_session(*, token: str | None, user) -> BotConversation | None:
    """The visitor's current conversation, if the session's token is theirs."""
    if not token:
        return None
    conversation = BotConversation.objects.filter(token=token).select_related("handoff_ticket").first()
    if conversation is None or conversation.user_id not in (None, user.pk if user.is_authenticated else None):
        return None
    return conversation
