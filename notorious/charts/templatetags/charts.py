from django import template
from django.urls import reverse
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

from notorious.charts import data
from notorious.core.sharing import absolute_url
from notorious.core.templatetags.numbers import thousands

register = template.Library()

# A table's cell for a figure the record does not hold (a report's count not stated).
NOT_RECORDED = "not recorded"


@register.inclusion_tag("charts/chart.html")
def chart(name, record=None, heading_level=2, open=False):
    """One of the record's charts (`data.CHARTS`) with its table (shown if `open`), notes and
    downloads; `record` is the page's edition record, if it has read it."""
    return {"chart": data.CHARTS[name](record), "heading_level": heading_level, "open": open}


@register.inclusion_tag("charts/chart.html")
def company_chart(company, record=None, heading_level=2):
    """A company's markets in each edition, with its table, notes and downloads; `record` is
    the page's edition record, if it has read it."""
    return {"chart": data.company_chart(company, record), "heading_level": heading_level}


@register.simple_tag
def chart_table_rows(chart):
    """The rows of `chart`'s data table, one per edition: its year, then each column's value
    (with thousands separators: `thousands`) or "not recorded".
    Written here rather than by the template's loops: the table has a cell per edition and
    column (432 at 24 editions), and a template spent 20-30 µs on each, most of the charts
    page's time; here each column's label is escaped once and a cell is one f-string."""
    labels = [escape(label) for label in chart.columns]
    rows = []
    for year, values in chart.rows:
        cells = "".join(
            f'<td data-label="{label}">{NOT_RECORDED if value is None else thousands(value)}</td>'
            for label, (_column, value) in zip(labels, values, strict=True)
        )
        rows.append(f'<tr><th scope="row">{escape(year)}</th>{cells}</tr>')
    return mark_safe("\n".join(rows))


# What each kind of share image shows, for its alt text.
SHARE_ALT = {
    "market": "{}: its status in the latest edition and its listing timeline",
    "company": "{}: its markets on record and how many the latest edition names",
    "edition": "The {} review: each section's stated and entered counts",
}


@register.simple_tag
def share_image(kind, key, name):
    """The OpenGraph and Twitter tags for a page's share image: `kind` "market", "company" or
    "edition", `key` its slug or year, `name` what the alt text calls it."""
    url = absolute_url(reverse(f"share-{kind}", args=[key]))
    alt = SHARE_ALT[kind].format(name)
    return format_html(
        '<meta property="og:image" content="{}">\n'
        '  <meta property="og:image:type" content="image/png">\n'
        '  <meta property="og:image:width" content="1200">\n'
        '  <meta property="og:image:height" content="630">\n'
        '  <meta property="og:image:alt" content="{}">\n'
        '  <meta name="twitter:card" content="summary_large_image">\n'
        '  <meta name="twitter:image" content="{}">\n'
        '  <meta name="twitter:image:alt" content="{}">',
        url,
        alt,
        url,
        alt,
    )
