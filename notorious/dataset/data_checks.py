"""Data checks: what an editor should fix, listed by `manage.py check_data` and in the admin.

Each check looks at the whole database (drafts included, since drafts are what editors are
still working on) and returns `Problem`s, each with a message and a link to the admin page
where it is fixed. `find_problems()` runs them all.
"""

from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Prefetch, Q
from django.urls import NoReverseMatch, reverse

from notorious.markets.models import Kind, Market
from notorious.press.article_count import stored_published_count
from notorious.press.edition_article_count import live_counts, stored_counts
from notorious.press.models import Article
from notorious.reports.entry_counts import stored_entered_counts
from notorious.reports.group_counts import live_group_counts, stored_group_counts
from notorious.reports.market_turns import live_turns, stored_turns
from notorious.reports.models import Listing, Report, published_listings_q
from notorious.reports.section_moves import live_moves, stored_moves
from notorious.reports.turn_counts import live_turn_counts, stored_turn_counts


@dataclass(frozen=True)
class Problem:
    check: str  # the check that found it, e.g. "Incomplete edition"
    message: str
    admin_url: str = ""  # empty when that model has no admin page
    details: tuple = ()  # lines under the message, e.g. the statements it leaves unconfirmed

    def __str__(self):
        return f"{self.check}: {self.message}"


def admin_change_url(obj):
    """The admin page editing `obj`, or '' if its model is not in the admin."""
    try:
        return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])
    except NoReverseMatch:
        return ""


def _editors_histories():
    """The editions' record and every market's listing history, drafts included (the
    editors' view): what the completeness checks read. Two queries for the markets."""
    record = Report.objects.edition_record(include_drafts=True)
    markets = Market.objects.prefetch_related(
        Prefetch("listings", queryset=Listing.objects.select_related("report"))
    ).order_by("name")
    return record, [
        (market, market.listing_history(record, include_drafts=True)) for market in markets
    ]


def _unconfirmed_because_of(year, section, histories):
    """The statements an incomplete `section` of `year` leaves unconfirmed: drops in that
    edition, and markets new or returning in the next one (not entered in this one)."""
    dropped, turned = [], []
    for market, history in histories:
        if market.kind != section:
            continue
        if history.dropped_in(year) == (True, False):
            dropped.append(market.name)
        following = year + 1
        if year not in history.listed_years and not history.status_in(following)[1]:
            turned.append(market.name)
    details = []
    if dropped:
        details.append(
            f"Drops in {year} that cannot be confirmed (named in {year - 1}, not entered in "
            f"{year}): {', '.join(dropped)}."
        )
    if turned:
        details.append(
            f"New or returning in {year + 1}, which cannot be confirmed (not entered in "
            f"{year}): {', '.join(turned)}."
        )
    return tuple(details)


def incomplete_editions():
    """Edition sections whose listings are not all entered (fewer entered than the report
    states, or no count recorded, and not marked all entered): readers see 'Not entered'
    there, and the statements that rest on them cannot be confirmed. Drafts count."""
    record, histories = _editors_histories()
    problems = []
    reports = {report.year: report for report in Report.objects.all()}
    for (year, section), section_record in sorted(record.sections.items()):
        stated, entered = section_record.stated, section_record.entered
        if section_record.complete or (stated is not None and entered > stated):
            continue  # the latter is `more_listings_than_stated`'s
        problems.append(
            Problem(
                "Incomplete edition",
                f"The {year} edition's {section} section is incomplete: "
                f"{section_record.missing_text}.",
                admin_change_url(reports[year]),
                _unconfirmed_because_of(year, section, histories),
            )
        )
    return problems


def more_listings_than_stated():
    """Edition sections with more listings entered than the report states, not marked all
    entered: a listing entered twice or in the wrong edition, or a count mistyped."""
    record, histories = _editors_histories()
    problems = []
    for report in Report.objects.order_by("year"):
        for section in ("online", "physical"):
            section_record = record.section(report.year, section)
            stated = section_record.stated
            if section_record.all_entered or stated is None or section_record.entered <= stated:
                continue
            problems.append(
                Problem(
                    "More listings than stated",
                    f"The {report.year} edition states {stated} {section} markets, but "
                    f"{section_record.entered} are entered: check for a listing entered twice "
                    "or in the wrong edition, or correct the count (or mark the section all "
                    "entered and say why in the note). Until then it counts as incomplete.",
                    admin_change_url(report),
                    _unconfirmed_because_of(report.year, section, histories),
                )
            )
    return problems


def first_listing_flags_not_first():
    """Listings marked "the source says this is its first listing" although the market has
    an earlier listing entered: the site would call the market new on the source's word."""
    flagged = (
        Listing.objects.filter(source_says_first=True)
        .filter(
            Exists(
                Listing.objects.filter(
                    market=OuterRef("market"), report__year__lt=OuterRef("report__year")
                )
            )
        )
        .select_related("market", "report")
        .order_by("market__name", "report__year")
    )
    return [
        Problem(
            "First listing that is not the first",
            f"{listing.market}'s {listing.report.year} listing is marked 'the source says "
            "this is its first listing', but an earlier listing of it is entered: untick it, "
            "or correct the years.",
            admin_change_url(listing),
        )
        for listing in flagged
    ]


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


def live_entered_counts():
    """Each edition's entered listings, counted now (what `reports_entry_counts` stores):
    {report_id: {"online_entered": n, "online_published": n, ...}}, in one query."""
    published = published_listings_q("listings", of="report")
    counts = {}
    for kind in Kind.values:
        in_section = Q(listings__section=kind)
        counts[f"{kind}_entered"] = Count("listings", filter=in_section)
        counts[f"{kind}_published"] = Count("listings", filter=in_section & published)
    rows = Report.objects.order_by().values("pk").annotate(**counts)
    return {row.pop("pk"): row for row in rows}


