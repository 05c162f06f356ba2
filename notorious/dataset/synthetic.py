"""A generated dataset for load tests and benchmarks, at many times the demo's size.

Everything here is invented and says so: every name and headline starts with "Synthetic",
every slug with "synthetic-", every edition's title with "Synthetic edition" (their years
follow the demo's, 2022 on, so the latest edition, the home page's subject, is synthetic
and as large as the rest). It is meant for a scratch database holding the demo data at
most (`scripts/loadtest` makes one); `generate_synthetic` and the search benchmark
(`benchmarks/bench_search.py`) refuse any other (see `scratch_database_problems`), so it is
never mixed into real or demo data anyone reads, and `remove` takes it out again.

Rows are written with bulk_create (no signals, no edit history; PostgreSQL computes their
search vectors); the same seed gives the same dataset.
"""

import datetime
import random
from dataclasses import dataclass

from django.db import connection

from notorious.companies.models import Company
from notorious.figures.models import Figure
from notorious.markets.models import Category, Kind, Market
from notorious.press.models import Article, Outlet
from notorious.reports.models import Listing, Report

from . import demo

PREFIX = "Synthetic"
SLUG_PREFIX = "synthetic-"
FIRST_SYNTHETIC_YEAR = 2022  # after the demo's editions (2018-2021)
# Words a database name must contain before synthetic rows are written to it.
SCRATCH_NAME_MARKERS = ("loadtest", "bench", "synthetic")

ADJECTIVES = "Golden Silver Harbour Night Eastern Western Northern Southern Grand Little Royal "
ADJECTIVES += "Lucky Jade Coral Amber Crimson Azure Iron Silk Cedar Maple Lotus Pearl Summit"
NOUNS = "Bazaar Mall Plaza Market Exchange Depot Arcade Square Emporium Outlet Stream Cloud "
NOUNS += "Torrent Share Link Box Hub Vault Drive Store Shop Cast Tube Deals"
TOPICS = "counterfeit piracy seizure trademark streaming luxury footwear pharmaceuticals "
TOPICS += "electronics handbags enforcement takedown customs platform cyberlocker"
COUNTRIES = ["CN", "HK", "IN", "ID", "TH", "VN", "TR", "AE", "BR", "MX", "RU", "UA", "NG", "PH"]


@dataclass(frozen=True)
class Sizes:
    """How many of each entry to generate."""

    companies: int = 500
    markets: int = 2_000
    editions: int = 15
    listings: int = 20_000
    outlets: int = 40
    articles: int = 3_000


def real_entries():
    """Counts of the entries that are neither demo nor synthetic, by kind (empty: none)."""
    demo_slugs = {
        Company: {entry["slug"] for entry in demo.COMPANIES},
        Market: {entry["slug"] for entry in demo.MARKETS},
        Outlet: {entry["slug"] for entry in demo.OUTLETS},
        Article: {entry["slug"] for entry in demo.ARTICLES},
        Figure: {entry["slug"] for entry in demo.FIGURES},
    }
    counts = {}
    for model, slugs in demo_slugs.items():
        count = model.objects.exclude(slug__in=slugs).exclude(slug__startswith=SLUG_PREFIX).count()
        if count:
            counts[model._meta.verbose_name_plural] = count
    reports = (
        Report.objects.exclude(year__in=[entry["year"] for entry in demo.REPORTS])
        .exclude(title__startswith=f"{PREFIX} edition")
        .count()
    )
    if reports:
        counts["reports"] = reports
    return counts


def scratch_database_problems(database_name):
    """Why synthetic rows must not go into this database (empty when they may)."""
    problems = []
    if not any(marker in database_name.lower() for marker in SCRATCH_NAME_MARKERS):
        problems.append(
            f"The database '{database_name}' is not named as a scratch database: its name "
            f"must contain one of {', '.join(SCRATCH_NAME_MARKERS)} (e.g. notorious_loadtest)."
        )
    real = real_entries()
    if real:
        listed = ", ".join(f"{count} {kind}" for kind, count in real.items())
        problems.append(
            f"The database holds entries that are neither demo nor synthetic ({listed}); "
            "synthetic data never goes beside real data."
        )
    if Market.objects.filter(slug__startswith=SLUG_PREFIX).exists() or (
        Report.objects.filter(title__startswith=f"{PREFIX} edition").exists()
    ):
        problems.append(
            "The database already holds synthetic data; generate it into a fresh database "
            "(scripts/loadtest creates one each run)."
        )
    return problems


