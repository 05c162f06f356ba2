"""What may be said of a market in each edition (markets/history.py): listed, not listed
only where a section is complete, not entered, gaps; statuses as facts or as what is known."""

import pytest

from notorious.markets.history import (
    CONTINUING,
    LISTED,
    NEW,
    NO_EDITION,
    NOT_ENTERED,
    NOT_LISTED,
    RETURNING,
    EditionRecord,
    SectionRecord,
    compute_history,
    year_ranges,
)
from notorious.reports.models import Report

from .factories import list_market, make_listing, make_market, make_report

EARLY = (2006, 2007, 2008, 2009)  # USTR's first list was in 2006


def record(years, incomplete=(), stated=40):
    """An online record of `years`, each complete except those in `incomplete` (6 of 40)."""
    return EditionRecord(
        years=tuple(sorted(years)),
        sections={
            (year, "online"): SectionRecord(
                year, "online", stated, 6 if year in incomplete else stated
            )
            for year in years
        },
    )


def labels(history):
    return [(cell.year, cell.label) for cell in history.cells()]


class TestComputeHistoryOnACompleteRecord:
    def test_gap_and_return(self):
        history = compute_history(record(EARLY), "online", [2006, 2007, 2009])

        assert history.statuses == {
            2006: (NEW, True),
            2007: (CONTINUING, True),
            2009: (RETURNING, True),
        }
        assert labels(history) == [
            (2006, "New"),
            (2007, "Continuing"),
            (2008, "Not listed"),
            (2009, "Returning"),
        ]
        assert history.first_confirmed and history.first_missing == ""
        assert history.complete_count and history.not_entered_years == []
        assert history.current_run == 1
        assert history.dropped_in(2008) == (True, True)

    def test_new_after_complete_earlier_editions(self):
        history = compute_history(record(EARLY), "online", [2008, 2009])

        assert history.status_in(2008) == (NEW, True)
        assert history.current_run == 2 and history.in_latest_edition

    def test_last_listing_is_a_fact_when_every_later_edition_is_complete(self):
        history = compute_history(record(EARLY), "online", [2006, 2007])

        assert history.last_confirmed
        assert history.latest_state == NOT_LISTED
        assert history.current_run == 0

    def test_never_listed(self):
        history = compute_history(record(EARLY), "online", [])

        assert history.first_year is None and not history.first_confirmed
        assert history.years_listed == 0 and history.complete_count
        assert [cell.label for cell in history.cells()] == ["Not listed"] * 4


class TestComputeHistoryOnAPartialRecord:
    def test_a_first_listing_after_incomplete_editions_is_first_entered(self):
        history = compute_history(record((2018, 2019, 2020), incomplete={2019}), "online", [2020])

        assert history.status_in(2020) == (NEW, False)
        assert history.cell_in(2020).label == "First entered"
        assert not history.first_confirmed
        assert history.first_missing == (
            "no edition on record for 2006–2017; online section incomplete in 2019"
        )
        assert not history.complete_count

    def test_a_source_saying_it_is_the_first_listing_confirms_new(self):
        history = compute_history(record((2019, 2020), incomplete={2019}), "online", [2020], True)

        assert history.status_in(2020) == (NEW, True)
        assert history.first_confirmed and history.first_missing == ""

    def test_not_listed_only_where_the_section_is_complete(self):
        history = compute_history(record((2018, 2019, 2020), incomplete={2019}), "online", [2020])

        assert [cell.state for cell in history.cells()] == [NOT_LISTED, NOT_ENTERED, "listed"]
        assert labels(history)[:2] == [(2018, "Not listed"), (2019, "Not entered")]
        assert history.not_entered_years == [2019]

    def test_back_after_an_incomplete_year_is_listed_not_returning(self):
        history = compute_history(record(EARLY, incomplete={2008}), "online", [2006, 2007, 2009])

        assert history.status_in(2009) == (LISTED, False)
        assert history.cell_in(2009).label == "Listed"
        # It may or may not have been left out of 2008: not a drop as a fact.
        assert history.dropped_in(2008) == (True, False)

    def test_back_after_a_complete_year_is_returning(self):
        history = compute_history(record(EARLY, incomplete={2007}), "online", [2006, 2009])

        assert history.status_in(2009) == (RETURNING, True)
        assert history.dropped_in(2007) == (True, False)
        assert history.dropped_in(2008) == (False, True)  # not named in 2007 as entered

    def test_a_year_without_an_edition_is_a_gap_not_skipped(self):
        history = compute_history(record((2006, 2007, 2009)), "online", [2006, 2007, 2009])

        assert labels(history) == [
            (2006, "New"),
            (2007, "Continuing"),
            (2008, "No edition on record"),
            (2009, "Listed"),
        ]
        assert history.cell_in(2008).state == NO_EDITION
        assert history.dropped_in(2008) == (False, True)  # nothing to have dropped it
        assert history.current_run == 1  # the gap breaks the run

    def test_last_entered_listing_is_not_the_last_while_later_editions_are_incomplete(self):
        history = compute_history(record(EARLY, incomplete={2009}), "online", [2006, 2007])

        assert not history.last_confirmed
        assert history.latest_state == NOT_ENTERED
        assert history.latest_missing == "6 of 40 online markets entered"


