"""Derived listing facts: first year, years listed, current run, statuses, latest edition."""

import pytest

from notorious.markets.history import CONTINUING, NEW, RETURNING, UNRECORDED, compute_history
from notorious.reports.models import Report

from .factories import list_market, make_listing, make_market, make_report

EDITIONS = (2018, 2019, 2020, 2021)


class TestComputeHistory:
    def test_gap_and_return(self):
        history = compute_history(EDITIONS, [2018, 2019, 2021])

        assert history.first_year == 2018
        assert history.years_listed == 3
        assert history.statuses == {2018: NEW, 2019: CONTINUING, 2021: RETURNING}
        assert history.status_in(2020) == ""
        assert history.in_latest_edition is True
        # Back in 2021 after missing 2020: the run restarts.
        assert history.current_run == 1

    def test_single_year_in_the_latest_edition(self):
        history = compute_history(EDITIONS, [2021])

        assert history.first_year == history.last_year == 2021
        assert history.years_listed == 1
        assert history.statuses == {2021: NEW}
        assert history.in_latest_edition is True
        assert history.current_run == 1

    def test_single_year_long_ago(self):
        history = compute_history(EDITIONS, [2019])

        assert history.statuses == {2019: NEW}
        assert history.in_latest_edition is False
        assert history.current_run == 0

    def test_continuous_run_to_the_latest(self):
        history = compute_history(EDITIONS, [2019, 2020, 2021])

        assert history.statuses == {2019: NEW, 2020: CONTINUING, 2021: CONTINUING}
        assert history.current_run == 3

    def test_dropped_before_the_latest_edition(self):
        history = compute_history(EDITIONS, [2018, 2019, 2020])

        assert history.in_latest_edition is False
        assert history.current_run == 0
        assert history.last_year == 2020

    def test_never_listed(self):
        history = compute_history(EDITIONS, [])

        assert history.first_year is None
        assert history.years_listed == 0
        assert history.current_run == 0
        assert history.in_latest_edition is False
        assert [cell.label for cell in history.cells()] == ["Not listed"] * 4

    def test_listed_in_editions_not_entered_makes_the_first_listing_continuing(self):
        history = compute_history(EDITIONS, [2018, 2019], listed_earlier=True)

        assert history.statuses == {2018: CONTINUING, 2019: CONTINUING}
        assert history.first_year == 2018  # the first year *on record*

    def test_listed_earlier_editions_before_the_first_entry_are_unrecorded(self):
        # Named in editions whose listings are not entered: the editions before the first
        # entered listing are unknown, not "not listed", and the first entry continues.
        history = compute_history(EDITIONS, [2020, 2021], listed_earlier=True)

        assert history.statuses == {2020: CONTINUING, 2021: CONTINUING}
        assert history.status_in(2018) == UNRECORDED
        assert [cell.label for cell in history.cells()] == [
            "Not recorded",
            "Not recorded",
            "Continuing",
            "Continuing",
        ]
        assert history.current_run == 2

    def test_years_without_an_edition_on_record_are_ignored(self):
        # A listing whose edition is not among those considered (e.g. a draft) does not count.
        history = compute_history((2018, 2019), [2018, 2019, 2020])

        assert history.listed_years == (2018, 2019)
        assert history.in_latest_edition is True

    def test_editions_out_of_order_and_duplicated(self):
        history = compute_history([2021, 2018, 2020, 2019, 2021], [2021, 2018])

        assert history.edition_years == EDITIONS
        assert history.statuses == {2018: NEW, 2021: RETURNING}

    def test_timeline_cells(self):
        history = compute_history(EDITIONS, [2018, 2019, 2021])

        cells = history.cells()
        assert [(c.year, c.listed, c.label) for c in cells] == [
            (2018, True, "New"),
            (2019, True, "Continuing"),
            (2020, False, "Not listed"),
            (2021, True, "Returning"),
        ]
        assert [c.year for c in history.cells(since=2020)] == [2020, 2021]


def readers_history(market):
    return market.listing_history(Report.objects.edition_years())


def editors_history(market):
    """What the admin shows: draft editions and draft listings included."""
    editions = Report.objects.edition_years(include_drafts=True)
    return market.listing_history(editions, include_drafts=True)


@pytest.mark.django_db
class TestMarketHistoryFromListings:
    def make_editions(self):
        return {year: make_report(year) for year in EDITIONS}

    def test_gap_and_return_from_rows(self):
        self.make_editions()
        market = list_market(make_market("Gap Market"), 2018, 2019, 2021)

        history = readers_history(market)

        assert history.listed_years == (2018, 2019, 2021)
        assert history.status_in(2021) == RETURNING
        assert history.current_run == 1
        assert history.in_latest_edition is True

    def test_not_in_the_latest_edition(self):
        self.make_editions()
        market = list_market(make_market("Dropped Market"), 2018, 2019)

        history = readers_history(market)

        assert history.in_latest_edition is False
        assert history.current_run == 0
        assert history.latest_edition == 2021

    def test_listed_before_first_entry(self):
        self.make_editions()
        market = list_market(
            make_market("Old Market", listed_before_first_entry=True), 2018, 2019, 2020, 2021
        )

        history = readers_history(market)

        assert history.status_in(2018) == CONTINUING
        assert history.current_run == 4

    def test_draft_listing_not_counted_for_readers(self):
        editions = self.make_editions()
        market = list_market(make_market("Half Draft"), 2018, 2019, 2020)
        make_listing(market, editions[2021], is_published=False)

        readers = readers_history(market)
        editors = editors_history(market)

        assert readers.listed_years == (2018, 2019, 2020)
        assert readers.in_latest_edition is False
        assert readers.current_run == 0
        assert editors.listed_years == (2018, 2019, 2020, 2021)
        assert editors.in_latest_edition is True
        assert editors.current_run == 4

    def test_draft_report_not_counted_for_readers(self):
        self.make_editions()
        make_report(2022, is_published=False)
        market = list_market(make_market("Listed In Draft"), 2021, 2022)

        readers = readers_history(market)
        editors = editors_history(market)

        # For readers the 2021 edition is the latest, and the draft 2022 one does not exist.
        assert readers.edition_years == EDITIONS
        assert readers.listed_years == (2021,)
        assert readers.in_latest_edition is True
        assert editors.latest_edition == 2022
        assert editors.listed_years == (2021, 2022)
        assert editors.status_in(2022) == CONTINUING

    def test_a_draft_edition_in_the_middle_does_not_break_a_run_for_readers(self):
        editions = self.make_editions()
        editions[2020].is_published = False
        editions[2020].save()
        market = list_market(make_market("Steady"), 2019, 2021)

        readers = readers_history(market)

        # Readers compare with the previous *published* edition, 2019.
        assert readers.status_in(2021) == CONTINUING
        assert readers.current_run == 2
        assert editors_history(market).status_in(2021) == RETURNING

    def test_single_listing_is_new(self):
        self.make_editions()
        market = list_market(make_market("Newcomer"), 2021)

        history = readers_history(market)

        assert history.first_year == 2021
        assert history.years_listed == 1
        assert history.status_in(2021) == NEW
        assert history.current_run == 1
