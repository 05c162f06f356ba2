"""The listing-derived market filters agree with the listing history, whatever the pattern,
and every reading of "published listings" agrees with the others."""

import itertools

import pytest

from notorious.api.views import ReportViewSet
from notorious.markets.history import CONTINUING, LISTED, NEW, RETURNING
from notorious.markets.models import Market
from notorious.reports.models import Report
from tests.factories import make_listing, make_market, make_report

YEARS = (2018, 2019, 2020, 2021)


@pytest.fixture
def every_pattern(db):
    """One market for every subset of four editions, 2018 and 2020 marked all entered, 2019
    and 2021 incomplete, and a market whose first listing a source says is its first."""
    note = {"completeness_note": "Checked against the report."}
    reports = {year: make_report(year, online_all_entered=year % 2 == 0, **note) for year in YEARS}
    # A draft edition before them must not count as an edition on record.
    make_report(2017, is_published=False)
    markets = []
    for size in range(len(YEARS) + 1):
        for years in itertools.combinations(YEARS, size):
            market = make_market(f"M {'-'.join(map(str, years)) or 'none'}")
            for year in years:
                make_listing(market, reports[year])
            markets.append(market)
    said_first = make_market("Said first")
    make_listing(said_first, reports[2020], source_says_first=True)
    make_listing(said_first, reports[2021])
    return [*markets, said_first]


def histories(markets):
    record = Report.objects.edition_record()
    markets = Market.objects.filter(pk__in=[market.pk for market in markets]).with_listings()
    return record, {market.pk: market.listing_history(record) for market in markets}


def test_status_filter_matches_listing_history_for_every_pattern(every_pattern):
    record, history = histories(every_pattern)
    seen = set()
    for report in Report.objects.published():
        for status in (NEW, CONTINUING, RETURNING, LISTED):
            expected = {pk for pk, h in history.items() if h.status_in(report.year)[0] == status}
            found = Market.objects.with_status_in(report, status, record)
            assert set(found.values_list("pk", flat=True)) == expected, (report.year, status)
            seen |= {history[pk].status_in(report.year) for pk in expected}
    # Every kind of status turns up, as a fact and as what is known.
    assert seen == {
        (NEW, True),
        (NEW, False),
        (CONTINUING, True),
        (RETURNING, True),
        (LISTED, False),
    }


def test_dropped_and_latest_match_listing_history(every_pattern):
    record, history = histories(every_pattern)
    for year in YEARS[1:]:
        report = Report.objects.get(year=year)
        expected = {pk for pk, h in history.items() if h.dropped_in(year)[0]}
        dropped = Market.objects.dropped_in(report, record)
        assert set(dropped.values_list("pk", flat=True)) == expected
        # A drop is a fact only where the edition's section is complete.
        assert {h.dropped_in(year)[1] for pk, h in history.items() if pk in expected} == {
            record.is_complete(year, "online")
        }
    latest = {pk for pk, h in history.items() if h.in_latest_edition}
    listed = Market.objects.listed_in(Report.objects.latest_edition())
    assert set(listed.values_list("pk", flat=True)) == latest
    assert len(latest) == 9


def test_edition_turns_sort_markets_by_their_histories(every_pattern):
    record, history = histories(every_pattern)
    by_name = {market.pk: market.name for market in every_pattern}
    for report in Report.objects.published():
        turns = Market.objects.turns_in(report, record)
        year = report.year
        groups = {
            "new": (NEW, True),
            "first_entered": (NEW, False),
            "returning": (RETURNING, True),
            "entered_again": (LISTED, False),
        }
        for group, status in groups.items():
            expected = sorted(
                by_name[pk] for pk, h in history.items() if h.status_in(year) == status
            )
            assert [market.name for market in getattr(turns, group)] == expected, (year, group)
        for group, confirmed in (("dropped", True), ("not_entered", False)):
            expected = sorted(
                by_name[pk] for pk, h in history.items() if h.dropped_in(year) == (True, confirmed)
            )
            assert [market.name for market in getattr(turns, group)] == expected, (year, group)
    # 2021 is incomplete: nothing named in 2020 and missing from it is called dropped.
    turns = Market.objects.turns_in(Report.objects.get(year=2021), record)
    assert not turns.dropped and len(turns.not_entered) == 4
    assert (
        turns.not_entered_note
        == "the 2021 review: 9 online markets entered; the report's count is not recorded"
    )
    assert [market.name for market in turns.new] == []
    assert "Said first" not in [market.name for market in turns.first_entered]


