"""How listing histories are drawn (`{% load timelines %}`): a strip's cells, a status tag, a
first listing; and the edition page's cells, read from its markets' listed years, say what
each market's own history says."""

import pytest
from django.template import Context, Template

from notorious.markets.history import compute_history
from notorious.reports.models import Report

from .factories import list_market, make_listing, make_market, make_report
from .test_history import record


def render(source, **context):
    return Template("{% load timelines %}" + source).render(Context(context))


# 2006-2007 complete, 2008 incomplete, no edition for 2009, 2010 complete.
RECORD = record((2006, 2007, 2008, 2010), incomplete=(2008,))


def test_a_strip_says_each_year_in_words_letters_and_classes():
    history = compute_history(RECORD, "online", [2006, 2010])
    html = render("{% timeline_strip history label %}", history=history, label="A&B <timeline>")
    assert html.startswith('<ol class="strip" aria-label="A&amp;B &lt;timeline&gt;">')
    cells = html.split("<li ")[1:]
    assert cells[0] == (
        'class="strip-cell strip-cell--listed strip-cell--new" title="2006: listed, new">'
        '<span aria-hidden="true"><span class="strip-year">06</span>'
        '<span class="strip-mark">N</span></span> '
        '<span class="visually-hidden">2006: listed, new</span></li>'
    )
    said = [
        (cell.split('class="')[1].split('"')[0], cell.split('visually-hidden">')[1])
        for cell in cells
    ]
    assert said == [
        ("strip-cell strip-cell--listed strip-cell--new", "2006: listed, new</span></li>"),
        ("strip-cell strip-cell--not-listed", "2007: not listed</span></li>"),
        ("strip-cell strip-cell--not-entered", "2008: not entered</span></li>"),
        ("strip-cell strip-cell--no-edition", "2009: no edition on record</span></li>"),
        (
            "strip-cell strip-cell--listed strip-cell--listed strip-cell--unconfirmed",
            "2010: listed, listed</span></li></ol>",
        ),
    ]
    marks = [cell.split('strip-mark">')[1].split("<")[0] for cell in cells]
    assert marks == ["N", "–", "?", "/", "L"]


def test_an_unconfirmed_first_listing_is_first_entered_in_the_strip_and_its_tag():
    history = compute_history(record((2020, 2021), incomplete=(2020,)), "online", [2021])
    strip = render("{% timeline_strip history %}", history=history)
    assert 'aria-label="Listing timeline"' in strip
    assert 'title="2021: listed, first entered"' in strip
    assert 'strip-cell--listed strip-cell--new strip-cell--unconfirmed"' in strip
    tag = render("{% status_tag cell %}", cell=history.cell_in(2021))
    assert tag == (
        '<span class="tag tag--new tag--unconfirmed" title="Earlier editions are incomplete: '
        'it may have been named before">First entered</span>'
    )


def test_status_tags_say_what_is_known():
    history = compute_history(RECORD, "online", [2006, 2007, 2010])
    tags = [render("{% status_tag cell %}", cell=history.cell_in(year)) for year in (2006, 2007)]
    assert tags == [
        '<span class="tag tag--new">New</span>',
        '<span class="tag tag--continuing">Continuing</span>',
    ]
    assert render("{% status_tag cell %}", cell=history.cell_in(2010)) == (
        '<span class="tag tag--listed tag--unconfirmed" title="The edition before is '
        'incomplete or not on record: continuing or returning is not known">Listed</span>'
    )


def test_first_listed_is_a_fact_only_when_it_is_one():
    def first(years, incomplete=()):
        history = compute_history(record((2006, 2007), incomplete), "online", years)
        return render("{% first_listed history %}", history=history)

    assert first([2007]) == '<a href="/reports/2007/" title="The 2007 review">2007</a>'
    assert first([2007], incomplete=(2006,)) == (
        '<span class="qualified">first entered: <a href="/reports/2007/" title="The 2007 '
        'review">2007</a>; earlier editions are incomplete</span>'
    )
    assert first([]) == '<span class="muted">never</span>'
    assert first([], incomplete=(2006,)) == '<span class="muted">none entered</span>'


@pytest.mark.django_db
def test_edition_rows_say_what_each_markets_history_says(client):
    """The edition page reads its markets' listed years in one query, not their listings:
    its cells are those of `Market.listing_history`, in every case."""
    for year in (2019, 2020):
        make_report(year, online_count_stated=2)  # 2019 complete; 2020: 1 of 2 entered
    make_report(2022, online_count_stated=40)
    continuing = list_market(make_market("Continuing"), 2019, 2022, 2021)
    returning = list_market(make_market("Returning"), 2019, 2022)
    unknown = list_market(make_market("Unknown"), 2020, 2022)
    first_by_source = make_market("Said first")
    make_listing(first_by_source, Report.objects.get(year=2022), source_says_first=True)
    drafted = make_market("Draft before")
    make_listing(drafted, Report.objects.get(year=2021), is_published=False)
    make_listing(drafted, Report.objects.get(year=2022))
    new = list_market(make_market("New"), 2022)

    response = client.get("/reports/2022/")
    (_section, rows, _shown), *_ = response.context["sections"]
    record = Report.objects.edition_record()
    markets = [continuing, drafted, new, returning, first_by_source, unknown]
    assert [listing.market.name for listing, _cell in rows] == sorted(m.name for m in markets)
    by_name = {market.name: market for market in markets}
    for listing, cell in rows:
        expected = by_name[listing.market.name].listing_history(record).cell_in(2022)
        assert cell == expected, listing.market.name
    labels = {listing.market.name: cell.label for listing, cell in rows}
    assert labels == {
        "Continuing": "Continuing",
        "Draft before": "First entered",
        "New": "First entered",
        "Returning": "Listed",
        "Said first": "New",
        "Unknown": "Listed",
    }
