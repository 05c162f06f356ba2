"""`{% load market_rows %}`: a row of the markets list, built in Python.

The list shows 50 markets a page, each a row of eight cells read through a dozen template
lookups and filters (names, operator, country, first listing, counts, status): at 10,000
markets they were about half of the page's time. `{% market_list_cells market cell
status_year %}` gives the same cells, in the same words and markup, in one call.
"""

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils.safestring import mark_safe

from notorious.core.country_names import country_code, country_name
from notorious.core.escaping import text
from notorious.core.models import if_published
from notorious.core.templatetags.timelines import first_listed, status_tag
from notorious.markets.models import KIND_LABELS

register = template.Library()

# The cells' indentation in templates/markets/market_list.html, so its HTML is unchanged.
CELL_BREAK = "\n                "


@register.simple_tag
def market_list_cells(market, cell, status_year):
    """The cells of `market`'s row: name, kind, category, country (and city), operator
    (when published), first listing, editions listed and, with `status_year`, its status
    in that review (`cell`). `market.history` is its listing history.

    Text is escaped as templates escape it (`core.escaping.text`)."""
    history = market.history
    operator = if_published(market.operator)
    where = text(country_name(country_code(market)) or "—")
    if market.city:
        where += f' <span class="muted">({text(market.city)})</span>'
    if operator:
        run_by = f'<a href="{text(operator.get_absolute_url())}">{text(operator.name)}</a>'
    else:
        run_by = '<span class="muted">not recorded</span>'
    count = history.years_listed
    at_least = (
        '<span class="muted">at least</span> ' if count and not history.complete_count else ""
    )
    cells = [
        f'<th scope="row" data-label="Market"><a href="{text(market.get_absolute_url())}">'
        f"{text(market.name)}</a></th>",
        f'<td data-label="Kind">{text(KIND_LABELS.get(market.kind, market.kind))}</td>',
        f'<td data-label="Category">{text(market.category_label)}</td>',
        f'<td data-label="Country">{where}</td>',
        f'<td data-label="Operated by">{run_by}</td>',
        f'<td data-label="First listed">{first_listed(history)}</td>',
        f'<td data-label="Editions listed" class="num">{at_least}{text(intcomma(count))}</td>',
        status_cell(cell, status_year) if status_year else "",
    ]
    return mark_safe(CELL_BREAK.join(cells))


def status_cell(cell, status_year):
    said = (
        status_tag(cell)
        if cell.listed
        else f'<span class="muted">{text(cell.label.lower())}</span>'
    )
    return f'<td data-label="In the {text(status_year)} review">{said}</td>'
