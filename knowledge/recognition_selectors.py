"""The monthly "top agents" ranking supervisors confirm as awards, built on feedback's agent scorecard.

How the ranking works (also explained on the page): over the surveys sent in the calendar
month, agents with at least TRAINING_AWARD_MIN_RESPONSES answers that rated the service
overall are ranked by CSAT (share of 4–5 overall ratings); equal CSAT is decided by the
number of tickets solved (created in the month, assigned to the agent). Agents equal on
both share a rank. The first TRAINING_AWARD_PLACES ranks can be confirmed as awards, if the
agent's CSAT is at least FEEDBACK_TOP_PERFORMER_CSAT (a small team's third place may be an agent
being coached, not rewarded).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from dateutil.relativedelta import relativedelta
from django.conf import settings

from feedback.reports import ReportFilters, ScorecardRow, agent_scorecard
from knowledge.training_models import AgentAward


def first_of_month(day: date) -> date:
    return day.replace(day=1)


def last_of_month(month: date) -> date:
    return first_of_month(month) + relativedelta(months=1, days=-1)


@dataclass(frozen=True)
class TopAgent:
    rank: int
    row: ScorecardRow
    award: AgentAward | None
    in_award_places: bool


@dataclass(frozen=True)
class TopAgents:
    month: date
    ranked: list[TopAgent]
    too_few_answers: int
    min_responses: int
    places: int
    min_csat: float

    def entry_for(self, agent_id: int) -> TopAgent | None:
        return next((entry for entry in self.ranked if entry.row.agent_id == agent_id), None)


def _ranking_key(row: ScorecardRow) -> tuple[float, int]:
    return (row.csat, row.solved)


def top_agents(*, month: date) -> TopAgents:
    """Ranked agents of a calendar month with their confirmed awards; six queries whatever the team size."""
    month = first_of_month(month)
    rows = agent_scorecard(ReportFilters(date_from=month, date_to=last_of_month(month)))
    minimum, places = settings.TRAINING_AWARD_MIN_RESPONSES, settings.TRAINING_AWARD_PLACES
    eligible = [row for row in rows if row.rated >= minimum and row.csat is not None]
    eligible.sort(key=lambda row: (-row.csat, -row.solved, row.name))
    awards = {award.agent_id: award for award in AgentAward.objects.filter(month=month).select_related("confirmed_by")}
    ranked: list[TopAgent] = []
    for position, row in enumerate(eligible, start=1):
        # Competition ranking ("1, 2, 2, 4"): equal CSAT and solved volume share the better rank.
        tied = ranked and _ranking_key(ranked[-1].row) == _ranking_key(row)
        rank = ranked[-1].rank if tied else position
        in_places = rank <= places and row.csat >= settings.FEEDBACK_TOP_PERFORMER_CSAT
        ranked.append(TopAgent(rank, row, awards.get(row.agent_id), in_award_places=in_places))
    return TopAgents(
        month=month,
        ranked=ranked,
        too_few_answers=sum(1 for row in rows if 0 < row.rated < minimum),
        min_responses=minimum,
        places=places,
        min_csat=settings.FEEDBACK_TOP_PERFORMER_CSAT,
    )
