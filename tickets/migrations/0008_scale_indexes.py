"""Indexes for a million tickets: escalation filter, the open queue, customers, and substring search.

The trigram indexes are PostgreSQL-only. Django's `icontains` compiles to
`UPPER(col::text) LIKE UPPER('%term%')` there; a GIN index over that same
expression with `gin_trgm_ops` turns a scan of every row into an index lookup.
SQLite has no pg_trgm (and scans fast enough at its scale), so that step does
nothing there; those indexes are not declared on the models because Django
cannot express the vendor condition.
"""

from django.conf import settings
from django.db import migrations, models

TRIGRAM_INDEXES = [
    # name, table, column
    ("ticket_subject_trgm", "tickets_ticket", "subject"),
    ("customer_email_trgm", "tickets_customer", "email"),
    ("customer_name_trgm", "tickets_customer", "name"),
    ("customeremail_email_trgm", "tickets_customeremail", "email"),
]


def create_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, table, column in TRIGRAM_INDEXES:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin ((UPPER({column}::text)) gin_trgm_ops)"
        )


def drop_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table, _column in TRIGRAM_INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("tickets", "0007_complaints"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(create_trigram_indexes, drop_trigram_indexes),
        migrations.AddIndex(
            model_name="customer",
            index=models.Index(fields=["-created_at"], name="customer_created_desc"),
        ),
        migrations.AddIndex(
            model_name="customer",
            index=models.Index(fields=["country"], name="customer_country"),
        ),
        migrations.AddIndex(
            model_name="ticket",
            index=models.Index(fields=["tier", "-created_at"], name="ticket_tier_created"),
        ),
        migrations.AddIndex(
            model_name="ticket",
            index=models.Index(
                condition=models.Q(("status__in", ("new", "open", "pending_customer", "on_hold"))),
                fields=["team", "assignee", "created_at"],
                include=("id", "status", "priority"),
                name="ticket_open_queue",
            ),
        ),
    ]
