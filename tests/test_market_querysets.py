"""The listing-derived market filters agree with the listing history, whatever the pattern."""

import itertools

import pytest

from notorious.markets.models import Market
from notorious.reports.history import CONTINUING, NEW, RETURNING
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


def test_status_filter_matches_listing_history_for_every_pattern(every_pattern):
    for year in YEARS:
        for status in (NEW, CONTINUING, RETURNING):
            expected = {
                m.pk for m in every_pattern if m.listing_history().status_in(year) == status
            }
            found = set(Market.objects.with_status_in(year, status).values_list("pk", flat=True))
            assert found == expected, (year, status)


def test_dropped_and_latest_match_listing_history(every_pattern):
    for previous, year in itertools.pairwise(YEARS):
        expected = {
            m.pk
            for m in every_pattern
            if previous in m.listing_history().listed_years
            and year not in m.listing_history().listed_years
        }
        assert set(Market.objects.dropped_in(year).values_list("pk", flat=True)) == expected
    latest = {m.pk for m in every_pattern if m.listing_history().in_latest_edition}
    assert set(Market.objects.in_latest_edition().values_list("pk", flat=True)) == latest
    assert len(latest) == 16


def test_listing_summary_counts_only_published_listings(db):
    market = make_market("Summary")
    make_listing(market, make_report(2019))
    make_listing(market, make_report(2020), is_published=False)
    make_listing(market, make_report(2021, is_published=False))
    make_listing(market, make_report(2022))
    annotated = Market.objects.with_listing_summary().get(pk=market.pk)
    assert (annotated.first_year, annotated.last_year, annotated.years_listed) == (2019, 2022, 2)
