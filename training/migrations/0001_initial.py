"""Training courses, assignments, their events and agent awards move from the knowledge app (issue 18).

State only: knowledge 0010 removes them from knowledge's state and moves their content types, permissions
and the daily rules schedule; the tables and their rows stay where they are.
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("knowledge", "0009_award_revoke"),
        ("tickets", "0013_outbound_kinds"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # State only: the tables keep their knowledge_* names (Meta.db_table), no row moves.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="TrainingCourse",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("title", models.CharField(max_length=200, verbose_name="title")),
                        (
                            "topic",
                            models.CharField(
                                choices=[
                                    ("product", "Product knowledge"),
                                    ("communication", "Communication skills"),
                                    ("security", "Security"),
                                    ("new_technology", "New technology (DeFi, …)"),
                                    ("compliance", "Compliance"),
                                    ("other", "Other"),
                                ],
                                max_length=20,
                                verbose_name="topic",
                            ),
                        ),
                        (
                            "format",
                            models.CharField(
                                choices=[("self_study", "Self-study"), ("workshop", "Workshop"), ("quiz", "Quiz")],
                                max_length=20,
                                verbose_name="format",
                            ),
                        ),
                        ("description", models.TextField(blank=True, verbose_name="description")),
                        (
                            "duration_minutes",
                            models.PositiveIntegerField(default=60, verbose_name="duration (minutes)"),
                        ),
                        (
                            "pass_score",
                            models.PositiveSmallIntegerField(
                                blank=True,
                                help_text="Quizzes and workshops: the lowest passing score (0–100).",
                                null=True,
                                verbose_name="pass score",
                            ),
                        ),
                        (
                            "validity_months",
                            models.PositiveSmallIntegerField(
                                blank=True,
                                help_text="Empty: the certification never expires.",
                                null=True,
                                verbose_name="valid for (months)",
                            ),
                        ),
                        ("is_mandatory", models.BooleanField(default=False, verbose_name="mandatory")),
                        (
                            "mandatory_tier",
                            models.CharField(
                                blank=True,
                                choices=[
                                    ("l1", "L1 – first line"),
                                    ("l2", "L2 – technical"),
                                    ("l3", "L3 – senior / security"),
                                ],
                                help_text="Empty: mandatory for every tier.",
                                max_length=2,
                                verbose_name="mandatory for tier",
                            ),
                        ),
                        (
                            "coaches_dimension",
                            models.CharField(
                                blank=True,
                                choices=[
                                    ("attitude", "Attitude"),
                                    ("speed", "Speed"),
                                    ("professionalism", "Professionalism"),
                                ],
                                help_text="Assigned automatically to agents whose rolling rating on this dimension is low.",
                                max_length=20,
                                verbose_name="coaches dimension",
                            ),
                        ),
                        ("due_days", models.PositiveSmallIntegerField(default=14, verbose_name="days to complete")),
                        ("is_active", models.BooleanField(default=True, verbose_name="active")),
                        (
                            "articles",
                            models.ManyToManyField(
                                blank=True,
                                related_name="training_courses",
                                to="knowledge.article",
                                verbose_name="help-centre articles",
                            ),
                        ),
                        (
                            "mandatory_roles",
                            models.ManyToManyField(
                                blank=True,
                                help_text="Empty: mandatory for every support role (agents, supervisors, …).",
                                limit_choices_to={"name__in": ("Agent", "Supervisor", "Manager", "Administrator")},
                                related_name="mandatory_courses",
                                to="auth.group",
                                verbose_name="mandatory for roles",
                            ),
                        ),
                        (
                            "mandatory_teams",
                            models.ManyToManyField(
                                blank=True,
                                help_text="Empty: mandatory for agents of every team.",
                                related_name="mandatory_courses",
                                to="tickets.team",
                                verbose_name="mandatory for teams",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "training course",
                        "verbose_name_plural": "training courses",
                        "db_table": "knowledge_trainingcourse",
                        "ordering": ["title"],
                    },
                ),
                migrations.CreateModel(
                    name="TrainingAssignment",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "reason",
                            models.CharField(
                                choices=[
                                    ("manual", "Assigned by a supervisor"),
                                    ("onboarding", "Onboarding"),
                                    ("mandatory", "Mandatory course"),
                                    ("low_rating", "Low rating on a dimension"),
                                    ("refresher", "Refresher before expiry"),
                                ],
                                max_length=20,
                                verbose_name="reason",
                            ),
                        ),
                        (
                            "dimension",
                            models.CharField(
                                blank=True,
                                choices=[
                                    ("attitude", "Attitude"),
                                    ("speed", "Speed"),
                                    ("professionalism", "Professionalism"),
                                ],
                                editable=False,
                                max_length=20,
                                verbose_name="weak dimension",
                            ),
                        ),
                        (
                            "status",
                            models.CharField(
                                choices=[
                                    ("assigned", "Assigned"),
                                    ("in_progress", "In progress"),
                                    ("completed", "Completed"),
                                    ("failed", "Failed"),
                                    ("overdue", "Overdue"),
                                ],
                                default="assigned",
                                max_length=20,
                                verbose_name="status",
                            ),
                        ),
                        ("due_date", models.DateField(verbose_name="due date")),
                        ("score", models.PositiveSmallIntegerField(blank=True, null=True, verbose_name="score")),
                        ("completed_at", models.DateTimeField(blank=True, null=True, verbose_name="completed")),
                        ("expires_on", models.DateField(blank=True, null=True, verbose_name="certification expires")),
                        ("notes", models.TextField(blank=True, verbose_name="evidence / notes")),
                        (
                            "created_at",
                            models.DateTimeField(
                                default=django.utils.timezone.now, editable=False, verbose_name="created"
                            ),
                        ),
                        (
                            "agent",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="training",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="agent",
                            ),
                        ),
                        (
                            "assigned_by",
                            models.ForeignKey(
                                blank=True,
                                help_text="Empty: assigned by the daily training rules.",
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="assigned by",
                            ),
                        ),
                        (
                            "course",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="assignments",
                                to="training.trainingcourse",
                                verbose_name="course",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "training assignment",
                        "verbose_name_plural": "training assignments",
                        "db_table": "knowledge_trainingassignment",
                        "ordering": ["-created_at", "-id"],
                        "permissions": [
                            ("coach_agents", "Can see every agent's training and record quiz/workshop results")
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="TrainingEvent",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "status",
                            models.CharField(
                                choices=[
                                    ("assigned", "Assigned"),
                                    ("in_progress", "In progress"),
                                    ("completed", "Completed"),
                                    ("failed", "Failed"),
                                    ("overdue", "Overdue"),
                                ],
                                max_length=20,
                                verbose_name="status",
                            ),
                        ),
                        ("note", models.CharField(blank=True, max_length=255, verbose_name="note")),
                        (
                            "created_at",
                            models.DateTimeField(
                                default=django.utils.timezone.now, editable=False, verbose_name="time"
                            ),
                        ),
                        (
                            "actor",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="by",
                            ),
                        ),
                        (
                            "assignment",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="events",
                                to="training.trainingassignment",
                                verbose_name="assignment",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "training event",
                        "verbose_name_plural": "training events",
                        "db_table": "knowledge_trainingevent",
                        "ordering": ["created_at", "id"],
                    },
                ),
                migrations.CreateModel(
                    name="AgentAward",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "month",
                            models.DateField(
                                help_text="The first day of the month the award is for.", verbose_name="month"
                            ),
                        ),
                        ("rank", models.PositiveSmallIntegerField(verbose_name="rank")),
                        ("csat", models.FloatField(verbose_name="CSAT (%)")),
                        ("responses", models.PositiveIntegerField(verbose_name="rated answers")),
                        ("tickets", models.PositiveIntegerField(verbose_name="tickets solved")),
                        ("citation", models.TextField(blank=True, verbose_name="citation / notes")),
                        (
                            "confirmed_at",
                            models.DateTimeField(
                                default=django.utils.timezone.now, editable=False, verbose_name="confirmed"
                            ),
                        ),
                        ("revoked_at", models.DateTimeField(blank=True, null=True, verbose_name="revoked")),
                        (
                            "revoke_reason",
                            models.CharField(blank=True, max_length=255, verbose_name="reason for revoking"),
                        ),
                        (
                            "agent",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="awards",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="agent",
                            ),
                        ),
                        (
                            "confirmed_by",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="confirmed by",
                            ),
                        ),
                        (
                            "revoked_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="revoked by",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "agent award",
                        "verbose_name_plural": "agent awards",
                        "db_table": "knowledge_agentaward",
                        "ordering": ["-month", "rank", "id"],
                        "constraints": [
                            models.UniqueConstraint(fields=("agent", "month"), name="award_one_per_agent_month")
                        ],
                    },
                ),
                migrations.AddIndex(
                    model_name="trainingassignment",
                    index=models.Index(fields=["status", "due_date"], name="training_status_due"),
                ),
                migrations.AddConstraint(
                    model_name="trainingassignment",
                    constraint=models.UniqueConstraint(
                        condition=models.Q(("status__in", ["assigned", "in_progress", "overdue"])),
                        fields=("agent", "course"),
                        name="training_one_open_per_course",
                    ),
                ),
            ],
        ),
    ]