def stored_counts_not_live():
    """Editions whose stored listing counts differ from a count made now: never, while the
    database's triggers work (reports/entry_counts.py); if so, pages misstate completeness."""
    stored, live = stored_entered_counts(), live_entered_counts()
    return [
        Problem(
            "Stored listing counts wrong",
            f"Edition {report_id}: stored {stored.get(report_id)}, counted {counts}. Report "
            "this bug; `python manage.py recount_listings` counts them again.",
        )
        for report_id, counts in sorted(live.items())
        if stored.get(report_id) != counts
    ]


def stored_turns_not_live():
    """Markets whose stored turns differ from turns computed now: never, while the
    database's triggers work (reports/market_turns.py); if so, the home page, the timeline
    and the editions' changes misstate them."""
    return _markets_not_live("Stored turns wrong", stored_turns(), live_turns())


def stored_moves_not_live():
    """Markets whose stored moves to another section differ from moves computed now: never,
    while the database's triggers work (reports/section_moves.py); if so, the editions'
    changes misstate which markets moved."""
    return _markets_not_live("Stored section moves wrong", stored_moves(), live_moves())


def _markets_not_live(check, stored, live):
    """A problem for each market whose rows (market id first) differ between `stored` and
    `live`, naming both."""
    markets = sorted({row[0] for row in stored ^ live})
    return [
        Problem(
            check,
            f"Market {market}: stored {sorted(row[1:] for row in stored if row[0] == market)}, "
            f"computed {sorted(row[1:] for row in live if row[0] == market)}. Report this "
            "bug; `python manage.py recount_listings` computes them again.",
        )
        for market in markets
    ]


def stored_turn_counts_not_live():
    """Editions whose stored counts of turns differ from a count of the turns computed now:
    never, while the database's triggers work (reports/turn_counts.py); if so, the timeline
    and the editions' changes misstate how many markets turned."""
    stored, live = stored_turn_counts(), live_turn_counts()
    shapes = stored.keys() | live.keys()
    years = {shape[0] for shape in shapes if stored.get(shape) != live.get(shape)}
    return [
        Problem(
            "Stored turn counts wrong",
            f"The edition reviewing {year}: stored "
            f"{sorted((shape[1:], n) for shape, n in stored.items() if shape[0] == year)}, "
            f"counted {sorted((shape[1:], n) for shape, n in live.items() if shape[0] == year)}. "
            "Report this bug; `python manage.py recount_listings` counts them again.",
        )
        for year in sorted(years)
    ]


def stored_group_counts_not_live():
    """Editions whose stored counts of listings by country and category differ from a count
    made now: never, while the database's triggers work (reports/group_counts.py); if so,
    the charts by country and by category misstate them."""
    stored, live = stored_group_counts(), live_group_counts()
    groups = stored.keys() | live.keys()
    reports = {group[0] for group in groups if stored.get(group) != live.get(group)}
    years = dict(Report.objects.filter(pk__in=reports).values_list("pk", "year"))
    return [
        Problem(
            "Stored counts by country wrong",
            f"The edition reviewing {years.get(report, report)}: stored "
            f"{sorted((g[1:], n) for g, n in stored.items() if g[0] == report)}, counted "
            f"{sorted((g[1:], n) for g, n in live.items() if g[0] == report)}. Report this "
            "bug; `python manage.py recount_listings` counts them again.",
        )
        for report in sorted(reports)
    ]


def stored_article_count_not_live():
    """The stored count of published articles, if it differs from a count made now: never,
    while the database's triggers work (press/article_count.py); if so, `/coverage/`
    misstates how many articles it holds."""
    stored, live = stored_published_count(), Article.objects.published().count()
    if stored in (None, live):  # no row: the page counts live until the next change
        return []
    return [
        Problem(
            "Stored article count wrong",
            f"Stored {stored:,} published articles, counted {live:,}. Report this bug; "
            "`python manage.py recount_coverage` counts them again.",
        )
    ]


def stored_edition_article_counts_not_live():
    """Editions whose stored count of published articles differs from a count made now:
    never, while the database's triggers work (press/edition_article_count.py); if so, the
    edition's page misstates how much coverage it has. An edition without a row is counted
    live by its page, so it is no problem."""
    stored = stored_counts()
    live = live_counts(list(stored))
    wrong = sorted(report for report, count in stored.items() if live.get(report) != count)
    years = dict(Report.objects.filter(pk__in=wrong).values_list("pk", "year"))
    return [
        Problem(
            "Stored edition article count wrong",
            f"The edition reviewing {years.get(report, report)}: stored {stored[report]:,} "
            f"published articles, counted {live.get(report, 0):,}. Report this bug; "
            "`python manage.py recount_coverage` counts them again.",
        )
        for report in wrong
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
    incomplete_editions,
    more_listings_than_stated,
    first_listing_flags_not_first,
    published_listings_of_draft_markets,
    stored_counts_not_live,
    stored_turns_not_live,
    stored_moves_not_live,
    stored_turn_counts_not_live,
    stored_group_counts_not_live,
    stored_article_count_not_live,
    stored_edition_article_counts_not_live,
    markets_without_operator,
    articles_linked_to_nothing,
    names_shared_by_markets,
)


def find_problems():
    """Every problem every check finds, grouped by check."""
    return [problem for check in CHECKS for problem in check()]
