"""Help-centre search on both databases.

PostgreSQL: full-text search over translation_search_vector() (GIN index
translation_search_gin), the query terms OR-ed so a question phrased
differently from the article still matches, ranked by ts_rank with the title
weighted above the body. SQLite (development): LIKE matching of the same terms,
ranked by how many terms hit the title (3 points) or the body (1 point).
Both use knowledge.text.query_terms, so Chinese is matched by character bigrams.
"""

from __future__ import annotations

import operator
from functools import reduce

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection
from django.db.models import Case, FloatField, Q, QuerySet, Value, When

from knowledge.models import ArticleTranslation, translation_search_vector
from knowledge.text import is_han


def matching_translations(queryset: QuerySet[ArticleTranslation], terms: list[str]) -> QuerySet[ArticleTranslation]:
    """`queryset` narrowed to translations matching any of (at least one) terms, annotated with `rank`."""
    if connection.vendor == "postgresql":
        return _postgresql(queryset, terms)
    return _like(queryset, terms)


def _postgresql(queryset: QuerySet, terms: list[str]) -> QuerySet:
    def term_query(term: str) -> SearchQuery:
        if is_han(term) and len(term) == 1:
            # One Han character: a prefix of the indexed bigrams (the term is a single letter, safe as raw).
            return SearchQuery(f"{term}:*", search_type="raw", config="english")
        return SearchQuery(term, search_type="plain", config="english")

    query = reduce(operator.or_, (term_query(term) for term in terms))
    vector = translation_search_vector()
    return queryset.annotate(document=vector).filter(document=query).annotate(rank=SearchRank(vector, query))


def _like(queryset: QuerySet, terms: list[str]) -> QuerySet:
    def points(lookup: str, term: str, weight: float) -> Case:
        return Case(When(**{lookup: term}, then=Value(weight)), default=Value(0.0), output_field=FloatField())

    in_body = [Q(body__icontains=term) | Q(transcript__icontains=term) | Q(summary__icontains=term) for term in terms]
    matches = reduce(operator.or_, [Q(title__icontains=term) for term in terms] + in_body)
    rank = reduce(
        operator.add,
        [points("title__icontains", term, 3.0) + points("body__icontains", term, 1.0) for term in terms],
    )
    return queryset.filter(matches).annotate(rank=rank)
