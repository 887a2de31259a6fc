"""Suggestions of a category and team for a ticket's text, for the triage queue.

The desk asks the classifier named by the TICKETS_CLASSIFIER setting (a dotted path to a class with
``suggest(*, text, language) -> ClassifierSuggestion | None``). The keyword classifier here scores
the active keyword rules' phrases; a trained model can replace it later behind the same interface.
A suggestion is advice for the triage agent: it is recorded on the ticket's "created" event, never applied.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

from tickets.models import Category, KeywordRule, Team


@dataclass(frozen=True)
class ClassifierSuggestion:
    category: Category
    team: Team | None
    score: float


class TicketClassifier(Protocol):
    def suggest(self, *, text: str, language: str) -> ClassifierSuggestion | None: ...


class KeywordClassifier:
    """The category whose rules' phrases occur most often in the text (ties: the earlier rule)."""

    def suggest(self, *, text: str, language: str) -> ClassifierSuggestion | None:
        from tickets.services.routing import team_for

        folded = text.casefold()
        scores: dict[int, tuple[int, Category]] = {}
        for rule in KeywordRule.objects.active().filter(category__isnull=False):
            hits = sum(folded.count(phrase) for phrase in rule.phrases())
            if hits:
                best = scores.get(rule.category_id, (0, rule.category))
                scores[rule.category_id] = (best[0] + hits, rule.category)
        if not scores:
            return None
        hits, category = max(scores.values(), key=lambda pair: pair[0])
        total = sum(pair[0] for pair in scores.values())
        return ClassifierSuggestion(
            category=category, team=team_for(category=category, language=language), score=hits / total
        )


@cache
def _classifier_class(path: str) -> type:
    return import_string(path)


def ticket_classifier() -> TicketClassifier:
    return _classifier_class(settings.TICKETS_CLASSIFIER)()
