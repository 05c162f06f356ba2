"""The listings' indexes for reading them without their wide rows (reasons, quotations).

- `listing_edition_section`: an edition's page takes a section's page of ids by this index,
  walked with the markets by name (`markets.Market`'s `market_name_order`); the changes
  between editions count an edition's listings from it alone.
- `listing_market_editions`: whether a market is named in some editions, and in which
  section (the changes between editions): one index-only probe a market, where an EXISTS
  otherwise read every earlier edition's listings.
- `listing_said_first`: the few published listings whose source says they are the market's
  first, by market: what `MarketQuerySet.with_history_listings` reads for each market of a
  page (`history_said_first`). Without it each market's probe read its listings' rows to
  test the flag (2.5 of the API list's 5 ms of PostgreSQL at 10,000 markets); with it,
  an index-only probe of a nearly empty index.
"""

from django.db import models

LISTING_INDEXES = [
    models.Index(
        fields=["report", "section", "market"],
        include=["id", "source_says_first"],
        condition=models.Q(is_published=True),
        name="listing_edition_section",
    ),
    models.Index(
        fields=["market", "report"],
        include=["section"],
        condition=models.Q(is_published=True),
        name="listing_market_editions",
    ),
    models.Index(
        fields=["market", "report"],
        condition=models.Q(is_published=True, source_says_first=True),
        name="listing_said_first",
    ),
]
