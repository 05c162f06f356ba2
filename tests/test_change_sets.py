"""The changes between editions as SQL sets (reports/change_sets.py): the same groups as
the one rule (`markets.history.compute_history`) gives market by market, and the pages
that show them bounded, every change still reachable."""

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from notorious.markets.models import Kind, Market
from notorious.reports import change_sets
from notorious.reports import changes as changes_module
from notorious.reports import views as report_views
from notorious.reports.changes import edition_changes, edition_turns
from notorious.reports.models import Report
from tests.factories import make_company, make_listing, make_market, make_report
from tests.page_helpers import grow, queries_for, text_of

pytestmark = pytest.mark.django_db

NAMES = ("new", "returning", "dropped", "first_entered", "entered_again", "not_entered")


@pytest.fixture
def tangled():
    """Editions 2017 to 2023 with 2019 missing, complete and incomplete sections of both
    kinds, a draft edition, draft listings and markets, and markets of every pattern."""
    complete = {"online_all_entered": True, "physical_all_entered": True}
    note = {"completeness_note": "Checked."}
    reports = {
        2017: make_report(2017, online_count_stated=99, **note),  # incomplete
        2018: make_report(2018, **complete, **note),
        2020: make_report(2020, online_all_entered=True, physical_count_stated=50, **note),
        2021: make_report(2021, **complete, **note),
        2022: make_report(2022, physical_all_entered=True, online_count_stated=70, **note),
        2023: make_report(2023, **complete, **note),
        2024: make_report(2024, is_published=False),
    }
    patterns = [
        (2017, 2018, 2020, 2021, 2022, 2023),
        (2018,),
        (2018, 2021, 2023),
        (2020, 2022),
        (2021,),
        (2022, 2023),
        (2023,),
        (2017, 2020, 2023),
        (2018, 2020, 2021, 2024),
        (2020, 2021, 2022),
    ]
    for index, years in enumerate(patterns):
        for kind in Kind:
            market = make_market(f"{kind.label} {index}", kind=kind.value)
            for year in years:
                make_listing(market, reports[year], source_says_first=index == 6)
    # Drafts never count: a draft listing, and a draft market's listing.
    make_listing(make_market("Draft listing"), reports[2023], is_published=False)
    hidden = make_market("Draft market", is_published=False)
    make_listing(hidden, reports[2022])
    make_listing(hidden, reports[2023])
    return reports


def python_groups(report, record):
    """An edition's changes by the rule applied market by market (`Market.turns_in`)."""
    turns = Market.objects.published().turns_in(report, record)
    return {name: [market.name for market in getattr(turns, name)] for name in NAMES}


def sql_groups(report, record):
    changes = edition_changes(report, record, shown=1000)
    return {name: [change.market.name for change in getattr(changes, name)] for name in NAMES}


def test_the_sets_agree_with_the_rule_market_by_market(tangled):
    record = Report.objects.edition_record()
    for year in record.years:
        report = tangled[year]
        expected, found = python_groups(report, record), sql_groups(report, record)
        assert found == expected, year
    # The fixture does reach every group somewhere.
    reached = set()
    for year in record.years:
        reached |= {name for name, markets in sql_groups(tangled[year], record).items() if markets}
    assert reached == set(NAMES)


@pytest.mark.parametrize("few", [0, 10**6])
def test_small_and_large_groups_are_read_alike(tangled, monkeypatch, few):
    """A group at most FEW long has its ids read first, a longer one is read by name at
    once: either way, the same markets in the same order."""
    monkeypatch.setattr(change_sets, "FEW", few)
    record = Report.objects.edition_record()
    for year in record.years:
        assert sql_groups(tangled[year], record) == python_groups(tangled[year], record), year


