"""Demo training for `make run`: courses, a little history, then the daily rules as the schedule runs them.

The courses are mandatory security basics (everyone, valid 12 months), communication skills
(mandatory for L1 General, coaches attitude), fast answers (coaches speed) and a DeFi quiz
(mandatory for L2 Technical). Past records go through training.services, which stamps
them today, so the demo then dates them back to when they happened. Then the real
training_run_rules() assigns what the schedule would: onboarding courses to the new agent, a
refresher to the agent whose certification expires soon, overdue marking, and — from the
survey answers devdata.demo.feedback seeds — the communication course to the agent rated poorly on
attitude (reason low_rating). Last, the supervisor confirms last month's award for the agent
ranked first on the "top agents" page (training.services.award_confirm), leaving the other
ranked agents for the demo's supervisor to confirm.

Idempotent: courses are looked up by title, a past record is only added for an agent who never
had that course, the rules assign nothing twice and an award is confirmed only once. Called from
devdata.demo.seed_demo.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from dateutil.relativedelta import relativedelta
from django.contrib.auth.models import Group
from django.utils import timezone

from knowledge.models import Article
from supportdesk.roles import AGENT
from tickets.models import Team
from training.models import (
    AssignmentReason,
    RatedDimension,
    TrainingAssignment,
    TrainingCourse,
    TrainingEvent,
    TrainingFormat,
    TrainingTopic,
)
from training.selectors import first_of_month, top_agents
from training.services import award_confirm, training

SECURITY_BASICS = "Wallet security basics"
COMMUNICATION = "Communication skills: empathy and tone"
FAST_ANSWERS = "Fast, precise answers"
DEFI = "DeFi and bridges"

COURSES = [
    {
        "title": SECURITY_BASICS,
        "topic": TrainingTopic.SECURITY,
        "format": TrainingFormat.SELF_STUDY,
        "description": "Recovery phrases, impersonators and what support never asks for.",
        "duration_minutes": 45,
        "validity_months": 12,
        "is_mandatory": True,
        "articles": ["back-up-recovery-phrase", "support-never-asks-for-your-phrase"],
    },
    {
        "title": COMMUNICATION,
        "topic": TrainingTopic.COMMUNICATION,
        "format": TrainingFormat.SELF_STUDY,
        "description": "Acknowledge the worry first, explain without jargon, never blame the customer.",
        "duration_minutes": 90,
        "is_mandatory": True,
        "mandatory_teams": ["L1 General"],
        "mandatory_roles": [AGENT],
        "coaches_dimension": RatedDimension.ATTITUDE,
    },
    {
        "title": FAST_ANSWERS,
        "topic": TrainingTopic.PRODUCT,
        "format": TrainingFormat.WORKSHOP,
        "description": "Macros, help-centre links and the explorer: a complete answer in the first reply.",
        "duration_minutes": 120,
        "coaches_dimension": RatedDimension.SPEED,
        "articles": ["transfer-pending", "network-fees"],
    },
    {
        "title": DEFI,
        "topic": TrainingTopic.NEW_TECHNOLOGY,
        "format": TrainingFormat.QUIZ,
        "description": "Swaps, approvals, bridges and wrapped assets: what goes wrong and how to trace it.",
        "duration_minutes": 60,
        "pass_score": 80,
        "is_mandatory": True,
        "mandatory_teams": ["L2 Technical"],
        "mandatory_roles": [AGENT],
        "articles": ["connect-to-a-dapp"],
    },
]

AWARD_CITATION = "Calm, complete answers on stuck swaps and bridge refunds; customers said so."

# username, course, reason, assigned (days ago), completed (days ago, None: still open), quiz score
PAST_RECORDS = [
    ("agent", COMMUNICATION, AssignmentReason.ONBOARDING, 440, 425, None),
    ("agent", SECURITY_BASICS, AssignmentReason.REFRESHER, 160, 150, None),
    ("agent2", DEFI, AssignmentReason.MANDATORY, 75, 60, 90),
    # due 16 days ago and never started: the rules mark it overdue
    ("agent2", SECURITY_BASICS, AssignmentReason.MANDATORY, 30, None, None),
    # the certification expires in about two weeks: the rules assign a refresher
    ("agent4", SECURITY_BASICS, AssignmentReason.ONBOARDING, 365, 350, None),
    # security basics binds every support role; the coaching courses only agents
    ("supervisor", SECURITY_BASICS, AssignmentReason.MANDATORY, 120, 110, None),
]


def seed_training(*, staff: dict, teams: dict[str, Team]) -> None:
    courses = {spec["title"]: _course(spec, teams) for spec in COURSES}
    today = timezone.localdate()
    for username, title, reason, assigned, completed, score in PAST_RECORDS:
        agent, course = staff[username], courses[title]
        if not TrainingAssignment.objects.filter(agent=agent, course=course).exists():
            _past_record(
                agent=agent,
                course=course,
                reason=reason,
                assigned=today - timedelta(days=assigned),
                completed=today - timedelta(days=completed) if completed is not None else None,
                score=score,
                coach=staff["supervisor"],
            )
    training.training_run_rules(today=today)
    _top_agent_award(staff=staff, today=today)


def _top_agent_award(*, staff: dict, today: date) -> None:
    """The supervisor confirms last month's first place (Tom Technical on the demo's answers)."""
    month = first_of_month(today) - relativedelta(months=1)
    first = next(iter(top_agents(month=month).ranked), None)
    coach = staff["supervisor"]
    agent = next((user for user in staff.values() if first and user.pk == first.row.agent_id), None)
    if agent is not None and agent != coach and first.in_award_places:
        award_confirm(agent=agent, month=month, actor=coach, citation=AWARD_CITATION)


def _course(spec: dict, teams: dict[str, Team]) -> TrainingCourse:
    course = TrainingCourse.objects.filter(title=spec["title"]).first()
    if course is not None:
        return course
    fields = {
        key: value for key, value in spec.items() if key not in ("articles", "mandatory_teams", "mandatory_roles")
    }
    course = training.training_course_save(course=TrainingCourse(**fields))
    course.articles.set(Article.objects.filter(slug__in=spec.get("articles", [])))
    course.mandatory_teams.set([teams[name] for name in spec.get("mandatory_teams", [])])
    course.mandatory_roles.set(Group.objects.filter(name__in=spec.get("mandatory_roles", [])))
    return course


def _at(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(10)))


def _past_record(*, agent, course, reason: str, assigned: date, completed: date | None, score, coach) -> None:
    assignment = training.training_assign(
        agent=agent, course=course, reason=reason, due_date=assigned + timedelta(days=course.due_days)
    )
    if completed is not None and course.format == TrainingFormat.SELF_STUDY:
        training.training_complete_self_study(assignment=assignment, actor=agent)
    elif completed is not None:
        training.training_record_result(assignment=assignment, actor=coach, score=score)
    events = list(assignment.events.order_by("id").values_list("pk", flat=True))
    TrainingEvent.objects.filter(pk=events[0]).update(created_at=_at(assigned))
    dates = {"created_at": _at(assigned)}
    if completed is not None:
        TrainingEvent.objects.filter(pk__in=events[1:]).update(created_at=_at(completed))
        dates["completed_at"] = _at(completed)
        if course.validity_months:
            dates["expires_on"] = completed + relativedelta(months=course.validity_months)
    TrainingAssignment.objects.filter(pk=assignment.pk).update(**dates)
