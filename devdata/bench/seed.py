"""Load the benchmark database: realistic volumes, fast.

This is a bulk data loader (like a fixture), not application behaviour: rows go
straight into the tables — PostgreSQL `COPY`, batched `executemany` elsewhere —
because a million tickets through tickets.services would take hours. The rows
carry the same values the services write (statuses, events, first response,
resolution times), so the admin pages see realistic data.

The plan (plan), the rows (staff, customers, tickets) and the writer (rows) live
beside this module; features on top of the tickets are in seed_features.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.color import no_style
from django.db import connection, transaction
from django.utils import timezone

from devdata.bench.customers import CUSTOMER_FIELDS, customer_rows
from devdata.bench.plan import USERNAME_PREFIX, SeedPlan
from devdata.bench.rows import CHUNK, Progress, RowWriter, chunks
from devdata.bench.staff import create_staff
from devdata.bench.tickets import CATEGORY_WEIGHTS, EVENT_FIELDS, MESSAGE_FIELDS, TICKET_FIELDS, TicketGenerator
from supportdesk.audit.models import AuditEntry
from tickets.models import AgentProfile, Customer, Team, Ticket, TicketEvent, TicketMessage


def wipe() -> None:
    """Empty the tables the seeder fills (categories, from a data migration, stay)."""
    tables = [model._meta.db_table for model in (Ticket, TicketMessage, TicketEvent, Customer, AgentProfile, Team)]
    statements = connection.ops.sql_flush(no_style(), tables, reset_sequences=True, allow_cascade=True)
    # PostgreSQL refuses TRUNCATE while deferred FK checks are pending (a re-seed inside one transaction).
    if connection.vendor == "postgresql":
        connection.check_constraints()
    connection.ops.execute_sql_flush(statements)
    # The previous run's read audit points at the bench users; on PostgreSQL the audit table refuses deletes
    # unless the retention exception is on (privacy/migrations/0001_privacy.py), as it is for this wipe.
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL supportdesk.audit_retention = 'on'")
    AuditEntry.objects.all().delete()
    get_user_model().objects.filter(username__startswith=USERNAME_PREFIX).delete()


def seed(plan: SeedPlan, *, stream=None) -> dict[str, int]:
    """Wipe and load the benchmark data; returns row counts per table."""
    end = timezone.now().replace(microsecond=0)
    counts = {"customers": plan.customers, "tickets": plan.tickets, "messages": 0, "events": 0}
    with transaction.atomic():
        wipe()
        staff = create_staff(category_slugs=CATEGORY_WEIGHTS)

    customers = RowWriter(Customer, CUSTOMER_FIELDS)
    progress = Progress("customers", plan.customers, stream=stream)
    for first, last in chunks(1, plan.customers, CHUNK * 5):
        with transaction.atomic():
            customers.write(list(customer_rows(plan, first, last, end=end, user_id=staff.customer_user_id)))
        progress.advance(last - first + 1)
    progress.finish()

    generator = TicketGenerator(plan, staff, end)
    ticket_writer = RowWriter(Ticket, TICKET_FIELDS)
    message_writer = RowWriter(TicketMessage, MESSAGE_FIELDS)
    event_writer = RowWriter(TicketEvent, EVENT_FIELDS)
    progress = Progress("tickets", plan.tickets, stream=stream)
    for first, last in chunks(1, plan.tickets, CHUNK):
        tickets, messages, events = generator.chunk(first, last)
        with transaction.atomic():
            ticket_writer.write(tickets)
            message_writer.write(messages)
            event_writer.write(events)
        counts["messages"] += len(messages)
        counts["events"] += len(events)
        progress.advance(last - first + 1)
    progress.finish()

    # Explicit ids were inserted: move the sequences past them.
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), [Ticket, Customer]):
            cursor.execute(statement)
    analyze()
    return counts


def analyze() -> None:
    """Fresh planner statistics (and, on PostgreSQL, the reltuples the admin paginator reads)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # VACUUM also sets the visibility map (index-only scans); it cannot run inside a transaction (tests).
            command = "ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE"
            for model in (Ticket, TicketMessage, TicketEvent, Customer):
                cursor.execute(f"{command} {connection.ops.quote_name(model._meta.db_table)}")
        else:
            cursor.execute("ANALYZE")