def test_the_counts_and_notes_are_the_whole_groups(tangled):
    record = Report.objects.edition_record()
    changes = edition_changes(tangled[2022], record, shown=1)
    expected = python_groups(tangled[2022], record)
    for name in NAMES:
        group = getattr(changes, name)
        assert group.count == len(expected[name])
        assert [change.market.name for change in group] == expected[name][:1]
    turns = Market.objects.published().turns_in(tangled[2022], record)
    assert changes.first_entered_note == turns.first_entered_note
    assert changes.entered_again_note == turns.entered_again_note
    assert changes.not_entered_note == turns.not_entered_note


def test_an_editions_page_names_its_turns_as_the_rule_says(tangled):
    """The edition's page and the home page (`edition_turns`) read each group's markets
    without their listings' reasons: the same markets as the rule, linked to their pages,
    and nothing said of the section changes they do not count."""
    record = Report.objects.edition_record()
    for year in record.years:
        turns = edition_turns(tangled[year], record, shown=1000)
        named = {name: [change.market.name for change in getattr(turns, name)] for name in NAMES}
        assert named == python_groups(tangled[year], record), year
        assert "section_changed" not in turns.groups and turns.continuing_count is None
        for change in turns.new:
            assert change.market.get_absolute_url() == f"/markets/{change.market.slug}/"


@pytest.fixture
def crowded():
    """2020 and 2021 complete; 25 markets new in 2021, 3 dropped."""
    complete = {"online_all_entered": True, "physical_all_entered": True, "completeness_note": "x"}
    r2020 = make_report(2020, published_on=datetime.date(2021, 2, 1), **complete)
    r2021 = make_report(2021, published_on=datetime.date(2022, 2, 1), **complete)
    for number in range(25):
        make_listing(make_market(f"New {number:02}"), r2021, source_says_first=True)
    for number in range(3):
        make_listing(make_market(f"Gone {number}"), r2020)
    return r2021


def test_a_long_group_shows_its_first_changes_and_links_to_all(client, crowded):
    response = client.get("/reports/2021/changes/")
    assert response.status_code == 200
    text = text_of(response)
    assert "Added (25)" in text
    assert "The first 20 of 25 by name are listed here; all 25, 100 a page." in text
    assert "New 19" in text and "New 20" not in text
    assert 'href="/reports/2021/changes/?group=added"' in response.content.decode()
    # A short group is shown whole, with no such note.
    assert "Dropped (3)" in text and "Gone 2" in text and "of 3 by name" not in text


def test_a_groups_own_pages_hold_every_change(client, crowded, monkeypatch):
    monkeypatch.setattr(report_views, "CHANGES_PER_PAGE", 10)
    text = text_of(client.get("/reports/2021/changes/?group=added"))
    assert "Only the added markets are shown: 25, 10 a page." in text
    assert "1 to 10 of 25, by name." in text and "Page 1 of 3" in text
    assert "Dropped (" not in text  # other groups are on the overview
    last = client.get("/compare/?from=2020&to=2021&group=added&page=last")
    assert last.status_code == 200
    text = text_of(last)
    assert "21 to 25 of 25, by name." in text and "New 24" in text and "New 19" not in text


def test_a_bad_group_or_page_is_a_400_that_says_why(client, crowded):
    response = client.get("/reports/2021/changes/?group=everything")
    assert response.status_code == 400
    assert "There is no group “everything”: the groups are added, returning" in text_of(response)
    response = client.get("/compare/?from=2020&to=2021&group=added&page=9")
    assert response.status_code == 400
    assert "There is no page “9”" in text_of(response)


def test_an_editions_page_lists_each_groups_first_markets(client, crowded, monkeypatch):
    monkeypatch.setattr(changes_module, "TURNS_SHOWN", 5)
    response = client.get("/reports/2021/")
    text = text_of(response)
    assert "New in the 2021 review (25)" in text
    assert "The first 5 of 25 by name are listed here; all 25, with their reasons." in text
    assert 'href="/reports/2021/changes/?group=added"' in response.content.decode()
    # The home page names fewer of each group (its own HOME_TURNS_SHOWN), linking the same.
    home = client.get("/")
    assert "The first 10 of 25 by name are listed here; all 25, with their reasons." in text_of(
        home
    )


