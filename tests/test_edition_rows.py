"""An edition's section rows, built by `{% edition_row %}` (reports/templatetags/
edition_rows.py): the same markup, byte for byte, as the template that wrote them before,
for every kind of row (a quotation and its page, a city, a draft operator, Markdown and
markup in the reasons, long texts cut, no reasons, a market not yet listed)."""

import datetime

import pytest
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from notorious.press.models import Article
from notorious.reports.models import Report
from notorious.reports.views import ReportDetailView
from tests.factories import make_article, make_company, make_listing, make_market, make_report

pytestmark = pytest.mark.django_db

# The row as templates/reports/includes/section.html wrote it before the tag (its `{% for %}`
# line and indentation included).
TEMPLATE_ROW = """{% load markup publishing timelines %}{% for listing, cell in rows %}{% with url=listing.get_absolute_url %}
          <tr>
            <th scope="row" data-label="Market"><a href="{{ url }}">{{ listing.market.name }}</a></th>
            <td data-label="Status">{% if cell.listed %}{% status_tag cell %}{% else %}<span class="muted">—</span>{% endif %}</td>
            <td data-label="Country">{{ listing.market.country.name|default:"—" }}{% if listing.market.city %} <span class="muted">({{ listing.market.city }})</span>{% endif %}</td>
            <td data-label="Operated by">{% with operator=listing.market.operator|if_published %}{% if operator %}<a href="{{ operator.get_absolute_url }}">{{ operator.name }}</a>{% else %}<span class="muted">not recorded</span>{% endif %}{% endwith %}</td>
            <td data-label="Why it is named" class="reasons">{{ listing.reasons|markdown_text|truncatewords:40|default:"—" }}
              {% if listing.quotation %}<span class="meta listing-source">“{{ listing.quotation|truncatewords:25 }}”{% if listing.quotation_page %} (page {{ listing.quotation_page }}){% endif %}</span>{% endif %}
              <span class="meta listing-source"><a href="{{ url }}">The full entry</a>, with its source in this edition{% if listing.quotation_page %}, page {{ listing.quotation_page }}{% endif %}.</span>
            </td>
          </tr>
        {% endwith %}{% endfor %}"""  # noqa: E501 (the template's lines as they were)
TAG_ROW = """{% load edition_rows %}{% for listing, cell in rows %}
          {% edition_row listing cell %}
        {% endfor %}"""


def make_rows():
    """An edition with a listing of each kind, as its page reads them."""
    report = make_report(2021)
    make_report(2020)
    operator = make_company("Shop & <Co>")
    draft_operator = make_company("Hidden Co", is_published=False)
    markets = [
        make_market("A <b>bold</b> & “quoted” market", operator=operator, country="CN", city="Y&W"),
        make_market("Draft-run market", operator=draft_operator, country="RU"),
        make_market("Nowhere market"),
        make_market("Physical market", kind="physical", country="BR", city="São Paulo"),
    ]
    long_text = " ".join(f"word{i}" for i in range(60))
    make_listing(
        markets[0],
        report,
        reasons="**Sells** [fakes](https://example.com) & <script>x</script> *widely*.",
        quotation="A quotation with <tags> & “quotes” " + long_text,
        quotation_page=12,
    )
    make_listing(markets[1], report, reasons=long_text, quotation="Short quote.")
    make_listing(markets[2], report, reasons="")
    make_listing(markets[3], report, reasons="Plain reasons.", quotation_page=None)
    report = Report.objects.with_entered_counts().get(pk=report.pk)
    record = Report.objects.edition_record()
    rows = [row for section in ReportDetailView.section_rows(report, record, 0) for row in section]
    assert len(rows) == 4
    return rows


def test_a_row_is_the_markup_the_template_wrote():
    rows = make_rows()
    context = Context({"rows": rows})
    tag = Template(TAG_ROW).render(context)
    assert tag == Template(TEMPLATE_ROW).render(context)
    assert "&lt;b&gt;bold&lt;/b&gt; &amp; “quoted”" in tag
    assert "<script>" not in tag and "Hidden Co" not in tag
    assert "word39 …" in tag and " (page 12)</span>" in tag and ", page 12.</span>" in tag


def test_a_row_not_listed_in_the_edition_says_so():
    """A cell not listed (as no edition page gives, but the tag's branch) is a dash."""
    listing, cell = make_rows()[0]

    class NotListed:
        listed = False

    context = Context({"rows": [(listing, NotListed())]})
    tag = Template(TAG_ROW).render(context)
    assert tag == Template(TEMPLATE_ROW).render(context)
    assert '<td data-label="Status"><span class="muted">—</span></td>' in tag


def test_the_edition_page_shows_its_rows(client):
    make_rows()
    page = client.get("/reports/2021/").content.decode()
    assert page.count('<td data-label="Why it is named" class="reasons">') == 4
    assert 'class="reasons">Sells fakes &amp; widely.' in page
    assert '<span class="muted">(São Paulo)</span>' in page


def test_the_coverage_items_dates_are_cached_by_language(client):
    """An article's date is written once per day and language (`core.dates.time_html`):
    a page in one language never shows another's month names."""
    report = make_report(2021)
    make_article("Dated", reports=[report], published_on=datetime.date(2024, 3, 5))
    item = Template("{% load coverage_items %}{% article_item article %}")
    article = Article.objects.get(headline="Dated")
    with translation.override("fr"):
        assert "5 mars 2024</time>" in item.render(Context({"article": article}))
    english = item.render(Context({"article": article}))
    assert '<time datetime="2024-03-05">5 March 2024</time>' in english
    assert '<time datetime="2024-03-05">5 March 2024</time>' in (
        client.get("/reports/2021/").content.decode()
    )


def test_the_edition_page_reads_the_edition_record_once(client):
    """The editions chart draws from the record the page read for its rows."""
    make_rows()
    with CaptureQueriesContext(connection) as queries:
        page = client.get("/reports/2021/").content.decode()
    record_reads = [
        q["sql"]
        for q in queries.captured_queries
        if '"reports_entry_counts"' in q["sql"]
        and 'ORDER BY "reports_report"."year" ASC' in q["sql"]
    ]
    assert len(record_reads) == 1, record_reads
    assert "Markets named in each edition, by section" in page


def test_the_turns_name_each_market_escaped_with_only_a_published_operator(client):
    """The edition's new markets, written by `{% market_names %}`: each name linked and
    escaped, followed by its operator's name only when the operator is published."""
    make_report(2020, online_all_entered=True, physical_all_entered=True)
    edition = make_report(2021, online_all_entered=True, physical_all_entered=True)
    hidden = make_market("Fakes & <Co>", operator=make_company("Draft Owner", is_published=False))
    owned = make_market("Open Shop", operator=make_company("Owner & Sons"))
    make_listing(hidden, edition)
    make_listing(owned, edition)

    page = client.get("/reports/2021/").content.decode()

    assert "New in the 2021 review" in page
    names = page.split('<ul class="name-list">', 1)[1].split("</ul>", 1)[0]
    assert names == (
        '<li><a href="/markets/fakes-co/">Fakes &amp; &lt;Co&gt;</a></li>'
        '<li><a href="/markets/open-shop/">Open Shop</a>'
        ' <span class="muted">(Owner &amp; Sons)</span></li>'
    )
    assert "Draft Owner" not in page
