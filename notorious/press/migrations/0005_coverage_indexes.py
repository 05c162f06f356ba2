from django.contrib.postgres.indexes import GinIndex, OpClass
from django.db import migrations, models
from django.db.models.functions import Upper

NEWEST_FIRST = (
    models.OrderBy(models.F("published_on"), descending=True, nulls_last=True),
    models.OrderBy(models.F("created_at"), descending=True),
    models.OrderBy(models.F("id"), descending=True),
)
PUBLISHED = models.Q(("is_published", True))


class Migration(migrations.Migration):
    """Coverage newest first from indexes of the published articles in that order (all of
    them, an outlet's, its republications), instead of sorting or reading every article for
    each page; counts per outlet from the index alone; words in a headline or summary found
    by trigram indexes, not by reading every article (issue 11)."""

    dependencies = [
        ("press", "0004_generated_search_vector"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="article",
            index=models.Index(*NEWEST_FIRST, condition=PUBLISHED, name="article_newest_first"),
        ),
        migrations.AddIndex(
            model_name="article",
            index=models.Index(
                models.F("outlet"),
                *NEWEST_FIRST,
                condition=PUBLISHED,
                name="article_outlet_newest_first",
            ),
        ),
        migrations.AddIndex(
            model_name="article",
            index=models.Index(
                models.F("republishes"),
                *NEWEST_FIRST,
                condition=PUBLISHED,
                name="article_republishes_newest",
            ),
        ),
        *(
            migrations.AddIndex(
                model_name="article",
                index=GinIndex(
                    OpClass(Upper(field), name="gin_trgm_ops"),
                    condition=PUBLISHED,
                    name=f"article_{field}_trgm",
                ),
            )
            for field in ("headline", "summary")
        ),
    ]