class TestEditionRecord:
    def test_sections_say_how_far_they_are_entered(self):
        assert SectionRecord(2020, "online", 39, 39).entered_text == "39 of 39 entered — complete"
        assert SectionRecord(2020, "online", 39, 6).entered_text == "6 of 39 entered"
        assert SectionRecord(2020, "online", 39, 38, all_entered=True).entered_text == (
            "38 of 39 entered — marked all entered"
        )
        assert SectionRecord(2020, "online", None, 6).entered_text == (
            "6 entered; the report's count is not recorded"
        )
        assert not SectionRecord(2020, "online", 39, 41).complete
        assert "more than the report states" in SectionRecord(2020, "online", 39, 41).entered_text
        assert SectionRecord(2020, "online", 39, 6).missing_text == "6 of 39 online markets entered"

    def test_what_is_missing(self):
        partial = record((2006, 2007, 2009, 2010), incomplete={2009})

        assert partial.span == (2006, 2007, 2008, 2009, 2010)
        assert partial.missing_in(2008, "online") == "no edition reviewing 2008 is on record"
        assert (
            partial.missing_in(2009, "online") == "the 2009 review: 6 of 40 online markets entered"
        )
        assert partial.missing_in(2010, "online") == ""
        assert partial.incomplete_through(2010, "online") == (
            "no edition on record for 2008; online section incomplete in 2009"
        )
        assert partial.incomplete_through(2007, "online") == ""
        assert partial.unconfirmed_because(2010, "online", LISTED) == partial.missing_in(
            2009, "online"
        )

    def test_year_ranges(self):
        assert year_ranges([2010]) == "2010"
        assert year_ranges([2008, 2006, 2007, 2010]) == "2006–2008 and 2010"
        assert year_ranges([2006, 2008, 2010, 2011]) == "2006, 2008 and 2010–2011"


def readers_history(market):
    return market.listing_history(Report.objects.edition_record())


def editors_history(market):
    """What the admin shows: draft editions and draft listings included."""
    return market.listing_history(
        Report.objects.edition_record(include_drafts=True), include_drafts=True
    )


@pytest.mark.django_db
class TestMarketHistoryFromListings:
    def make_editions(self, **fields):
        return {year: make_report(year, **fields) for year in (2018, 2019, 2020, 2021)}

    def test_edition_record_reads_stated_counts_and_marks(self, django_assert_num_queries):
        editions = self.make_editions(online_count_stated=1)
        editions[2019].online_count_stated = 2
        editions[2019].save()
        editions[2020].online_count_stated = None
        editions[2020].online_all_entered = True
        editions[2020].completeness_note = "Checked against the PDF."
        editions[2020].save()
        list_market(make_market("Everywhere"), 2018, 2019, 2020, 2021)

        with django_assert_num_queries(1):
            record = Report.objects.edition_record()
        assert record.years == (2018, 2019, 2020, 2021)
        assert [record.is_complete(year, "online") for year in record.years] == [
            True,
            False,
            True,
            True,
        ]
        assert record.section(2019, "online").missing_text == "1 of 2 online markets entered"
        assert not record.is_complete(2018, "physical")  # no count stated, none entered

    def test_gap_and_return_from_rows(self):
        self.make_editions()
        market = list_market(make_market("Gap Market"), 2018, 2019, 2021)

        history = readers_history(market)

        assert history.listed_years == (2018, 2019, 2021)
        # The 2020 edition's count is not stated: whether it named the market is not known.
        assert history.status_in(2021) == (LISTED, False)
        assert history.cell_in(2020).label == "Not entered"
        assert history.current_run == 1
        assert history.in_latest_edition is True

    def test_the_source_says_first_on_the_first_listing(self):
        editions = self.make_editions()
        market = make_market("Said First")
        make_listing(market, editions[2020], source_says_first=True)
        make_listing(market, editions[2021])

        history = readers_history(market)

        assert history.status_in(2020) == (NEW, True)
        assert history.first_confirmed

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
        assert readers.edition_years == (2018, 2019, 2020, 2021)
        assert readers.listed_years == (2021,)
        assert readers.in_latest_edition is True
        assert editors.latest_edition == 2022
        assert editors.listed_years == (2021, 2022)
        assert editors.status_in(2022) == (CONTINUING, True)

    def test_a_draft_edition_in_the_middle_is_a_gap_for_readers(self):
        editions = self.make_editions()
        editions[2020].is_published = False
        editions[2020].save()
        market = list_market(make_market("Steady"), 2019, 2020, 2021)

        readers = readers_history(market)

        # Readers have no 2020 edition: a gap, so 2021 may be continuing or returning.
        assert readers.cell_in(2020).label == "No edition on record"
        assert readers.status_in(2021) == (LISTED, False)
        assert editors_history(market).status_in(2021) == (CONTINUING, True)
