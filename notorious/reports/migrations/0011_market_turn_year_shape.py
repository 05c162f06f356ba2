"""The stored turns' year index holds each turn's shape, so the turns of a year in one
group of the changes pages are read from the index alone (see reports/market_turns.py;
issue 11)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("markets", "0009_history_corrections"),
        ("reports", "0010_listing_said_first_index"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="marketturn",
            name="market_turn_year_idx",
        ),
        migrations.AddIndex(
            model_name="marketturn",
            index=models.Index(
                fields=["year", "market"],
                include=("dropped", "earlier", "said_first"),
                name="market_turn_year_idx",
            ),
        ),
    ]
