"""Database helpers for knowledge migrations."""

from django.db.migrations.operations import AddIndex


class AddIndexOnPostgreSQL(AddIndex):
    """AddIndex that changes the schema only on PostgreSQL.

    The migration state carries the index on every database (so makemigrations
    stays quiet), but SQLite cannot build a GIN index over to_tsvector(); there
    knowledge.search uses LIKE matching and needs no index.
    """

    def database_forwards(self, app_label, schema_editor, from_state, to_state) -> None:
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state) -> None:
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)