def test_without_the_previous_year_on_record_the_rest_are_in_the_editions_lists(
    client, monkeypatch
):
    monkeypatch.setattr(changes_module, "TURNS_SHOWN", 2)
    make_report(2018)
    r2020 = make_report(2020, online_count_stated=3)
    for number in range(3):
        make_listing(make_market(f"Entered {number}"), r2020)
    text = text_of(client.get("/reports/2020/"))
    assert "First entered in the 2020 review (3)" in text
    assert (
        "The first 2 of 3 by name are listed here; each listing's status is in the "
        "edition's lists of markets and in their download."
    ) in text


@pytest.mark.parametrize(
    "url",
    [
        "/reports/2021/",
        "/compare/?from=2018&to=2021&group=added",
        "/reports/2021/changes/?group=dropped&page=last",
        "/",
    ],
)
def test_query_count_does_not_grow_with_the_changes(db, url):
    client = Client()
    grow(2)
    small = queries_for(client, url)
    grow(18, start=2)
    assert queries_for(client, url) == small


def test_the_compiled_statement_follows_the_record(db):
    """`ChangeSets.first_changes` keeps each statement compiled for what it is made from:
    when the record changes, the same groups hold other markets (another statement); when
    only the rows change, the same statement reads them as they are now."""
    r2020 = make_report(2020)
    r2021 = make_report(2021, online_all_entered=True)
    for name, kind in [("Online gone", "online"), ("Physical gone", "physical")]:
        make_listing(make_market(name, kind=kind), r2020)
    make_listing(make_market("Staying", kind="online"), r2020)
    make_listing(Market.objects.get(name="Staying"), r2021)

    def groups():
        changes = edition_changes(r2021, Report.objects.edition_record())
        return {
            name: [change.market.name for change in group]
            for name, group in changes.groups.items()
            if group
        }

    # A market not in the later edition is dropped when its section there is complete.
    assert groups() == {"dropped": ["Online gone"], "not_entered": ["Physical gone"]}
    Report.objects.filter(pk=r2021.pk).update(online_all_entered=False, physical_all_entered=True)
    assert groups() == {"dropped": ["Physical gone"], "not_entered": ["Online gone"]}
    Market.objects.filter(name="Physical gone").update(name="Aardvark")
    assert groups() == {"dropped": ["Aardvark"], "not_entered": ["Online gone"]}


def test_the_shown_changes_of_every_group_are_one_statement(tangled):
    record = Report.objects.edition_record()
    changes_module.edition_changes(tangled[2022], record)  # its statement compiled
    with CaptureQueriesContext(connection) as captured:
        changes = changes_module.edition_changes(tangled[2022], record)
    assert len([group for group in changes.groups.values() if group.entries]) > 2
    # The stored counts, the section changes counted, the groups' changes.
    assert len(captured) == 3


def test_an_editions_turns_name_operators_only_when_published(client):
    """The turns' statement reads each market's operator with it (`NamedTurnSets`): named
    when published, left out when a draft, and a market without one has none."""
    r2021 = make_report(2021, online_all_entered=True, physical_all_entered=True)
    operators = {
        "Shown Co": make_company("Shown Co"),
        "Draft Co": make_company("Draft Co", is_published=False),
    }
    for name, operator in [("A market", "Shown Co"), ("B market", "Draft Co"), ("C market", None)]:
        market = make_market(name, operator=operators.get(operator))
        make_listing(market, r2021, source_says_first=True)
    turns = edition_turns(r2021, Report.objects.edition_record())
    assert [change.market.operator and change.market.operator.name for change in turns.new] == [
        "Shown Co",
        "Draft Co",
        None,
    ]
    text = text_of(client.get("/reports/2021/"))
    assert "A market (Shown Co)" in text and "Draft Co" not in text
