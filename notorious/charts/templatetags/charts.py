from django import template

from notorious.charts import data

register = template.Library()


@register.inclusion_tag("charts/chart.html")
def chart(name, record=None, heading_level=2, open=False):
    """One of the record's charts (`data.CHARTS`) with its table (shown if `open`), notes and
    downloads; `record` is the page's edition record, if it has read it."""
    return {"chart": data.CHARTS[name](record), "heading_level": heading_level, "open": open}


@register.inclusion_tag("charts/chart.html")
def company_chart(company, heading_level=2):
    """A company's markets in each edition, with its table, notes and downloads."""
    return {"chart": data.company_chart(company), "heading_level": heading_level}
