"""Help-centre search on both databases.

PostgreSQL: full-text search over the stored ArticleTranslation.search_vector
(GIN index translation_search_gin), ranked by ts_rank with the title weighted
above the body. SQLite (the zero-setup default): the FTS5 index of migration
0011 over the same search text, ranked by bm25 with the title weighted 3 to 1.
Both use knowledge.text.query_terms, so Chinese is matched by character bigrams.

Matching asks for translations containing at least `min_terms` of the terms:
callers start with every term (few rows, fast) and relax one term at a time,
so a question phrased differently from the article still matches without
ranking every translation that shares one common word with it (ranking is the
expensive part on PostgreSQL). "At least k of n" is the OR of the AND of each
k-term combination, so it is only offered while that stays small
(at_least_query_size). A pass can also be capped: it then ranks at most
`max_candidates` matching translations (in storage order), which bounds the
loosest pass on a large help centre and changes nothing on a small one.
"""

from __future__ import annotations

from itertools import combinations
from math import comb

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import F, QuerySet, Value
from django.db.models.expressions import RawSQL

from knowledge.models import ArticleTranslation, translation_search_vector, translation_title_vector
from knowledge.text import is_han

# The SQLite full-text index (migration 0011), kept in step with ArticleTranslation by triggers.
FTS5_TABLE = "knowledge_translation_fts"


def refresh_search_vectors(queryset: QuerySet[ArticleTranslation]) -> None:
    """Recompute the stored search vectors of these translations (PostgreSQL; SQLite has none)."""
    if connection.vendor == "postgresql":
        queryset.update(search_vector=translation_search_vector(), title_vector=translation_title_vector())


def search_vectors_from_text(search_title: str, search_body: str) -> dict[str, SearchVector | None]:
    """search_vector and title_vector for rows written in bulk (computed at INSERT; None on SQLite)."""
    if connection.vendor != "postgresql":
        return {"search_vector": None, "title_vector": None}
    return {
        "search_vector": SearchVector(Value(search_title), weight="A", config="english")
        + SearchVector(Value(search_body), weight="B", config="english"),
        "title_vector": SearchVector(Value(search_title), config="english"),
    }


def at_least_query_size(term_count: int, min_terms: int) -> int:
    """How many AND-clauses "at least min_terms of term_count terms" takes (1 for all terms or any term)."""
    if min_terms in (1, term_count):
        return 1
    return comb(term_count, min_terms)


def matching_translations(
    queryset: QuerySet[ArticleTranslation],
    terms: list[str],
    *,
    min_terms: int = 1,
    in_title: bool = False,
    max_candidates: int | None = None,
) -> QuerySet[ArticleTranslation]:
    """`queryset` narrowed to translations containing at least `min_terms` of the terms, annotated with `rank`.

    `terms` must not be empty (knowledge.text.query_terms of a non-blank query); min_terms=1 means any term,
    min_terms=len(terms) every term. With `in_title` only the title is matched (the rank still weighs all);
    with `max_candidates` at most that many matches are ranked.
    """
    min_terms = max(1, min(min_terms, len(terms)))
    if connection.vendor != "postgresql":
        expression = _fts5_expression(terms, min_terms, in_title)
        if max_candidates is not None:
            queryset = ArticleTranslation.objects.filter(
                pk__in=_fts5(queryset, expression).values("pk")[:max_candidates]
            )
        return _fts5(queryset, expression)
    matches, query = _postgresql(queryset, terms, min_terms, in_title)
    if max_candidates is not None:
        matches = ArticleTranslation.objects.filter(pk__in=matches.values("pk")[:max_candidates])
    return matches.annotate(rank=SearchRank(F("search_vector"), query))


def _postgresql(queryset: QuerySet, terms: list[str], min_terms: int, in_title: bool) -> tuple[QuerySet, SearchQuery]:
    """One to_tsquery over the whole boolean expression: PostgreSQL normalises each operand (stems English words,
    drops stopwords), and the SQL stays one parameter however many AND-clauses "at least k" takes."""

    def operand(term: str) -> str:
        # query_terms yields only letters, digits and Han runs: quoted, nothing in them is tsquery syntax.
        # One Han character matches as a prefix of the indexed bigrams.
        return f"'{term}':*" if is_han(term) and len(term) == 1 else f"'{term}'"

    operands = [operand(term) for term in terms]
    if min_terms == 1:
        expression = " | ".join(operands)
    else:
        expression = " | ".join(f"({' & '.join(group)})" for group in combinations(operands, min_terms))
    query = SearchQuery(expression, search_type="raw", config="english")
    return (queryset.filter(title_vector=query) if in_title else queryset.filter(search_vector=query)), query


def _fts5_expression(terms: list[str], min_terms: int, in_title: bool) -> str:
    """The FTS5 query: "at least min_terms of the terms", optionally in the title column only."""

    def operand(term: str) -> str:
        # query_terms yields only letters, digits and Han runs: quoted, nothing in them is FTS5 syntax.
        # One Han character matches as a prefix of the indexed bigrams.
        return f'"{term}"*' if is_han(term) and len(term) == 1 else f'"{term}"'

    operands = [operand(term) for term in terms]
    if min_terms == 1:
        expression = " OR ".join(operands)
    else:
        expression = " OR ".join(f"({' AND '.join(group)})" for group in combinations(operands, min_terms))
    return f"search_title : ({expression})" if in_title else expression


def _fts5(queryset: QuerySet, expression: str) -> QuerySet:
    """`queryset` joined to its FTS5 matches, with `rank` (higher is better: bm25 is lower for better matches)."""
    # Constant SQL; the user's words are only ever the MATCH parameter. The join goes through filter(pk=...)
    # so that Django names the translation table itself (it is aliased when this queryset is a subquery).
    matches = queryset.extra(  # noqa: S610
        select={"rank": f"-bm25({FTS5_TABLE}, 3.0, 1.0)"},
        tables=[FTS5_TABLE],
        where=[f"{FTS5_TABLE} MATCH %s"],
        params=[expression],
    )
    return matches.filter(pk=RawSQL(f"{FTS5_TABLE}.rowid", ()))  # noqa: S611
