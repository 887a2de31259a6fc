"""Demo data for `make run` (`manage.py seed_demo`).

The desk (tickets: teams, one account per role, two customers with conversations), the help
centre (knowledge), weeks of ticket history with measured handle times, a shift roster and next
week's expected events (staffing), survey answers (feedback), then training records and last
month's top-agent award (training): the agent `agent` is rated poorly on attitude, so the daily
training rules assign them the communication course.

Idempotent: each part looks its records up before creating them. Never runs in production
(settings.SEED_DEMO_ALLOWED, checked by the command).
"""

from __future__ import annotations

from django.db import transaction

from devdata.demo.feedback import seed_survey_answers
from devdata.demo.knowledge import seed_knowledge
from devdata.demo.staffing import seed_staffing
from devdata.demo.tickets import DemoLogin, demo_logins, seed_desk
from devdata.demo.training import seed_training


def seed_demo() -> list[DemoLogin]:
    with transaction.atomic():
        staff, teams = seed_desk()
        seed_knowledge(author=staff["supervisor"], reviewer=staff["admin"])
        seed_staffing(staff=staff, teams=teams)
        seed_survey_answers(staff=staff)
        seed_training(staff=staff, teams=teams)
    return demo_logins()
