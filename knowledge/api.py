"""Public REST API of the help centre (/api/v1/articles/): read-only, anonymous allowed, throttled per IP.

Only published articles are ever reachable (knowledge.selectors); each is shown
in the reader's language — `?language=` first, else Accept-Language — or in
English, flagged with `is_fallback`.
"""

from __future__ import annotations

from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.pagination import CursorPagination
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from knowledge import selectors
from knowledge.models import FALLBACK_LANGUAGE, ArticleKind
from knowledge.selectors import ArticleCard
from supportdesk.kit.api_schema import ERROR_RESPONSES, paginated
from supportdesk.kit.choices import LANGUAGE_CHOICES

SEARCH_LIMIT = 25


class ArticleCursorPagination(CursorPagination):
    ordering = ("-published_at", "-id")
    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 100


class LanguageInput(serializers.Serializer):
    language = serializers.ChoiceField(choices=LANGUAGE_CHOICES, required=False)


class ArticleQueryInput(LanguageInput):
    category = serializers.SlugField(required=False, help_text=_("Help category slug (includes its sub-categories)."))
    kind = serializers.ChoiceField(choices=ArticleKind.choices, required=False)
    q = serializers.CharField(
        required=False,
        max_length=200,
        help_text=_("Search words: returns the best matches ranked, in one page (no further cursor)."),
    )


class HelpCategoryOutput(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()


class ArticleOutput(serializers.Serializer):
    slug = serializers.CharField(source="article.slug")
    kind = serializers.ChoiceField(choices=ArticleKind.choices, source="article.kind")
    category = serializers.SerializerMethodField()
    title = serializers.CharField(source="translation.title")
    summary = serializers.CharField(source="translation.summary")
    language = serializers.CharField(source="translation.language", help_text=_("Language of the text returned."))
    is_fallback = serializers.BooleanField(help_text=_("True when the requested language is missing: English."))
    published_at = serializers.DateTimeField(source="article.published_at")
    updated_at = serializers.DateTimeField(source="translation.updated_at")

    @extend_schema_field(HelpCategoryOutput)
    def get_category(self, card: ArticleCard) -> dict:
        category = card.article.category
        return HelpCategoryOutput({"slug": category.slug, "name": category.label(self.context["language"])}).data


class ArticleDetailOutput(ArticleOutput):
    body = serializers.CharField(source="translation.body", help_text=_("Markdown source."))
    body_html = serializers.CharField(source="translation.body_html", help_text=_("Rendered and sanitised HTML."))
    transcript = serializers.CharField(source="translation.transcript")
    video_url = serializers.CharField(source="article.video_url")
    helpful_count = serializers.IntegerField(source="article.helpful_count")
    not_helpful_count = serializers.IntegerField(source="article.not_helpful_count")


def _language(request, requested: str | None) -> str:
    if requested:
        return requested
    return translation.get_language_from_request(request._request) or FALLBACK_LANGUAGE


LANGUAGE_PARAMETERS = [
    OpenApiParameter(
        "language",
        str,
        OpenApiParameter.QUERY,
        enum=[code for code, _name in LANGUAGE_CHOICES],
        description=_("Wins over Accept-Language; missing translations fall back to English."),
    ),
    OpenApiParameter("Accept-Language", str, OpenApiParameter.HEADER, required=False),
]


def _negotiated(response: Response, language: str) -> Response:
    response["Content-Language"] = language
    patch_vary_headers(response, ["Accept-Language"])
    return response


class ArticleListApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="articles_list",
        auth=[],
        parameters=[
            *LANGUAGE_PARAMETERS,
            OpenApiParameter("category", str, OpenApiParameter.QUERY, description=_("Help category slug.")),
            OpenApiParameter("kind", str, OpenApiParameter.QUERY, enum=ArticleKind.values),
            OpenApiParameter("q", str, OpenApiParameter.QUERY, description=_("Search words (ranked, one page).")),
        ],
        responses={200: paginated(ArticleOutput), **ERROR_RESPONSES},
        description=_("Published help-centre articles, newest first, or the best matches of a search."),
    )
    def get(self, request):
        query = ArticleQueryInput(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        language = _language(request, params.get("language"))
        category = selectors.category_for_customer(params["category"]) if params.get("category") else None
        context = {"language": language}
        if params.get("q", "").strip():
            cards = selectors.article_search_in(
                params["q"], language, category=category, kind=params.get("kind", ""), limit=SEARCH_LIMIT
            )
            body = {"next": None, "previous": None, "results": ArticleOutput(cards, many=True, context=context).data}
            return _negotiated(Response(body), language)
        articles = selectors.published_articles(language, category=category, kind=params.get("kind", ""))
        paginator = ArticleCursorPagination()
        page = paginator.paginate_queryset(articles, request, view=self)
        cards = selectors.article_cards(page, language)
        response = paginator.get_paginated_response(ArticleOutput(cards, many=True, context=context).data)
        return _negotiated(response, language)


class ArticleDetailApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="articles_retrieve",
        auth=[],
        parameters=LANGUAGE_PARAMETERS,
        responses={200: ArticleDetailOutput, **ERROR_RESPONSES},
    )
    def get(self, request, slug: str):
        query = LanguageInput(data=request.query_params)
        query.is_valid(raise_exception=True)
        language = _language(request, query.validated_data.get("language"))
        card = selectors.article_for_customer(slug, language)
        return _negotiated(Response(ArticleDetailOutput(card, context={"language": language}).data), language)
