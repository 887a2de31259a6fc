"""Help-centre search on SQLite: an FTS5 index over the translations' search text (knowledge.search).

PostgreSQL has its GIN indexes (0002); this migration changes nothing there. The FTS5 table
reads its text from knowledge_articletranslation (external content) and triggers keep it in
step with every write, bulk loads included. search_title and search_body already hold Chinese
as character bigrams (knowledge.text.searchable_text), so the unicode61 tokenizer indexes
them as words; porter stems English as PostgreSQL's english configuration does.
"""

from django.db import migrations

CREATE = [
    """CREATE VIRTUAL TABLE knowledge_translation_fts USING fts5(
        search_title, search_body, content='knowledge_articletranslation', content_rowid='id',
        tokenize='porter unicode61 remove_diacritics 2')""",
    """CREATE TRIGGER knowledge_translation_fts_insert AFTER INSERT ON knowledge_articletranslation BEGIN
        INSERT INTO knowledge_translation_fts(rowid, search_title, search_body)
        VALUES (new.id, new.search_title, new.search_body);
    END""",
    """CREATE TRIGGER knowledge_translation_fts_delete AFTER DELETE ON knowledge_articletranslation BEGIN
        INSERT INTO knowledge_translation_fts(knowledge_translation_fts, rowid, search_title, search_body)
        VALUES ('delete', old.id, old.search_title, old.search_body);
    END""",
    """CREATE TRIGGER knowledge_translation_fts_update AFTER UPDATE OF search_title, search_body
        ON knowledge_articletranslation BEGIN
        INSERT INTO knowledge_translation_fts(knowledge_translation_fts, rowid, search_title, search_body)
        VALUES ('delete', old.id, old.search_title, old.search_body);
        INSERT INTO knowledge_translation_fts(rowid, search_title, search_body)
        VALUES (new.id, new.search_title, new.search_body);
    END""",
    "INSERT INTO knowledge_translation_fts(knowledge_translation_fts) VALUES ('rebuild')",
]
DROP = [
    "DROP TRIGGER IF EXISTS knowledge_translation_fts_insert",
    "DROP TRIGGER IF EXISTS knowledge_translation_fts_delete",
    "DROP TRIGGER IF EXISTS knowledge_translation_fts_update",
    "DROP TABLE IF EXISTS knowledge_translation_fts",
]


def _on_sqlite(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "sqlite":
            for statement in statements:
                schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("knowledge", "0012_article_publications")]

    operations = [migrations.RunPython(_on_sqlite(CREATE), _on_sqlite(DROP), elidable=False)]
