import django.contrib.postgres.indexes
import django.contrib.postgres.search
from django.db import migrations, models


class Migration(migrations.Migration):
    """The search vector becomes a column PostgreSQL generates from the row's own text."""

    dependencies = [
        ("press", "0003_article_slug_not_outlets"),
    ]

    operations = [
        # A generated column cannot replace a plain one in place: the old column and its
        # index go, and PostgreSQL fills the new one from each row's text as it adds it.
        migrations.RemoveIndex(model_name="article", name="article_search_vector"),
        migrations.RemoveField(model_name="article", name="search_vector"),
        migrations.AddField(
            model_name="article",
            name="search_vector",
            field=models.GeneratedField(
                db_persist=True,
                expression=django.contrib.postgres.search.CombinedSearchVector(
                    django.contrib.postgres.search.CombinedSearchVector(
                        django.contrib.postgres.search.SearchVector(
                            "headline", config="simple", weight="A"
                        ),
                        "||",
                        django.contrib.postgres.search.SearchVector(
                            "summary", config="simple", weight="B"
                        ),
                        django.contrib.postgres.search.SearchConfig("simple"),
                    ),
                    "||",
                    django.contrib.postgres.search.SearchVector(
                        "author", config="simple", weight="C"
                    ),
                    django.contrib.postgres.search.SearchConfig("simple"),
                ),
                output_field=django.contrib.postgres.search.SearchVectorField(),
            ),
        ),
        migrations.AddIndex(
            model_name="article",
            index=django.contrib.postgres.indexes.GinIndex(
                fields=["search_vector"], name="article_search_vector"
            ),
        ),
    ]
