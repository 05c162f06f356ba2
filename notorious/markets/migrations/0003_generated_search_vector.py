import django.contrib.postgres.indexes
import django.contrib.postgres.search
from django.db import migrations, models


class Migration(migrations.Migration):
    """The search vector becomes a column PostgreSQL generates from the row's own text."""

    dependencies = [
        ("markets", "0002_edit_history"),
    ]

    operations = [
        # A generated column cannot replace a plain one in place: the old column and its
        # index go, and PostgreSQL fills the new one from each row's text as it adds it.
        migrations.RemoveIndex(model_name="market", name="market_search_vector"),
        migrations.RemoveField(model_name="market", name="search_vector"),
        migrations.AddField(
            model_name="market",
            name="search_vector",
            field=models.GeneratedField(
                db_persist=True,
                expression=django.contrib.postgres.search.CombinedSearchVector(
                    django.contrib.postgres.search.CombinedSearchVector(
                        django.contrib.postgres.search.CombinedSearchVector(
                            django.contrib.postgres.search.SearchVector(
                                "name", config="simple", weight="A"
                            ),
                            "||",
                            django.contrib.postgres.search.SearchVector(
                                "aliases", config="simple", weight="A"
                            ),
                            django.contrib.postgres.search.SearchConfig("simple"),
                        ),
                        "||",
                        django.contrib.postgres.search.SearchVector(
                            "domains", config="simple", weight="B"
                        ),
                        django.contrib.postgres.search.SearchConfig("simple"),
                    ),
                    "||",
                    django.contrib.postgres.search.SearchVector(
                        "description", config="simple", weight="C"
                    ),
                    django.contrib.postgres.search.SearchConfig("simple"),
                ),
                output_field=django.contrib.postgres.search.SearchVectorField(),
            ),
        ),
        migrations.AddIndex(
            model_name="market",
            index=django.contrib.postgres.indexes.GinIndex(
                fields=["search_vector"], name="market_search_vector"
            ),
        ),
    ]
