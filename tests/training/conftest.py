from datetime import date

import pytest
from dateutil.relativedelta import relativedelta
from django.utils import timezone

from tests.training.ratings import rate
from training.services import award_confirm


@pytest.fixture
def small_awards(settings):
    """Award places a handful of rated answers can reach."""
    settings.TRAINING_AWARD_MIN_RESPONSES = 4
    settings.TRAINING_AWARD_PLACES = 2
    settings.FEEDBACK_TOP_PERFORMER_CSAT = 75


@pytest.fixture
def month() -> date:
    """Last month: finished, so its awards can be confirmed."""
    return timezone.localdate().replace(day=1) - relativedelta(months=1)


@pytest.fixture
def ranked_month(month, agent, other_agent, teammate):
    """agent 100 % on 5 answers; other_agent 80 % (4 of 5); teammate 100 % but only 3 answers."""
    rate(agent, month, happy=5)
    rate(other_agent, month, happy=4, unhappy=1)
    rate(teammate, month, happy=3)
    rate(other_agent, month - relativedelta(months=1), happy=10)  # the month before does not count
    return month


@pytest.fixture
def award(ranked_month, agent, supervisor):
    confirmed, _created = award_confirm(agent=agent, month=ranked_month, actor=supervisor, citation="Best month")
    return confirmed
