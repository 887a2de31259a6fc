"""Full-text search index for help-centre translations (PostgreSQL only; see knowledge.db)."""

import django.contrib.postgres.indexes
from django.db import migrations

from knowledge.db import AddIndexOnPostgreSQL


class Migration(migrations.Migration):
    dependencies = [
        ("knowledge", "0001_initial"),
    ]

    operations = [
        AddIndexOnPostgreSQL(
            model_name="articletranslation",
            index=django.contrib.postgres.indexes.GinIndex(fields=["search_vector"], name="translation_search_gin"),
        ),
    ]
