"""Training and workforce leave the knowledge app without touching a table or a row (knowledge 0010, training 0001,
workforce 0001): an install at knowledge 0009 keeps its rows, permissions, role links, admin history and schedule.

Each test migrates the test database back to the state before the split, writes through the historical models as
the old code did, migrates forward and reads everything back through today's models.
"""

from datetime import date

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django_q.models import Schedule

from supportdesk.roles import MANAGER
from tickets.models import Team
from training.models import TrainingAssignment, TrainingCourse
from workforce.models import ForecastEvent, Shift

# A serialized rollback restores the rows the test database was created with (roles, schedules, seeds).
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

BEFORE_THE_SPLIT = [("knowledge", "0009_award_revoke"), ("training", None), ("workforce", None)]
HALFWAY = [("knowledge", "0009_award_revoke"), ("training", "0001_initial"), ("workforce", "0001_initial")]
RULES_SCHEDULE = "training: daily assignment rules and overdue marking"


def migrate(targets=None):
    """Migrate to `targets` (default: the latest migrations) and return the apps of that state."""
    executor = MigrationExecutor(connection)
    state = executor.migrate(targets or executor.loader.graph.leaf_nodes())
    ContentType.objects.clear_cache()
    return state.apps


@pytest.fixture
def before_the_split():
    """The historical apps at knowledge 0009; the database is migrated forward again afterwards."""
    try:
        yield migrate(BEFORE_THE_SPLIT)
    finally:
        migrate()


def test_rows_permissions_role_links_history_and_the_schedule_survive_the_split(before_the_split):
    old = before_the_split
    content_types = old.get_model("contenttypes", "ContentType").objects
    permissions = old.get_model("auth", "Permission").objects
    agent = old.get_model("supportdesk", "User").objects.create(username="alice", is_staff=True)
    team = old.get_model("tickets", "Team").objects.create(name="L2 Technical")
    course = old.get_model("knowledge", "TrainingCourse").objects.create(
        title="DeFi basics", topic="new_technology", format="quiz", pass_score=80
    )
    course.mandatory_teams.add(team)
    assignment = old.get_model("knowledge", "TrainingAssignment").objects.create(
        agent=agent, course=course, reason="manual", due_date=date(2026, 7, 1)
    )
    shift = old.get_model("knowledge", "Shift").objects.create(
        agent=agent, team=team, weekday=2, start_hour=9, end_hour=17
    )
    course_type = content_types.get(app_label="knowledge", model="trainingcourse")
    coach = permissions.get(content_type__app_label="knowledge", codename="coach_agents")
    plan = permissions.get(content_type__app_label="knowledge", codename="plan_staffing")
    add_course = permissions.get(content_type=course_type, codename="add_trainingcourse")
    old.get_model("admin", "LogEntry").objects.create(
        user_id=agent.pk, content_type=course_type, object_id=str(course.pk), object_repr="DeFi basics", action_flag=1
    )
    manager_links = set(
        old.get_model("auth", "Group").objects.get(name=MANAGER).permissions.values_list("codename", flat=True)
    )
    old_schedule = old.get_model("django_q", "Schedule").objects.get(name=RULES_SCHEDULE).func

    migrate()

    moved_course = TrainingCourse.objects.get(pk=course.pk)
    assert (moved_course.title, moved_course.pass_score) == ("DeFi basics", 80)
    assert list(moved_course.mandatory_teams.all()) == [Team.objects.get(pk=team.pk)]
    assert TrainingAssignment.objects.get(pk=assignment.pk).course == moved_course
    assert Shift.objects.get(pk=shift.pk).get_weekday_display() == "Wednesday"
    assert not ForecastEvent.objects.exists()
    # Content types are renamed in place: same ids, so permissions and the admin's history follow.
    assert ContentType.objects.get_for_model(TrainingCourse).pk == course_type.pk
    assert ContentType.objects.get_for_model(TrainingCourse).app_label == "training"
    assert ContentType.objects.get_for_model(Shift).app_label == "workforce"
    assert not ContentType.objects.filter(app_label="knowledge", model__in=["trainingcourse", "shift"]).exists()
    assert LogEntry.objects.get(object_id=str(course.pk)).get_edited_object() == moved_course
    assert Permission.objects.get(pk=add_course.pk).content_type.app_label == "training"
    assert (Permission.objects.get(pk=coach.pk).content_type.app_label, coach.codename) == ("training", "coach_agents")
    moved_plan = Permission.objects.get(pk=plan.pk)
    assert (moved_plan.content_type.model, moved_plan.content_type.app_label) == ("shift", "workforce")
    # The role groups keep their links (no re-sync needed): a manager coaches and plans staffing as before.
    assert {"coach_agents", "plan_staffing"} <= manager_links
    assert set(Group.objects.get(name=MANAGER).permissions.values_list("codename", flat=True)) == manager_links
    manager = get_user_model().objects.create(username="boss", is_staff=True)
    manager.groups.add(Group.objects.get(name=MANAGER))
    assert manager.has_perm("training.coach_agents") and manager.has_perm("workforce.plan_staffing")
    assert not manager.has_perm("knowledge.coach_agents")
    # The daily job keeps running after the move.
    assert old_schedule == "knowledge.tasks.run_training_rules"
    assert Schedule.objects.get(name=RULES_SCHEDULE).func == "training.tasks.run_training_rules"


def test_a_migrate_stopped_halfway_leaves_no_twin_content_type():
    """post_migrate after training/workforce 0001 alone creates empty training.*/workforce.* content types;
    knowledge 0010 drops them and keeps the originals, which hold the permissions and the history."""
    try:
        halfway = migrate(HALFWAY)
        content_types = halfway.get_model("contenttypes", "ContentType").objects
        original = content_types.get(app_label="knowledge", model="shift")
        twin = content_types.create(app_label="workforce", model="shift")
        halfway.get_model("auth", "Permission").objects.create(
            content_type=twin, codename="plan_staffing", name="Can see the staffing forecast and edit the shift roster"
        )
    finally:
        migrate()

    assert list(ContentType.objects.filter(model="shift").values_list("pk", "app_label")) == [
        (original.pk, "workforce")
    ]
    assert Permission.objects.filter(codename="plan_staffing").count() == 1
    assert Permission.objects.get(codename="plan_staffing").content_type_id == original.pk
