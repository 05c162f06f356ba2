"""The listing-derived market filters agree with the listing history, whatever the pattern,
and every reading of "published listings" agrees with the others."""

import itertools

import pytest

from notorious.api.views import ReportViewSet
from notorious.markets.history import CONTINUING, NEW, RETURNING
from notorious.markets.models import Market
from notorious.reports.models import Report
from tests.factories import make_listing, make_market, make_report

YEARS = (2018, 2019, 2020, 2021)


@pytest.fixture
def every_pattern(db):
    """One market for every subset of four editions, with and without earlier editions."""
    reports = {year: make_report(year) for year in YEARS}
    # A draft edition between them must not count as "the previous edition".
    make_report(2017, is_published=False)
    markets = []
    for earlier in (False, True):
        for size in range(len(YEARS) + 1):
            for years in itertools.combinations(YEARS, size):
                market = make_market(
                    f"M {earlier} {'-'.join(map(str, years)) or 'none'}",
                    listed_before_first_entry=earlier,
                )
                for year in years:
                    make_listing(market, reports[year])
                markets.append(market)
    return markets


def histories(markets):
    editions = Report.objects.edition_years()
    return {market.pk: market.listing_history(editions) for market in markets}


def test_status_filter_matches_listing_history_for_every_pattern(every_pattern):
    history = histories(every_pattern)
    for report in Report.objects.published():
        for status in (NEW, CONTINUING, RETURNING):
            expected = {pk for pk, h in history.items() if h.status_in(report.year) == status}
            found = Market.objects.with_status_in(report, status).values_list("pk", flat=True)
            assert set(found) == expected, (report.year, status)


def test_dropped_and_latest_match_listing_history(every_pattern):
    history = histories(every_pattern)
    for previous, year in itertools.pairwise(YEARS):
        expected = {
            pk
            for pk, h in history.items()
            if previous in h.listed_years and year not in h.listed_years
        }
        dropped = Market.objects.dropped_in(Report.objects.get(year=year))
        assert set(dropped.values_list("pk", flat=True)) == expected
    latest = {pk for pk, h in history.items() if h.in_latest_edition}
    listed = Market.objects.listed_in(Report.objects.latest_edition())
    assert set(listed.values_list("pk", flat=True)) == latest
    assert len(latest) == 16


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
    history = Market.objects.with_listings().get(pk=draft.pk).listing_history([2020, 2021])
    assert history.listed_years == (2020, 2021)
    assert list(Market.objects.listed_in(r2021)) == [draft]
    assert list(Market.objects.with_status_in(r2021, CONTINUING)) == [draft]
    assert not Market.objects.dropped_in(r2021).exists()
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
