"""`{% load change_items %}`: the markets of a changes page's group, built in Python.

A changes page shows up to 20 markets in each of its groups, each with its section, what
moved, its reasons, quotation and source: some thirty template lookups and filters an item,
most of the page's time at 10,000 markets. `{% change_items group %}` writes the same items,
in the same words and markup, every entered text escaped as templates do
(`notorious.core.escaping.text`); tests/test_changes.py reads them. A group's listings come
from one or two editions, so what an item says of its edition (its link, the report's
address, its name) is written once a group, not once an item.
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


class _Edition:
    """What the items of a group say of one edition (`report`), written once."""

    def __init__(self, report):
        self.name = text(report)
        self.cite = f' cite="{text(report.source_url)}"' if report.source_url else ""
        self.link = f'<a href="{text(report.get_absolute_url())}">{report.year} review</a>'
        self.itself = (
            f' (<a href="{text(report.source_url)}" rel="noopener">the report itself</a>)'
            if report.source_url
            else ""
        )


def _quotation(listing, edition):
    page = f", page {text(listing.quotation_page)}" if listing.quotation_page else ""
    return (
        f'<figure class="quotation"><blockquote{edition.cite}>'
        f"{linebreaks(listing.quotation, autoescape=True)}</blockquote>"
        f"<figcaption>{edition.name}{page}</figcaption></figure>"
    )


def _source(change, edition, market_url):
    listing = change.listing
    page = f", page {text(listing.quotation_page)}" if listing.quotation_page else ""
    return (
        f'<p class="meta">Source: {edition.link}{page}{edition.itself} · '
        f'<a href="{text(listing.get_absolute_url(market_url))}">this listing on '
        f"{text(change.market.name)}'s page</a></p>"
    )


def _item(change, edition):
    """`change` (a `MarketChange`) as an item of its group's list: the market and its
    section, the section it moved from, the last edition naming it before, the listing's
    reasons (Markdown, sanitised) and quotation, and its source (`edition`, its listing's)."""
    listing, market = change.listing, change.market
    section = KIND_LABELS.get(listing.section, listing.section).lower()
    market_url = market.get_absolute_url()
    parts = [
        f'<li class="listing change-item"><h3><a href="{text(market_url)}">'
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
        parts.append(_quotation(listing, edition))
    parts.append(_source(change, edition, market_url))
    parts.append("</li>")
    return "".join(parts)


@register.simple_tag
def change_items(changes):
    """The changes of a group (`changes`, its shown `MarketChange`s) as the items of its
    list, each written by `_item`."""
    editions = {}
    items = []
    for change in changes:
        report = change.listing.report
        edition = editions.get(report.pk)
        if edition is None:
            edition = editions[report.pk] = _Edition(report)
        items.append(_item(change, edition))
    return mark_safe("".join(items))


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
