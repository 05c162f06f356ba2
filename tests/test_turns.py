"""What an edition changed (`MarketQuerySet.turns_in`), counted in the database: the same
groups as each market's own listing history says, and shortened on the home page."""

import itertools

import pytest

from notorious.markets.history import LISTED, NEW, RETURNING
from notorious.markets.models import Market
from notorious.markets.turns import GROUPS
from notorious.reports.models import Report
from tests.factories import make_listing, make_market, make_report
from tests.page_helpers import text_of

YEARS = (2018, 2019, 2020, 2021, 2022)
# The kinds of change each edition below has among the cases.
COVERED = {
    2019: {"new", "first_entered", "dropped"},
    2021: {"new", "first_entered", "entered_again"},
    2022: set(GROUPS),
}


def group_by_history(market, record, year):
    """The group a market's own history (`markets.history`, the rule) puts it in."""
    history = market.listing_history(record)
    status, confirmed = history.status_in(year)
    dropped, drop_confirmed = history.dropped_in(year)
    if status == NEW:
        return "new" if confirmed else "first_entered"
    if status == RETURNING:
        return "returning"
    if status == LISTED:
        return "entered_again"
    if dropped:
        return "dropped" if drop_confirmed else "not_entered"
    return ""


@pytest.fixture
def every_case(db):
    """Editions 2018-2022 (2020 a draft, so not on record) with the online section complete
    in 2019 and 2021 only, the physical one in 2018, 2019 and 2022; a market of each kind
    for every set of editions naming it, with and without a source saying its first listing
    is one."""
    complete = {
        2018: ("physical",),
        2019: ("online", "physical"),
        2021: ("online",),
        2022: ("physical",),
    }
    reports = {
        year: make_report(
            year,
            is_published=year != 2020,
            online_all_entered="online" in complete.get(year, ()),
            physical_all_entered="physical" in complete.get(year, ()),
        )
        for year in YEARS
    }
    for kind, by_source in itertools.product(("online", "physical"), (False, True)):
        for size in range(1, len(YEARS) + 1):
            for years in itertools.combinations(YEARS, size):
                name = f"{kind} {by_source} {'-'.join(map(str, years))}"
                market = make_market(name, kind=kind)
                for year in years:
                    first = by_source and year == years[0]
                    make_listing(market, reports[year], source_says_first=first)
    make_market("Never listed")
    make_listing(make_market("Draft market", is_published=False), reports[2021])
    return reports


@pytest.mark.parametrize("year", [2019, 2021, 2022])
def test_turns_counted_in_sql_agree_with_each_history(every_case, year):
    record = Report.objects.edition_record()
    report = every_case[year]
    turns = Market.objects.published().turns_in(report, record)

    markets = Market.objects.published().with_listings()
    expected = {name: [] for name in GROUPS}
    for market in markets.order_by("name", "pk"):
        name = group_by_history(market, record, year)
        if name:
            expected[name].append(market.name)
    assert {name: [m.name for m in getattr(turns, name)] for name in GROUPS} == expected
    assert turns.counts == {name: len(names) for name, names in expected.items()}
    # The cases cover every kind of change.
    assert {name for name, names in expected.items() if names} == COVERED[year]


def test_shortened_turns_keep_the_counts_and_the_first_by_name(every_case):
    record = Report.objects.edition_record()
    report = every_case[2022]
    whole = Market.objects.published().turns_in(report, record)
    short = Market.objects.published().turns_in(report, record, length=2)
    assert short.counts == whole.counts
    for name in GROUPS:
        assert getattr(short, name) == getattr(whole, name)[:2]
    assert short.shortened and not whole.shortened
    # The notes name the sections of the whole group, not only of the markets shown.
    assert short.not_entered_note == whole.not_entered_note
    assert short.first_entered_note == whole.first_entered_note


def test_home_names_the_first_markets_of_each_change_and_links_to_the_rest(client, db, monkeypatch):
    monkeypatch.setattr("notorious.views.HOME_TURNS", 2)
    make_report(2020, online_all_entered=True)
    make_report(2021, online_all_entered=True)
    for name in ("Delta", "Alpha", "Charlie", "Bravo"):
        make_listing(make_market(name), Report.objects.get(year=2021), source_says_first=True)
    text = text_of(client.get("/"))
    assert "New in the 2021 review (4) Alpha Bravo The first two of 4, by name:" in text
    assert "Charlie" not in text and "Delta" not in text
    html = client.get("/").content.decode()
    assert 'href="/reports/2021/">all of them on the 2021 review' in html
    # The edition's page has them all.
    edition = text_of(client.get("/reports/2021/"))
    assert "New in the 2021 review (4) Alpha Bravo Charlie Delta" in edition
