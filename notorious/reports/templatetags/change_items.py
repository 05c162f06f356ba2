"""`{% load change_items %}`: one market of a changes page's group, built in Python.

A changes page shows up to 20 markets in each of its groups, each with its section, what
moved, its reasons, quotation and source: some thirty template lookups and filters an item,
most of the page's time at 10,000 markets. `{% change_item change %}` writes the same item,
in the same words and markup, every entered text escaped as templates do
(`notorious.core.escaping.text`); tests/test_changes.py reads them.
"""

from django import template
from django.utils.html import linebreaks
from django.utils.safestring import mark_safe

from notorious.core.addresses import number_url
from notorious.core.escaping import text
from notorious.core.markup import render_markdown
from notorious.core.models import if_published
from notorious.markets.models import KIND_LABELS

register = template.Library()


def _quotation(listing, report):
    cite = f' cite="{text(report.source_url)}"' if report.source_url else ""
    page = f", page {text(listing.quotation_page)}" if listing.quotation_page else ""
    return (
        f'<figure class="quotation"><blockquote{cite}>'
        f"{linebreaks(listing.quotation, autoescape=True)}</blockquote>"
        f"<figcaption>{text(report)}{page}</figcaption></figure>"
    )


def _source(change, report):
    listing = change.listing
    page = f", page {text(listing.quotation_page)}" if listing.quotation_page else ""
    itself = (
        f' (<a href="{text(report.source_url)}" rel="noopener">the report itself</a>)'
        if report.source_url
        else ""
    )
    return (
        f'<p class="meta">Source: <a href="{text(report.get_absolute_url())}">'
        f"{report.year} review</a>{page}{itself} · "
        f'<a href="{text(listing.get_absolute_url())}">this listing on '
        f"{text(change.market.name)}'s page</a></p>"
    )


@register.simple_tag
def change_item(change):
    """`change` (a `MarketChange`) as an item of its group's list: the market and its
    section, the section it moved from, the last edition naming it before, the listing's
    reasons (Markdown, sanitised) and quotation, and its source."""
    listing, market = change.listing, change.market
    report = listing.report
    section = KIND_LABELS.get(listing.section, listing.section).lower()
    parts = [
        f'<li class="listing change-item"><h3><a href="{text(market.get_absolute_url())}">'
        f'{text(market.name)}</a> <span class="muted">{text(section)}</span></h3>'
    ]
    if change.previous_section:
        parts.append(
            f'<p class="meta">Moved from the {text(change.previous_section_display.lower())} '
            f"section to the {text(section)} section.</p>"
        )
    if change.last_listed_before:
        year = change.last_listed_before
        parts.append(
            f'<p class="meta">Last named before that in the <a href="'
            f'{text(number_url("reports:detail", "year", year))}">{year} review</a>.</p>'
        )
    if listing.reasons:
        parts.append(f'<div class="prose">{render_markdown(listing.reasons)}</div>')
    else:
        parts.append('<p class="muted">The reasons are not yet entered.</p>')
    if listing.quotation:
        parts.append(_quotation(listing, report))
    parts.append(_source(change, report))
    parts.append("</li>")
    return mark_safe("".join(parts))


@register.simple_tag
def market_names(changes, operators=False):
    """The markets of a group of an edition's turns (`changes`, its first few) as a list of
    names, each linked to its market; with `operators`, each followed by its operator's
    name when published. The home page and an edition's page show up to 150 such names."""
    items = []
    for change in changes:
        market = change.market
        item = f'<li><a href="{text(market.get_absolute_url())}">{text(market.name)}</a>'
        operator = if_published(market.operator) if operators else None
        if operator:
            item += f' <span class="muted">({text(operator.name)})</span>'
        items.append(item + "</li>")
    return mark_safe(f'<ul class="name-list">{"".join(items)}</ul>')
