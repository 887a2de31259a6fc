"""Full-text search index for help-centre translations (PostgreSQL only; see knowledge.db)."""

import django.contrib.postgres.indexes
import django.contrib.postgres.search
from django.db import migrations

from knowledge.db import AddIndexOnPostgreSQL


class Migration(migrations.Migration):
    dependencies = [
        ("knowledge", "0001_initial"),
    ]

    operations = [
        AddIndexOnPostgreSQL(
            model_name="articletranslation",
            index=django.contrib.postgres.indexes.GinIndex(
                django.contrib.postgres.search.CombinedSearchVector(
                    django.contrib.postgres.search.SearchVector("search_title", config="english", weight="A"),
                    "||",
                    django.contrib.postgres.search.SearchVector("search_body", config="english", weight="B"),
                    django.contrib.postgres.search.SearchConfig("english"),
                ),
                name="translation_search_gin",
            ),
        ),
    ]
