"""The follow-up policy admin: who may edit it, its validation, a changelist that does not grow with teams;
the sweep's schedule and task."""

import pytest
from django.urls import reverse
from django_q.models import Schedule

from tests import factories
from tests.admin_queries import SIZES, measured_get
from tickets.followups import tasks
from tickets.followups.models import FollowUpPolicy

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:tickets_followuppolicy_changelist")
ADD = reverse("admin:tickets_followuppolicy_add")


def form(team, **overrides) -> dict:
    return {
        "team": team.pk,
        "progress_updates": "on",
        "progress_interval_days": 2,
        "reminders": "on",
        "first_reminder_days": 2,
        "second_reminder_days": 5,
        "close_after_days": 10,
    } | overrides


def test_a_supervisor_sets_a_teams_intervals(client, supervisor, team):
    client.force_login(supervisor)

    response = client.post(ADD, form(team))

    assert response.status_code == 302
    policy = FollowUpPolicy.objects.get(team=team)
    assert (policy.first_reminder_days, policy.second_reminder_days, policy.close_after_days) == (2, 5, 10)


def test_reminders_out_of_order_are_refused_with_a_message(client, supervisor, team):
    client.force_login(supervisor)

    response = client.post(ADD, form(team, second_reminder_days=12))

    assert response.status_code == 200
    assert "The first reminder must come before the second" in response.content.decode()
    assert not FollowUpPolicy.objects.exists()


def test_a_manager_reads_and_an_agent_is_refused(client, manager, agent, team):
    policy = FollowUpPolicy.objects.create(team=team)
    change = reverse("admin:tickets_followuppolicy_change", args=[policy.pk])

    client.force_login(manager)
    read = client.get(change)
    refused_edit = client.post(change, form(team, progress_interval_days=9))
    client.force_login(agent)
    refused = client.get(CHANGELIST)

    assert read.status_code == 200
    assert refused_edit.status_code == 403
    assert refused.status_code == 403
    policy.refresh_from_db()
    assert policy.progress_interval_days == 3


@pytest.mark.parametrize("size", SIZES)
def test_the_changelist_query_count_does_not_grow_with_rows(client, administrator, django_assert_num_queries, size):
    for _n in range(size):
        FollowUpPolicy.objects.create(team=factories.TeamFactory())
    client.force_login(administrator)

    response = measured_get(client, django_assert_num_queries, CHANGELIST, 5)

    assert response.content.decode().count('class="field-team') == size


def test_the_sweep_is_scheduled_hourly_once_and_its_task_reports_counts(db):
    schedule = Schedule.objects.get(name="follow-ups: progress updates and reminders")

    assert (schedule.func, schedule.schedule_type, schedule.minutes) == (
        "tickets.followups.tasks.follow_up_sweep",
        "I",
        60,
    )
    assert tasks.follow_up_sweep() == {"progress": 0, "reminded": 0, "closed": 0}
