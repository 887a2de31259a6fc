"""Survey answers in a given month, for the monthly top agents ranking."""

from datetime import date, datetime, time

from django.utils import timezone

from tests import factories


def _mid(month: date) -> datetime:
    return timezone.make_aware(datetime.combine(month.replace(day=15), time(12)))


def rate(agent, month: date, *, happy: int, unhappy: int = 0, unsolved: int = 0) -> None:
    """Answers sent in `month`: `happy` 5s and `unhappy` 2s on solved tickets, plus unsolved tickets rated 5."""
    factories.rated_answers(agent=agent, count=happy, overall=5, at=_mid(month))
    factories.rated_answers(agent=agent, count=unhappy, overall=2, at=_mid(month))
    factories.rated_answers(agent=agent, count=unsolved, overall=5, at=_mid(month), solved=False)
