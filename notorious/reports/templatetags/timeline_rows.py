"""`{% load timeline_rows %}`: `/timeline/`'s rows, one per edition or year on record.

A row is written here, not by template tags, because the page has one for every edition
(24 at the benchmark's scale, against 5 in the demo) and each held some 35 template
variables and filters at a few microseconds each: a third of the page's time. Here a row
is a few f-strings, every entered text escaped. The words are the page's; tests in
tests/test_pages_home_timeline.py and test_timeline_*.py read them.
"""

from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe

from notorious.core.templatetags.numbers import thousands

register = template.Library()


def _plural(number):
    return "" if number == 1 else "s"


def _summary(row):
    """The row's one line, always shown: the edition, its date, entries, turns, coverage."""
    date = (
        f'<time datetime="{row.date.isoformat()}">{escape(row.date_display)}</time>'
        if row.date_known
        else "date not recorded"
    )
    entered = row.entered
    parts = [
        f"<strong>{row.year} review</strong>",
        date,
        f"{thousands(entered)} listing{_plural(entered)} entered",
    ]
    turns = (
        f"{thousands(row.new)} new, {thousands(row.returning)} returning, "
        f"{thousands(row.dropped)} dropped"
    )
    if not row.report.is_complete:
        turns += " among the listings entered (incomplete)"
    parts.append(turns)
    if row.any_unconfirmed:
        parts.append("some turns not confirmed")
    if row.coverage is not None:
        parts.append(f"{thousands(row.coverage)} article{_plural(row.coverage)} that month")
    return " · ".join(parts)


def _details(row, coverage_url):
    """What the row opens to: the edition's page, each section's entries, the turns, the
    month's coverage and the edition's changes page."""
    report = row.report
    title = f": {escape(report.title)}" if report.title else ""
    items = [
        f"<li>{escape(section.section[:1].upper() + section.section[1:])}: "
        f"{escape(section.entered_text)}</li>"
        for section in row.sections
    ]
    items.append(
        f"<li>Named for the first time: {thousands(row.new)}; back on the list: "
        f"{thousands(row.returning)}; left out: {thousands(row.dropped)}.</li>"
    )
    if row.any_unconfirmed:
        first, again, not_entered = row.unconfirmed
        items.append(
            "<li>Not confirmed, as earlier or this edition's listings are not all entered: "
            f"{thousands(first)} first entered (may have been named before), "
            f"{thousands(again)} entered again (may have been listed throughout), "
            f"{thousands(not_entered)} not entered (may still be listed).</li>"
        )
    if row.coverage is not None:
        year = row.date.year
        items.append(
            f"<li>{thousands(row.coverage)} article{_plural(row.coverage)} published in "
            f'{row.date.strftime("%B")} {year}: <a href="{escape(coverage_url)}?year={year}">'
            f"coverage from {year}</a>.</li>"
        )
    return (
        '<div class="edition-row-details">'
        f'<p><a href="{escape(report.get_absolute_url())}">The {row.year} review</a>{title}. '
        f"Published: {escape(row.date_display)}.</p>"
        f"<ul>{''.join(items)}</ul>"
        f'<p><a href="{escape(row.changes_url)}">What changed in the {row.year} review, '
        "market by market</a></p>"
        "</div>"
    )


@register.simple_tag
def edition_row(row, coverage_url):
    """One row of the timeline (`timeline_editions.EditionRow`) as its list item: a year with
    no edition says so; an edition is a summary line opening to its details. `coverage_url`:
    the coverage list's address (reversed once a page)."""
    if row.is_gap:
        return mark_safe(
            '<li class="edition-row edition-row--gap">'
            f"<p><strong>{row.year} review</strong>: no edition on record, so what it listed "
            "is not known.</p></li>"
        )
    return mark_safe(
        '<li class="edition-row"><details>'
        f"<summary>{_summary(row)}</summary>{_details(row, coverage_url)}"
        "</details></li>"
    )