def _name(rng, kind, number):
    return f"{PREFIX} {rng.choice(ADJECTIVES.split())} {rng.choice(NOUNS.split())} {kind} {number}"


def _listing_slots(rng, market_count, edition_count, target):
    """(market index, edition index) pairs, `target` of them (if that many fit).

    Each market enters, stays and leaves the list like a real one: once listed it stays
    with probability 0.93 an edition, and an unlisted one enters with 0.14, so about two
    thirds of markets are on each edition and a few dozen arrive or drop each year.
    """
    slots = []
    for market in range(market_count):
        listed = rng.random() < 0.5
        for edition in range(edition_count):
            listed = rng.random() < (0.93 if listed else 0.14)
            if listed:
                slots.append((market, edition))
    target = min(target, market_count * edition_count)
    if len(slots) > target:
        slots = rng.sample(slots, target)
    elif len(slots) < target:
        taken = set(slots)
        free = [
            (market, edition)
            for market in range(market_count)
            for edition in range(edition_count)
            if (market, edition) not in taken
        ]
        slots += rng.sample(free, target - len(slots))
    return sorted(slots)


def generate(sizes=Sizes(), seed=2021):
    """Write the synthetic dataset; returns {kind: count written}. Call inside a transaction."""
    rng = random.Random(seed)
    numbers = iter(range(1, 10**9))
    companies = _companies(rng, numbers, sizes.companies)
    markets = _markets(rng, numbers, sizes.markets, companies)
    reports = _editions(sizes.editions)
    listings = _listings(rng, markets, reports, sizes.listings)
    outlets = _outlets(rng, numbers, sizes.outlets)
    articles = _articles(rng, numbers, sizes.articles, outlets)
    _link_articles(rng, articles, markets, companies, reports)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # plans for the tables' new sizes
    return {
        "companies": len(companies),
        "markets": len(markets),
        "editions": len(reports),
        "listings": len(listings),
        "outlets": len(outlets),
        "articles": len(articles),
    }


def _companies(rng, numbers, count):
    companies = []
    for index in range(count):
        n = next(numbers)
        companies.append(
            Company(
                name=_name(rng, "Group", n),
                slug=f"{SLUG_PREFIX}company-{n}",
                aliases=f"{PREFIX} Holdings {n}",
                country=rng.choice(COUNTRIES),
                website=f"https://synthetic-company-{n}.example",
                description=f"{PREFIX} company {index + 1}, generated for load tests.",
                is_published=rng.random() > 0.03,
            )
        )
    Company.objects.bulk_create(companies, batch_size=1000)
    # A tenth are subsidiaries of a company created before them (no ownership cycles).
    subsidiaries = []
    for index in range(1, len(companies)):
        if rng.random() < 0.1:
            companies[index].parent = companies[rng.randrange(index)]
            subsidiaries.append(companies[index])
    Company.objects.bulk_update(subsidiaries, ["parent"], batch_size=1000)
    return companies


def _markets(rng, numbers, count, companies):
    online_categories = [c for c in Category if c != Category.PHYSICAL_MARKETPLACE]
    markets = []
    for index in range(count):
        n = next(numbers)
        online = rng.random() < 0.6
        markets.append(
            Market(
                name=_name(rng, "Market", n),
                slug=f"{SLUG_PREFIX}market-{n}",
                aliases=f"{PREFIX} {n}" if rng.random() < 0.3 else "",
                kind=Kind.ONLINE if online else Kind.PHYSICAL,
                category=(
                    rng.choice(online_categories) if online else Category.PHYSICAL_MARKETPLACE
                ),
                country=rng.choice(COUNTRIES),
                city="" if online else f"{PREFIX} City {rng.randrange(1, 200)}",
                website=f"https://synthetic-market-{n}.example" if online else "",
                domains=f"synthetic-market-{n}.example" if online else "",
                operator=rng.choice(companies) if rng.random() < 0.75 else None,
                description=(
                    f"{PREFIX} market {index + 1}, generated for load tests. It sells "
                    f"{' and '.join(rng.sample(TOPICS.split(), 2))}."
                ),
                is_published=rng.random() > 0.03,
            )
        )
    Market.objects.bulk_create(markets, batch_size=1000)
    return markets