def test_histories_read_as_arrays_are_the_prefetched_listings_histories(every_pattern):
    """`with_history_listings` (each market's listings as arrays in its own row, for the
    lists) gives every market the history its prefetched listings give (its profile)."""
    # Listings readers may not see: in a draft edition, and a draft listing.
    never, always = every_pattern[0], every_pattern[-2]  # listed in none, in all four
    make_listing(always, Report.objects.get(year=2017))
    make_listing(never, Report.objects.get(year=2019), is_published=False)
    record, expected = histories(every_pattern)
    markets = Market.objects.filter(pk__in=expected).with_history_listings()
    read = {market.pk: market.listing_history(record) for market in markets}
    assert read == expected
    assert (read[never.pk].listed_years, read[always.pk].listed_years) == ((), YEARS)
    said = Market.objects.with_history_listings().get(name="Said first").listing_history(record)
    assert said.first_confirmed and said.status_in(2020) == (NEW, True)


def test_listing_summary_counts_only_published_listings(db):
    market = make_market("Summary")
    make_listing(market, make_report(2019))
    make_listing(market, make_report(2020), is_published=False)
    make_listing(market, make_report(2021, is_published=False))
    make_listing(market, make_report(2022))
    annotated = Market.objects.with_listing_summary().get(pk=market.pk)
    assert (annotated.first_year, annotated.last_year, annotated.years_listed) == (2019, 2022, 2)


def test_a_draft_markets_listings_read_the_same_every_way(db):
    """A draft market's own flag is its page's business (staff preview it): its listings in
    published editions count the same for every market-side query. The copies of the rule
    had drifted: the summary and the prefetch counted them, `listed_in` and the status and
    dropped filters, which also required the market itself to be published, did not."""
    r2020, r2021 = make_report(2020), make_report(2021)
    draft = make_market("Unannounced", is_published=False)
    make_listing(draft, r2020)
    make_listing(draft, r2021)
    make_listing(draft, make_report(2022, is_published=False))

    summary = Market.objects.with_listing_summary().get(pk=draft.pk)
    assert (summary.first_year, summary.last_year, summary.years_listed) == (2020, 2021, 2)
    record = Report.objects.edition_record()
    history = Market.objects.with_listings().get(pk=draft.pk).listing_history(record)
    assert history.listed_years == (2020, 2021)
    read = Market.objects.with_history_listings().get(pk=draft.pk).listing_history(record)
    assert read == history
    assert list(Market.objects.listed_in(r2021)) == [draft]
    assert list(Market.objects.with_status_in(r2021, CONTINUING, record)) == [draft]
    assert not Market.objects.dropped_in(r2021, record).exists()
    # Readers never see it: every reader's list starts from published markets.
    assert not Market.objects.published().listed_in(r2021).exists()


def test_a_draft_editions_entered_counts_are_the_listings_its_page_shows(db):
    """Entered counts are written once (`with_entered_counts`): a draft edition's preview,
    the API and the editors' figures read the same rule, drafts counted only for editors."""
    draft = make_report(2022, is_published=False)
    make_listing(make_market("Shown"), draft)
    make_listing(make_market("Draft listing"), draft, is_published=False)
    make_listing(make_market("Draft market", is_published=False), draft)

    preview = Report.objects.with_entered_counts().get(pk=draft.pk)
    assert preview.online_entered == draft.listings.published(of="report").count() == 1
    editors = Report.objects.with_entered_counts(include_drafts=True).get(pk=draft.pk)
    assert editors.online_entered == 3

    draft.is_published = True
    draft.save()
    api = ReportViewSet().get_queryset().get(pk=draft.pk)
    assert (api.online_entered, api.physical_entered) == (1, 0)
