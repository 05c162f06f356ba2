"""`{% load market_results %}`: a market of the search results, built in Python.

A search lists up to 20 markets, each read through about twenty template lookups and
filters (names, kind, category, country, operator and its owner, listing history): at
10,000 markets they were about half of the page's rendering. `{% market_result market
number strips_shown %}` gives the same lines, in the same words and markup, in one call.
"""

from django import template
from django.utils.safestring import mark_safe

from notorious.core.country_names import country_code, country_name
from notorious.core.escaping import text
from notorious.core.models import if_published
from notorious.core.templatetags.timelines import listing_summary, timeline_strip
from notorious.markets.models import KIND_LABELS

register = template.Library()

# The lines' indentation in templates/search/results.html.
LINE_BREAK = "\n              "


@register.simple_tag
def market_result(market, number, strips_shown):
    """The lines of search result `number` (counting from 1), `market`: its name and
    aliases, kind, category and country, its published operator (and the operator's
    published owner; whether the market was found through it, `market.via_company`), and
    its listing history (`market.history`) in words, with a timeline strip for the first
    `strips_shown` results that have a listing.

    Text is escaped as templates escape it (`core.escaping.text`)."""
    history = market.history
    lines = [
        f'<a class="result-title" href="{text(market.get_absolute_url())}">{text(market.name)}</a>'
    ]
    if market.alias_list:
        lines.append(f'<span class="result-aliases">also {text(market.aliases_html)}</span>')
    code = country_code(market)
    where = f" · {text(country_name(code))}" if code else ""
    lines.append(
        f'<span class="result-meta">{text(KIND_LABELS.get(market.kind, market.kind))} · '
        f"{text(market.category_label)}{where}</span>"
    )
    operator = if_published(market.operator)
    if operator:
        owner = if_published(operator.parent)
        part_of = f", part of {text(owner.name)}" if owner else ""
        badge = ' <span class="badge">found through its operator</span>'
        lines.append(
            f'<span class="result-meta">Operated by {text(operator.name)}{part_of}'
            f"{badge if market.via_company else ''}</span>"
        )
    lines.append(f'<span class="result-meta">{text(listing_summary(history))}</span>')
    if history.first_year and number <= strips_shown:
        lines.append(timeline_strip(history, market.name + " listing timeline"))
    return mark_safe(LINE_BREAK.join(lines))
