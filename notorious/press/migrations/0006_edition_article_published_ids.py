"""Published articles' ids, for counting coverage from link rows (issue 11)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("press", "0005_coverage_indexes"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="article",
            index=models.Index(
                condition=models.Q(("is_published", True)),
                fields=["id"],
                name="article_published_ids",
            ),
        ),
    ]
