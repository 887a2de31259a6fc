"""The shift roster and the forecast's expected events move from the knowledge app (issue 18).

State only: knowledge 0010 removes them from knowledge's state and moves their content types and the
plan_staffing permission; the tables and their rows stay where they are.
"""

import django.core.validators
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("knowledge", "0009_award_revoke"),
        ("tickets", "0013_outbound_kinds"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # State only: the tables keep their knowledge_* names (Meta.db_table), no row moves.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="ForecastEvent",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("name", models.CharField(max_length=200, verbose_name="name")),
                        (
                            "kind",
                            models.CharField(
                                choices=[
                                    ("announcement", "Announcement"),
                                    ("network_incident", "Network incident"),
                                    ("promotion", "Promotion"),
                                    ("other", "Other"),
                                ],
                                default="other",
                                max_length=20,
                                verbose_name="kind",
                            ),
                        ),
                        ("starts_at", models.DateTimeField(verbose_name="starts")),
                        ("ends_at", models.DateTimeField(verbose_name="ends")),
                        (
                            "channel",
                            models.CharField(
                                blank=True,
                                choices=[
                                    ("portal", "Portal"),
                                    ("web_form", "Web form"),
                                    ("email", "Email"),
                                    ("in_app", "In-app feedback"),
                                    ("bot", "Bot hand-off"),
                                    ("phone", "Phone"),
                                    ("social", "Social media"),
                                    ("agent", "Created by agent"),
                                ],
                                help_text="Empty: every channel.",
                                max_length=20,
                                verbose_name="channel",
                            ),
                        ),
                        (
                            "uplift_percent",
                            models.IntegerField(
                                help_text="Change in contacts while it lasts, from -90 to 1000: 50 means 50 percent more, -30 means 30 percent fewer.",
                                validators=[
                                    django.core.validators.MinValueValidator(-90),
                                    django.core.validators.MaxValueValidator(1000),
                                ],
                                verbose_name="uplift (%)",
                            ),
                        ),
                        ("notes", models.TextField(blank=True, verbose_name="notes")),
                        ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="created")),
                        (
                            "created_by",
                            models.ForeignKey(
                                blank=True,
                                editable=False,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="created by",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "expected event",
                        "verbose_name_plural": "expected events (forecast)",
                        "db_table": "knowledge_forecastevent",
                        "ordering": ["-starts_at", "id"],
                        "indexes": [models.Index(fields=["starts_at", "ends_at"], name="forecast_event_period")],
                        "constraints": [
                            models.CheckConstraint(
                                condition=models.Q(("ends_at__gt", models.F("starts_at"))),
                                name="forecast_event_ends_after",
                            ),
                            models.CheckConstraint(
                                condition=models.Q(("uplift_percent__gte", -90), ("uplift_percent__lte", 1000)),
                                name="forecast_event_uplift_range",
                            ),
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="Shift",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "channel",
                            models.CharField(
                                blank=True,
                                choices=[
                                    ("portal", "Portal"),
                                    ("web_form", "Web form"),
                                    ("email", "Email"),
                                    ("in_app", "In-app feedback"),
                                    ("bot", "Bot hand-off"),
                                    ("phone", "Phone"),
                                    ("social", "Social media"),
                                    ("agent", "Created by agent"),
                                ],
                                max_length=20,
                                verbose_name="channel",
                            ),
                        ),
                        (
                            "weekday",
                            models.PositiveSmallIntegerField(
                                choices=[
                                    (0, "Monday"),
                                    (1, "Tuesday"),
                                    (2, "Wednesday"),
                                    (3, "Thursday"),
                                    (4, "Friday"),
                                    (5, "Saturday"),
                                    (6, "Sunday"),
                                ],
                                verbose_name="weekday",
                            ),
                        ),
                        ("start_hour", models.PositiveSmallIntegerField(verbose_name="start (hour)")),
                        (
                            "end_hour",
                            models.PositiveSmallIntegerField(help_text="Exclusive, 1–24.", verbose_name="end (hour)"),
                        ),
                        (
                            "agent",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="shifts",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="agent",
                            ),
                        ),
                        (
                            "team",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="shifts",
                                to="tickets.team",
                                verbose_name="team",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "shift",
                        "verbose_name_plural": "shift roster",
                        "db_table": "knowledge_shift",
                        "ordering": ["weekday", "start_hour", "agent_id"],
                        "permissions": [("plan_staffing", "Can see the staffing forecast and edit the shift roster")],
                        "constraints": [
                            models.CheckConstraint(
                                condition=models.Q(("end_hour__lte", 24), ("start_hour__lt", models.F("end_hour"))),
                                name="shift_hours_valid",
                            )
                        ],
                    },
                ),
            ],
        ),
    ]
