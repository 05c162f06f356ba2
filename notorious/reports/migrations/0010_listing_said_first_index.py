"""The published listings whose source says they are the market's first, by market: what
each market's `history_said_first` reads (see reports/indexes.py; issue 11)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("markets", "0009_history_corrections"),
        ("reports", "0009_listing_groups"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="listing",
            index=models.Index(
                condition=models.Q(("is_published", True), ("source_says_first", True)),
                fields=["market", "report"],
                name="listing_said_first",
            ),
        ),
    ]
