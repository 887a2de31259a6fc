"""Admin free-text ticket search on SQLite: an FTS5 trigram index over ticket subjects.

PostgreSQL answers `subject ILIKE '%word%'` from the pg_trgm GIN index of 0008; this migration changes
nothing there. SQLite has no such index, so a word search scanned every subject (~75 ms at 50k tickets
before the page could be counted). FTS5's trigram tokenizer matches any substring of three or more
characters, case-insensitively, from the index (tickets.selectors.search_tickets). External content:
the table stores no second copy of the subjects, and triggers keep it in step with every write, bulk
loads included.
"""

from django.db import migrations

CREATE = [
    """CREATE VIRTUAL TABLE tickets_ticket_subject_fts USING fts5(
        subject, content='tickets_ticket', content_rowid='id', tokenize='trigram')""",
    """CREATE TRIGGER tickets_ticket_subject_fts_insert AFTER INSERT ON tickets_ticket BEGIN
        INSERT INTO tickets_ticket_subject_fts(rowid, subject) VALUES (new.id, new.subject);
    END""",
    """CREATE TRIGGER tickets_ticket_subject_fts_delete AFTER DELETE ON tickets_ticket BEGIN
        INSERT INTO tickets_ticket_subject_fts(tickets_ticket_subject_fts, rowid, subject) VALUES ('delete', old.id, old.subject);
    END""",
    """CREATE TRIGGER tickets_ticket_subject_fts_update AFTER UPDATE OF subject ON tickets_ticket BEGIN
        INSERT INTO tickets_ticket_subject_fts(tickets_ticket_subject_fts, rowid, subject) VALUES ('delete', old.id, old.subject);
        INSERT INTO tickets_ticket_subject_fts(rowid, subject) VALUES (new.id, new.subject);
    END""",
    "INSERT INTO tickets_ticket_subject_fts(tickets_ticket_subject_fts) VALUES ('rebuild')",
]
DROP = [
    "DROP TRIGGER IF EXISTS tickets_ticket_subject_fts_insert",
    "DROP TRIGGER IF EXISTS tickets_ticket_subject_fts_delete",
    "DROP TRIGGER IF EXISTS tickets_ticket_subject_fts_update",
    "DROP TABLE IF EXISTS tickets_ticket_subject_fts",
]


def _on_sqlite(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "sqlite":
            for statement in statements:
                schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("tickets", "0030_team_hours_on_portal")]

    operations = [migrations.RunPython(_on_sqlite(CREATE), _on_sqlite(DROP), elidable=False)]
