"""The markets a search finds (see notorious/search.py): those run by the companies it
names and those matching it otherwise, ranked, counted, and the first of them loaded with
their details and listing histories."""

from dataclasses import dataclass, field

from django.db.models import BooleanField, Expression, ExpressionWrapper, Q, Value

from notorious.core.search import first_keys, key_array
from notorious.markets.models import Market
from notorious.reports.models import Report

# What a ranked market selection holds for each market (see MarketMatches.ranked).
MARKET_COLUMNS = ("pk", "via_company", "score", "name")


@dataclass
class MarketMatches:
    """The markets a search finds: those run by a company it names (of `family`) and those
    matching it otherwise, as unordered key querysets (`scans`), and the expression that
    scores a market against the query (`score`)."""

    scans: list
    score: Expression
    family: set = field(default_factory=set)

    def found(self, limit=None):
        """The distinct keys of the first `limit` matches of each scan (every match without
        a limit), sorted by key (`first_keys`)."""
        return first_keys(self.scans, limit)

    def ranked(self, keys):
        """Rows of MARKET_COLUMNS for the published markets of `keys`: those through the
        operator first (searching for a company is searching for what it runs), then by
        score and name. Reading the keys first and ranking only them keeps the matching
        conditions out of the ranking query: each is evaluated once, in `found`."""
        via_company = Value(False)
        if self.family:
            # Never NULL (a market with no operator is not found through one), so it
            # sorts as false.
            via_company = ExpressionWrapper(
                Q(operator_id__in=self.family, operator_id__isnull=False),
                output_field=BooleanField(),
            )
        return (
            Market.objects.published()
            .filter(pk__in=key_array(keys))
            .annotate(via_company=via_company, score=self.score)
            .order_by("-via_company", "-score", "name")
            .values_list(*MARKET_COLUMNS)
        )


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
