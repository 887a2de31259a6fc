"""Help-centre search on both databases.

PostgreSQL: full-text search over the stored ArticleTranslation.search_vector
(GIN index translation_search_gin), ranked by ts_rank with the title weighted
above the body. Callers first ask for articles containing every term (few rows,
fast) and then for any term, so a question phrased differently from the
article still matches. SQLite (development): LIKE matching of the same terms,
ranked by how many terms hit the title (3 points) or the body (1 point).
Both use knowledge.text.query_terms, so Chinese is matched by character bigrams.
"""

from __future__ import annotations

import operator
from functools import reduce

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import Case, F, FloatField, Q, QuerySet, Value, When

from knowledge.models import ArticleTranslation, translation_search_vector
from knowledge.text import is_han


def refresh_search_vectors(queryset: QuerySet[ArticleTranslation]) -> None:
    """Recompute the stored search vector of these translations (PostgreSQL; SQLite has no vector)."""
    if connection.vendor == "postgresql":
        queryset.update(search_vector=translation_search_vector())


def search_vector_from_text(search_title: str, search_body: str) -> SearchVector | None:
    """The value of search_vector for rows written in bulk (computed at INSERT; None on SQLite)."""
    if connection.vendor != "postgresql":
        return None
    return SearchVector(Value(search_title), weight="A", config="english") + SearchVector(
        Value(search_body), weight="B", config="english"
    )


def matching_translations(
    queryset: QuerySet[ArticleTranslation], terms: list[str], *, require_all: bool = False
) -> QuerySet[ArticleTranslation]:
    """`queryset` narrowed to translations matching any (or, with require_all, every) term, annotated with `rank`.

    `terms` must not be empty (knowledge.text.query_terms of a non-blank query).
    """
    combine = operator.and_ if require_all else operator.or_
    if connection.vendor == "postgresql":
        return _postgresql(queryset, terms, combine)
    return _like(queryset, terms, combine)


def _postgresql(queryset: QuerySet, terms: list[str], combine) -> QuerySet:
    def term_query(term: str) -> SearchQuery:
        if is_han(term) and len(term) == 1:
            # One Han character: a prefix of the indexed bigrams (the term is a single letter, safe as raw).
            return SearchQuery(f"{term}:*", search_type="raw", config="english")
        return SearchQuery(term, search_type="plain", config="english")

    query = reduce(combine, (term_query(term) for term in terms))
    return queryset.filter(search_vector=query).annotate(rank=SearchRank(F("search_vector"), query))


def _like(queryset: QuerySet, terms: list[str], combine) -> QuerySet:
    def points(lookup: str, term: str, weight: float) -> Case:
        return Case(When(**{lookup: term}, then=Value(weight)), default=Value(0.0), output_field=FloatField())

    per_term = [
        Q(title__icontains=term) | Q(body__icontains=term) | Q(transcript__icontains=term) | Q(summary__icontains=term)
        for term in terms
    ]
    matches = reduce(combine, per_term)
    rank = reduce(
        operator.add,
        [points("title__icontains", term, 3.0) + points("body__icontains", term, 1.0) for term in terms],
    )
    return queryset.filter(matches).annotate(rank=rank)
