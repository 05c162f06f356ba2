"""The markets a search finds (see notorious/search.py): those run by the companies it
names and those matching it otherwise, ranked, counted, and the first of them loaded with
their details and listing histories."""

from dataclasses import dataclass

from django.db.models import QuerySet

from notorious.markets.models import Market
from notorious.reports.models import Report

# What a ranked market selection holds for each market (see MarketMatches.ranked).
MARKET_COLUMNS = ("pk", "via_company", "score", "name")


@dataclass
class MarketMatches:
    """The markets a search finds: those run by the companies it names (`via_company`) and
    the others matching it, as two querysets annotated with `via_company` and `score`."""

    through_operator: QuerySet
    by_text: QuerySet

    def ranked(self):
        """Rows of MARKET_COLUMNS: through the operator first, then by score and name."""
        return (
            self.through_operator.values_list(*MARKET_COLUMNS)
            .union(self.by_text.values_list(*MARKET_COLUMNS), all=True)
            .order_by("-via_company", "-score", "name")
        )

    def count(self):
        # The keys alone: counting the ranked rows would compute every score.
        return self.through_operator.values("pk").union(self.by_text.values("pk"), all=True).count()


def first_markets(markets, limit):
    """The first `limit` rows of a ranked market selection (`MarketMatches.ranked`)
    as markets with their details, `via_company`, `score` and listing history."""
    rows = list(markets[:limit])
    ranked_ids = [row[0] for row in rows]
    # Published still: the page is read by a second statement, which sees later commits.
    loaded = with_market_details(Market.objects.published().filter(pk__in=ranked_ids))
    by_pk = {market.pk: market for market in loaded}
    found = []
    for pk, via_company, score, _name in rows:
        if pk in by_pk:
            market = by_pk[pk]
            market.via_company, market.score = via_company, score
            found.append(market)
    return with_market_histories(found)


def with_market_details(markets):
    """Operator (and its owner) and published listings, loaded up front, not per market."""
    return markets.select_related("operator", "operator__parent").with_history_listings()


def with_market_histories(markets):
    """Attach each market's listing history, computed against the published editions."""
    if markets:
        record = Report.objects.edition_record()
        for market in markets:
            market.history = market.listing_history(record)
    return markets
