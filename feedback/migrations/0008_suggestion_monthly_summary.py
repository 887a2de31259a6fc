"""The monthly suggestion summary (issue 24 item 9): its table, its permissions for the role groups, its schedule.

Permissions are created here first so supportdesk.roles.sync_role_groups can grant them in the same run
(as 0003 does). The schedule is keyed by name, so running this again changes nothing.
"""

from datetime import UTC, datetime, time, timedelta

import django.utils.timezone
from django.contrib.auth.management import create_permissions
from django.db import migrations, models

from supportdesk.roles import sync_role_groups

SCHEDULE_NAME = "Monthly suggestion summary"
SCHEDULE_FUNC = "feedback.tasks.build_monthly_suggestion_summary"


def _first_of_next_month_morning() -> datetime:
    """07:00 UTC on the 1st: morning in Asia, with the previous month complete."""
    first = (datetime.now(UTC).date().replace(day=1) + timedelta(days=32)).replace(day=1)
    return datetime.combine(first, time(7, 0), tzinfo=UTC)


def grant_and_schedule(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    sync_role_groups(apps.get_model("auth", "Group"), apps.get_model("auth", "Permission"))
    apps.get_model("django_q", "Schedule").objects.get_or_create(
        name=SCHEDULE_NAME,
        defaults={
            "func": SCHEDULE_FUNC,
            "schedule_type": "M",
            "repeats": -1,
            "next_run": _first_of_next_month_morning(),
        },
    )


def remove_schedule(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.filter(name=SCHEDULE_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("feedback", "0007_chat"),
        ("supportdesk", "0006_user_language"),
        ("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more"),
    ]

    operations = [
        migrations.CreateModel(
            name="SuggestionMonthlySummary",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "month",
                    models.DateField(
                        help_text="The first day of the month summarised.", unique=True, verbose_name="month"
                    ),
                ),
                ("total", models.PositiveIntegerField(default=0, verbose_name="suggestions")),
                ("votes", models.PositiveIntegerField(default=0, verbose_name="votes")),
                ("by_category", models.JSONField(blank=True, default=dict, verbose_name="by category")),
                ("groups", models.JSONField(blank=True, default=list, verbose_name="groups")),
                ("built_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="built")),
                ("emailed_at", models.DateTimeField(blank=True, null=True, verbose_name="emailed")),
            ],
            options={
                "verbose_name": "monthly suggestion summary",
                "verbose_name_plural": "monthly suggestion summaries",
                "ordering": ["-month"],
            },
        ),
        migrations.RunPython(grant_and_schedule, remove_schedule),
    ]
