"""The markets a search finds (see notorious/search.py): those run by the companies it
names and those matching it otherwise, ranked, counted, and the first of them loaded with
their details and listing histories."""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import BooleanField, ExpressionWrapper, Q, Value

from notorious.core.search import found_by, key_array, keys_found_by
from notorious.markets.models import Market
from notorious.reports.models import Report

# What a ranked market selection holds for each market (see MarketMatches.ranked).
MARKET_COLUMNS = ("pk", "via_company", "score", "name")


@dataclass
class MarketMatches:
    """The markets a search finds: those run by a company it names (of `family`) and those
    matching it otherwise, as unordered key querysets (`scans`, and `typo_scans`, those
    of the names close to the query), and how a market is scored against the query
    (`score(typo_keys)`: `search_names.name_score` for the query)."""

    scans: list
    score: Callable
    family: set = field(default_factory=set)
    typo_scans: list = field(default_factory=list)
    # The keys the typo scans found, set by `found` when they are all there are (no scan
    # reached its limit); else None (see `search_names.name_score`).
    typo_keys: list | None = None

    def found(self, limit=None):
        """The distinct keys of the first `limit` matches of each scan (every match without
        a limit), sorted by key (`keys_found_by`); notes which the typo scans found."""
        found = keys_found_by([*self.scans, *self.typo_scans], limit)
        typo_scans = range(len(self.scans), len(self.scans) + len(self.typo_scans))
        cut = limit is not None and any(len(found_by(found, [n])) >= limit for n in typo_scans)
        self.typo_keys = None if cut else sorted(found_by(found, typo_scans))
        return sorted(found)

    def ranked(self, keys):
        """Rows of MARKET_COLUMNS for the published markets of `keys`, in rank order
        (`ordered`)."""
        return self.ordered(key_array(keys)).values_list(*MARKET_COLUMNS)

    def ordered(self, keys):
        """The published markets of `keys` (the right-hand side of a `pk__in`), annotated
        with `via_company` and `score`: those through the operator first (searching for a
        company is searching for what it runs), then by score and name. Reading the keys
        first and ranking only them keeps the matching conditions out of the ranking
        query: each is evaluated once, in `found`."""
        via_company = Value(False)
        order = ["-score", "name"]
        if self.family:
            # Never NULL (a market with no operator is not found through one), so it
            # sorts as false.
            via_company = ExpressionWrapper(
                Q(operator_id__in=self.family, operator_id__isnull=False),
                output_field=BooleanField(),
            )
            # Otherwise it is false for every market and orders nothing (and a constant
            # PostgreSQL refuses to order by, where it is not selected: `first_markets`).
            order.insert(0, "-via_company")
        score = self.score(self.typo_keys)
        return (
            Market.objects.published()
            .filter(pk__in=keys)
            .annotate(via_company=via_company, score=score)
            .order_by(*order)
        )


def first_markets(matches, keys, limit):
    """The first `limit` of the markets of `keys` in rank order (`MarketMatches.ordered`),
    with their details, `via_company`, `score` and listing history.

    One statement, ranked as coverage is (`CoverageRanking.first`): the narrow rows are
    scored and the page picked in a subquery, and only its markets are joined to their
    operators and given their listing arrays. A ranking query and a second one to read the
    page's markets cost two compilations and round trips; joining every candidate to the
    companies before the sort cost more than both.
    """
    if not keys:
        return []  # no statement to read nothing
    page = matches.ordered(key_array(keys)).values("pk")[:limit]
    return with_market_histories(list(with_market_details(matches.ordered(page))))


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
