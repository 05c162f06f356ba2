"""Indexes for an edition's page and the changes between editions (issue 11)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0005_turns_market_turns"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="listing",
            index=models.Index(
                condition=models.Q(("is_published", True)),
                fields=["report", "section", "market"],
                include=("id", "source_says_first"),
                name="listing_edition_section",
            ),
        ),
        migrations.AddIndex(
            model_name="listing",
            index=models.Index(
                condition=models.Q(("is_published", True)),
                fields=["market", "report"],
                include=("section",),
                name="listing_market_editions",
            ),
        ),
    ]