def _editions(count):
    reports = []
    for index in range(count):
        year = FIRST_SYNTHETIC_YEAR + index
        reports.append(
            Report(
                year=year,
                slug=str(year),
                title=f"{PREFIX} edition {year} (generated for load tests)",
                published_on=datetime.date(year + 1, 4, 1),
                published_on_precision="month",
                summary=f"{PREFIX} edition, generated for load tests; it reviews nothing.",
                is_published=True,
            )
        )
    return Report.objects.bulk_create(reports)


def _listings(rng, markets, reports, target):
    listings = [
        Listing(
            report=reports[edition],
            market=markets[market],
            section=markets[market].kind,
            reasons=f"{PREFIX} reasons: {' and '.join(rng.sample(TOPICS.split(), 2))}.",
            is_published=True,
        )
        for market, edition in _listing_slots(rng, len(markets), len(reports), target)
    ]
    return Listing.objects.bulk_create(listings, batch_size=2000)


def _outlets(rng, numbers, count):
    outlets = []
    for _ in range(count):
        n = next(numbers)
        outlets.append(
            Outlet(
                name=f"{PREFIX} Outlet {n}",
                slug=f"{SLUG_PREFIX}outlet-{n}",
                country=rng.choice(COUNTRIES),
                language="en",
                is_published=True,
            )
        )
    return Outlet.objects.bulk_create(outlets)


def _articles(rng, numbers, count, outlets):
    articles = []
    start = datetime.date(FIRST_SYNTHETIC_YEAR, 1, 1)
    for _ in range(count):
        n = next(numbers)
        topic = " ".join(rng.sample(TOPICS.split(), 3))
        articles.append(
            Article(
                headline=f"{PREFIX} article {n}: {topic}",
                slug=f"{SLUG_PREFIX}article-{n}",
                outlet=rng.choice(outlets) if outlets else None,
                url=f"https://synthetic-news.example/{n}",
                published_on=start + datetime.timedelta(days=rng.randrange(15 * 365)),
                language="en",
                summary=f"{PREFIX} coverage, generated for load tests, about {topic}.",
                is_published=rng.random() > 0.03,
            )
        )
    return Article.objects.bulk_create(articles, batch_size=1000)


def _link_articles(rng, articles, markets, companies, reports):
    """Each article covers one to three markets, sometimes a company or an edition."""
    about_markets = Article.markets.through
    about_companies = Article.companies.through
    about_reports = Article.reports.through
    links = {about_markets: [], about_companies: [], about_reports: []}
    for article in articles:
        for market in rng.sample(markets, min(len(markets), rng.randint(1, 3))):
            links[about_markets].append(about_markets(article=article, market=market))
        if companies and rng.random() < 0.4:
            company = rng.choice(companies)
            links[about_companies].append(about_companies(article=article, company=company))
        if reports and rng.random() < 0.3:
            report = rng.choice(reports)
            links[about_reports].append(about_reports(article=article, report=report))
    for through, rows in links.items():
        through.objects.bulk_create(rows, batch_size=2000)


def remove():
    """Delete every synthetic entry, leaving any other (the demo's) as it was.

    In SQL, as it was written: no signals, so no edit history for rows no one edited. The
    links and listings of synthetic entries go first, then the entries, owners last.
    """
    marked = f"{SLUG_PREFIX}%"
    edition = f"{PREFIX} edition%"
    articles = f"SELECT id FROM {Article._meta.db_table} WHERE slug LIKE %s"
    markets = f"SELECT id FROM {Market._meta.db_table} WHERE slug LIKE %s"
    reports = f"SELECT id FROM {Report._meta.db_table} WHERE title LIKE %s"
    statements = [
        *(
            (
                f"DELETE FROM {field.remote_field.through._meta.db_table} "
                f"WHERE article_id IN ({articles})",
                [marked],
            )
            for field in Article._meta.many_to_many
        ),
        (
            f"DELETE FROM {Listing._meta.db_table} "
            f"WHERE market_id IN ({markets}) OR report_id IN ({reports})",
            [marked, edition],
        ),
        *(
            (f"DELETE FROM {model._meta.db_table} WHERE slug LIKE %s", [marked])
            for model in (Article, Market, Company, Outlet)
        ),
        (f"DELETE FROM {Report._meta.db_table} WHERE title LIKE %s", [edition]),
    ]
    with connection.cursor() as cursor:
        for sql, params in statements:
            cursor.execute(sql, params)
