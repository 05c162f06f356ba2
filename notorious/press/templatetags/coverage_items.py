"""`{% load coverage_items %}`: an article of the coverage list, built in Python.

A page of coverage is 30 articles, each read through about twenty template lookups and
filters (headline, language, outlets, dates, summary excerpt, markets): at 200,000
articles they were most of the page's time. `{% coverage_item_lines article %}` gives
the same lines, in the same words and markup, in one call; `{% article_item article %}` the
shorter item of the short lists on profiles, editions and the home page (the same headline
and meta line).
"""

from django import template
from django.template.defaultfilters import truncatewords
from django.utils.safestring import mark_safe

from notorious.core.dates import time_html
from notorious.core.escaping import text
from notorious.core.languages import lang_attribute
from notorious.core.markup import markdown_to_text
from notorious.core.models import if_published

register = template.Library()

# The lines' indentation in templates/press/article_list.html, so its HTML is unchanged.
ITEM_BREAK, META_BREAK = "\n            ", "\n              "
# Words of a summary's plain text the list shows.
SUMMARY_WORDS = 45


def headline_link(article, lang):
    return (
        f'<a class="article-headline" href="{text(article.get_absolute_url())}"{lang}>'
        f"{text(article.headline)}</a>"
    )


def meta_parts(article):
    """The item's meta line, as its three parts: the published outlet (or that none is
    recorded), the date (or that none is), and the published outlet it republishes."""
    outlet = if_published(article.outlet)
    original = if_published(article.republishes)
    if outlet:
        by = f'<a href="{text(outlet.get_absolute_url())}">{text(outlet.name_html)}</a>'
    else:
        by = "Outlet not recorded"
    day = article.published_on
    when = time_html(day) if day else "date not recorded"
    credit = ""
    if original:
        credit = (
            f'· republishes a story by <a href="{text(original.get_absolute_url())}">'
            f"{text(original.name_html)}</a>"
        )
    return [by, f"· {when}", credit]


@register.simple_tag
def article_item(article):
    """One article of a short list (a profile's, an edition's, the home page's coverage):
    its headline, marked with its language, and its meta line (`meta_parts`)."""
    lang = lang_attribute(article.text_language)
    meta = " ".join(part for part in meta_parts(article) if part)
    return mark_safe(
        f'<li class="article-item">{headline_link(article, lang)}<p class="meta">{meta}</p></li>'
    )


@register.simple_tag
def coverage_item_lines(article):
    """The lines of `article`'s item (its `markets` prefetched, published ones only): the
    headline and meta line as `article_item`'s; an excerpt of its summary as plain text;
    and the markets it is about."""
    lang = lang_attribute(article.text_language)
    summary = ""
    if article.summary:
        excerpt = truncatewords(markdown_to_text(article.summary), SUMMARY_WORDS)
        summary = f'<p class="summary"{lang}>{text(excerpt)}</p>'
    markets = list(article.markets.all())
    about = ""
    if markets:
        links = ", ".join(
            f'<a href="{text(market.get_absolute_url())}">{text(market.name)}</a>'
            for market in markets
        )
        about = f'<p class="meta">About: {links}</p>'
    meta = META_BREAK.join(meta_parts(article))
    return mark_safe(
        ITEM_BREAK.join(
            [
                headline_link(article, lang),
                f'<p class="meta">{META_BREAK}{meta}{ITEM_BREAK}</p>',
                summary,
                about,
            ]
        )
    )
