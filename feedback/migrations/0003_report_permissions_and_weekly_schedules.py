"""Grant the new feedback permissions to the role groups, and schedule the weekly emails.

Permissions are normally created after migrate (post_migrate); they are created
here first so supportdesk.roles.sync_role_groups can grant them in the same run
(as supportdesk/migrations/0002_role_groups.py does). Schedules are keyed by
name, so running this again changes nothing.
"""

from datetime import UTC, datetime, time, timedelta

from django.contrib.auth.management import create_permissions
from django.db import migrations

from supportdesk.roles import sync_role_groups

# Monday 07:00 UTC: Monday morning in Asia, with the previous week complete.
SCHEDULES = [
    ("Weekly suggestion summary", "feedback.tasks.send_weekly_suggestion_summary"),
    ("Weekly satisfaction report", "feedback.tasks.send_weekly_satisfaction_report"),
]


def _next_monday_morning() -> datetime:
    today = datetime.now(UTC).date()
    monday = today + timedelta(days=(7 - today.weekday()) % 7 or 7)
    return datetime.combine(monday, time(7, 0), tzinfo=UTC)


def grant_and_schedule(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    sync_role_groups(apps.get_model("auth", "Group"), apps.get_model("auth", "Permission"))
    schedule_model = apps.get_model("django_q", "Schedule")
    for name, func in SCHEDULES:
        schedule_model.objects.get_or_create(
            name=name, defaults={"func": func, "schedule_type": "W", "repeats": -1, "next_run": _next_monday_morning()}
        )


def remove_schedules(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.filter(name__in=[name for name, _func in SCHEDULES]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("feedback", "0002_default_survey_template"),
        ("supportdesk", "0002_role_groups"),
        ("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more"),
    ]

    operations = [migrations.RunPython(grant_and_schedule, remove_schedules)]
