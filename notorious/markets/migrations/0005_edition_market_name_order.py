"""Markets by name, for pages that list them in that order (issue 11)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("companies", "0003_generated_search_vector"),
        ("markets", "0004_completeness"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="market",
            index=models.Index(fields=["name", "slug"], name="market_name_order"),
        ),
    ]
