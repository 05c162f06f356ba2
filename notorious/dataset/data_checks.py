"""Data checks: what an editor should fix, listed by `manage.py check_data` and in the admin.

Each check looks at the whole database (drafts included, since drafts are what editors are
still working on) and returns `Problem`s, each with a message and a link to the admin page
where it is fixed. `find_problems()` runs them all.
"""

from dataclasses import dataclass

from django.db.models import Count
from django.urls import NoReverseMatch, reverse

from notorious.markets.models import Market
from notorious.press.models import Article
from notorious.reports.models import Listing, Report


@dataclass(frozen=True)
class Problem:
    check: str  # the check that found it, e.g. "Listing counts"
    message: str
    admin_url: str = ""  # empty when that model has no admin page

    def __str__(self):
        return f"{self.check}: {self.message}"


def admin_change_url(obj):
    """The admin page editing `obj`, or '' if its model is not in the admin."""
    try:
        return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])
    except NoReverseMatch:
        return ""


def listing_counts():
    """Editions whose entered listings differ from the counts the report states."""
    problems = []
    reports = Report.objects.with_entered_counts(include_drafts=True).order_by("year")
    for report in reports:
        for kind, stated, entered in (
            ("online", report.online_count_stated, report.online_entered),
            ("physical", report.physical_count_stated, report.physical_entered),
        ):
            if stated is not None and stated != entered:
                problems.append(
                    Problem(
                        "Listing counts",
                        f"The {report.year} review states {stated} {kind} markets, but "
                        f"{entered} {kind} listing{'s are' if entered != 1 else ' is'} entered.",
                        admin_change_url(report),
                    )
                )
    return problems


def published_listings_of_draft_markets():
    """Listings marked published whose market is still a draft, so readers cannot see them."""
    listings = (
        Listing.objects.filter(is_published=True, market__is_published=False)
        .select_related("market", "report")
        .order_by("market__name", "report__year")
    )
    return [
        Problem(
            "Published listing of a draft market",
            f"{listing.market}'s listing in the {listing.report.year} review is published, "
            "but the market is not: publish the market or unpublish the listing.",
            admin_change_url(listing.market),
        )
        for listing in listings
    ]


def markets_without_operator():
    return [
        Problem(
            "Market without operator",
            f"{market} has no operating company.",
            admin_change_url(market),
        )
        for market in Market.objects.filter(operator__isnull=True).order_by("name")
    ]


def articles_linked_to_nothing():
    """Coverage not linked to any market, company or report: no page would ever show it."""
    articles = (
        Article.objects.annotate(
            links=Count("markets", distinct=True)
            + Count("companies", distinct=True)
            + Count("reports", distinct=True)
        )
        .filter(links=0)
        .order_by("headline")
    )
    return [
        Problem(
            "Article linked to nothing",
            f"“{article}” is not linked to any market, company or report.",
            admin_change_url(article),
        )
        for article in articles
    ]


def names_shared_by_markets():
    """Names (or aliases) that belong to more than one market, so name matching is ambiguous."""
    owners = {}
    for market in Market.objects.only("pk", "name", "aliases").order_by("name"):
        for name in market.all_names:
            owners.setdefault(name.casefold(), {"name": name, "markets": {}})
            owners[name.casefold()]["markets"][market.pk] = market
    problems = []
    for entry in sorted(owners.values(), key=lambda e: e["name"].casefold()):
        markets = list(entry["markets"].values())
        if len(markets) > 1:
            names = ", ".join(str(market) for market in markets)
            problems.append(
                Problem(
                    "Name shared by markets",
                    f"“{entry['name']}” is a name or alias of {len(markets)} markets: {names}.",
                    admin_change_url(markets[-1]),
                )
            )
    return problems


CHECKS = (
    listing_counts,
    published_listings_of_draft_markets,
    markets_without_operator,
    articles_linked_to_nothing,
    names_shared_by_markets,
)


def find_problems():
    """Every problem every check finds, grouped by check."""
    return [problem for check in CHECKS for problem in check()]
