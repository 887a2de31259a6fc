"""Title-only search vector for the any-word pass of help-centre search (index on PostgreSQL only; see knowledge.db)."""

import django.contrib.postgres.indexes
import django.contrib.postgres.search
from django.contrib.postgres.search import SearchVector
from django.db import migrations

from knowledge.db import AddIndexOnPostgreSQL


def fill_title_vectors(apps, schema_editor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    translations = apps.get_model("knowledge", "ArticleTranslation").objects.using(schema_editor.connection.alias)
    translations.update(title_vector=SearchVector("search_title", config="english"))


class Migration(migrations.Migration):
    dependencies = [
        ("knowledge", "0003_training"),
    ]

    operations = [
        migrations.AddField(
            model_name="articletranslation",
            name="title_vector",
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        migrations.RunPython(fill_title_vectors, migrations.RunPython.noop),
        AddIndexOnPostgreSQL(
            model_name="articletranslation",
            index=django.contrib.postgres.indexes.GinIndex(fields=["title_vector"], name="translation_title_gin"),
        ),
    ]
