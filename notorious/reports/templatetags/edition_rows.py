"""`{% load edition_rows %}`: a row of an edition's section, built in Python.

An edition's page shows up to 50 listings (25 of each section), each a row of five cells
read through some twenty template lookups, filters and tags (the market, its status, country,
operator, the reasons cut to 40 words, the quotation): at 10,000 markets these rows were
the largest part of the page's Python time. `{% edition_row listing cell %}` gives the
same row, in the same words and markup, in one call.
"""

from django import template
from django.template.defaultfilters import truncatewords
from django.utils.safestring import mark_safe

from notorious.core.country_names import country_code, country_name
from notorious.core.escaping import text
from notorious.core.markup import markdown_to_text
from notorious.core.models import if_published
from notorious.core.templatetags.timelines import status_tag

register = template.Library()

# The indentation of templates/reports/includes/section.html, so the page's HTML is as it
# was when the row was written there.
CELL_BREAK = "\n            "
LINE_BREAK = "\n              "


@register.simple_tag
def edition_row(listing, cell):
    """The `<tr>` of `listing` (its market and operator loaded) in its edition's section:
    the market, its status in the edition (`cell`, a markets.history.Cell), its country
    (and city), its operator (when published) and why the edition names it.

    Text is escaped as templates escape it (`core.escaping.text`); the filters are the
    template's own (`truncatewords`), called directly."""
    market = listing.market
    url = text(listing.get_absolute_url())
    status = status_tag(cell) if cell.listed else '<span class="muted">—</span>'
    where = text(country_name(country_code(market)) or "—")
    if market.city:
        where += f' <span class="muted">({text(market.city)})</span>'
    operator = if_published(market.operator)
    if operator:
        run_by = f'<a href="{text(operator.get_absolute_url())}">{text(operator.name)}</a>'
    else:
        run_by = '<span class="muted">not recorded</span>'
    page = listing.quotation_page
    quoted = ""
    if listing.quotation:
        quoted = (
            f'<span class="meta listing-source">“{text(truncatewords(listing.quotation, 25))}”'
            f"{f' (page {text(page)})' if page else ''}</span>"
        )
    reasons = text(truncatewords(markdown_to_text(listing.reasons), 40) or "—")
    source = (
        f'<span class="meta listing-source"><a href="{url}">The full entry</a>, with its '
        f"source in this edition{f', page {text(page)}' if page else ''}.</span>"
    )
    cells = [
        f'<th scope="row" data-label="Market"><a href="{url}">{text(market.name)}</a></th>',
        f'<td data-label="Status">{status}</td>',
        f'<td data-label="Country">{where}</td>',
        f'<td data-label="Operated by">{run_by}</td>',
        f'<td data-label="Why it is named" class="reasons">{reasons}{LINE_BREAK}{quoted}'
        f"{LINE_BREAK}{source}{CELL_BREAK}</td>",
    ]
    return mark_safe(f"<tr>{CELL_BREAK}{CELL_BREAK.join(cells)}\n          </tr>")
