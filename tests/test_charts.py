"""Charts of the record (notorious/charts): what each counts, what it says it cannot count,
the images themselves, and the pages that show them."""

import io
import re
import xml.etree.ElementTree as ElementTree

import pytest
from django.test import Client
from PIL import Image

from notorious.charts import data
from notorious.charts.views import IMAGE_POLICY
from notorious.markets.models import Market
from notorious.reports.models import Listing
from tests.factories import list_market, make_company, make_listing, make_market, make_report
from tests.page_helpers import grow, queries_for, text_of

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def record(db):
    """Two editions: 2020 marked all entered; 2021 states 4 online and 2 physical markets, of
    which 2 online and 1 physical are entered. A draft edition and a draft market too."""
    r2020 = make_report(2020, online_all_entered=True, physical_all_entered=True)
    r2021 = make_report(2021, online_count_stated=4, physical_count_stated=2)
    draft_edition = make_report(2022, is_published=False)
    group = make_company("Group")
    shop = make_market("Shop", operator=group, country="CN")
    forum = make_market("Forum", operator=make_company("Child", parent=group), country="CN")
    mall = make_market("Mall", kind="physical", country="MX")
    hidden = make_market("Hidden", is_published=False, country="CN")
    for report in (r2020, r2021):
        make_listing(shop, report)
    make_listing(forum, r2021)
    make_listing(mall, r2021)
    make_listing(hidden, r2021)
    make_listing(shop, draft_edition)
    return group


def column(chart, label):
    return dict(
        zip(
            chart.years,
            next(s.values for s in [*chart.series, *chart.stated] if s.label == label),
            strict=True,
        )
    )


def test_the_editions_chart_sets_entered_listings_beside_the_stated_counts(record):
    chart = data.editions_chart()
    assert chart.years == [2020, 2021]  # the draft edition is not charted
    assert column(chart, "Online entered") == {2020: 1, 2021: 2}  # not the draft market's
    assert column(chart, "Physical entered") == {2020: 0, 2021: 1}
    assert column(chart, "Online stated") == {2020: None, 2021: 4}
    assert chart.notes == [
        "Not every listing is entered for 2021: those counts are at least what is shown.",
        "The report's own count is not recorded for 2020.",
    ]


def test_countries_and_categories_count_published_listings_of_published_markets(record):
    countries = data.countries_chart()
    assert column(countries, "China") == {2020: 1, 2021: 2}
    assert column(countries, "Mexico") == {2020: 0, 2021: 1}
    categories = data.categories_chart()
    assert column(categories, "Physical marketplace") == {2020: 0, 2021: 1}


def test_a_market_with_no_country_is_counted_as_not_recorded(record):
    make_listing(make_market("Somewhere"), make_report(2023))
    assert column(data.countries_chart(), "Country not recorded")[2023] == 1


def test_a_market_moved_unpublished_or_deleted_moves_its_listings_in_the_charts(db):
    """The country and category charts read the counts the database keeps: every kind of
    edit moves them at once."""
    report = make_report(2021)
    market = make_market("Mover", country="CN", category="ecommerce")
    listing = make_listing(market, report)
    assert column(data.countries_chart(), "China") == {2021: 1}
    Market.objects.filter(pk=market.pk).update(country="MX", category="streaming")
    assert column(data.countries_chart(), "Mexico") == {2021: 1}
    assert "China" not in data.countries_chart().columns
    assert column(data.categories_chart(), "Streaming / IPTV") == {2021: 1}
    Market.objects.filter(pk=market.pk).update(is_published=False)
    assert data.countries_chart().columns == []
    Market.objects.filter(pk=market.pk).update(is_published=True)
    listing.is_published = False
    listing.save()
    assert data.countries_chart().columns == []
    Listing.objects.filter(pk=listing.pk).update(is_published=True)
    assert column(data.countries_chart(), "Mexico") == {2021: 1}
    market.delete()
    assert data.countries_chart().columns == []


def test_beyond_six_countries_the_rest_are_counted_together(db):
    report = make_report(2021, online_all_entered=True)
    for code in ("CN", "MX", "RU", "IN", "BR", "TR", "VN", "ID"):
        make_listing(make_market(f"Market {code}", country=code), report)
    chart = data.countries_chart()
    assert len(chart.series) == 7
    assert column(chart, "2 others") == {2021: 2}


def test_a_companys_chart_counts_its_own_and_its_subsidiaries_markets(record):
    chart = data.company_chart(record)
    assert column(chart, "Online") == {2020: 1, 2021: 2}
    assert chart.title == "Group's markets named in each edition"


def test_the_charts_page_shows_each_chart_with_its_figures_as_a_table(record):
    response = Client().get("/charts/")
    assert response.status_code == 200
    page = text_of(response)
    for title in ("by section", "by country", "by category"):
        assert f"Markets named in each edition, {title}" in page
    assert "Not every listing is entered for 2021" in page
    html = response.content.decode()
    assert '<img src="/charts/editions.svg" alt="Bar chart of the listings entered' in html
    assert '<a href="/charts/countries.png" download>PNG</a>' in html
    # The table: 2021's row gives 2 online entered, 4 stated.
    assert '<th scope="row">2021</th><td data-label="Online entered">2</td>' in html
    assert '<td data-label="Online stated">not recorded</td>' in html


def test_the_charts_tables_write_large_counts_with_thousands_separators(record):
    make_report(2023, online_count_stated=12345)
    html = Client().get("/charts/").content.decode()
    assert '<th scope="row">2023</th><td data-label="Online entered">0</td>' in html
    assert '<td data-label="Online stated">12,345</td>' in html


def test_the_record_chart_is_on_the_home_page_reports_and_editions(record):
    for url in ("/", "/reports/", "/reports/2021/"):
        html = Client().get(url).content.decode()
        assert 'src="/charts/editions.svg"' in html, url
        assert 'href="/charts/"' in html, url


def test_a_company_page_shows_its_markets_chart(record):
    html = Client().get(f"/companies/{record.slug}/").content.decode()
    assert f'src="/charts/companies/{record.slug}.svg"' in html


@pytest.mark.parametrize("name", ["editions", "countries", "categories"])
def test_an_svg_chart_is_an_image_with_its_title_and_source_and_no_script(record, name):
    response = Client().get(f"/charts/{name}.svg")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert response["Content-Security-Policy"] == IMAGE_POLICY
    root = ElementTree.fromstring(response.content)
    assert root.tag == f"{SVG}svg"
    assert not list(root.iter(f"{SVG}script"))
    words = " ".join(text for text in root.itertext())
    assert "Markets named in each edition" in words
    assert "Source: USTR" in words
    # The same chart gives the same bytes: its ETag holds.
    again = Client().get(f"/charts/{name}.svg", HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304


def test_a_png_chart_is_1200_by_600(record):
    response = Client().get(f"/charts/companies/{record.slug}.png")
    assert response["Content-Type"] == "image/png"
    assert Image.open(io.BytesIO(response.content)).size == (1200, 600)


@pytest.mark.parametrize(
    "url", ["/charts/nothing.svg", "/charts/editions.gif", "/charts/companies/nobody.svg"]
)
def test_an_unknown_chart_or_format_is_not_found(record, url):
    assert Client().get(url).status_code == 404


def test_a_draft_companys_chart_is_not_found(db):
    draft = make_company("Draft Co", is_published=False)
    list_market(make_market("Its Shop", operator=draft), 2021)
    assert Client().get(f"/charts/companies/{draft.slug}.svg").status_code == 404


def test_with_no_edition_published_the_charts_say_so(db):
    response = Client().get("/charts/")
    assert "No edition is published yet, so there is nothing to chart." in text_of(response)
    assert Client().get("/charts/editions.png").status_code == 200


def test_the_charts_cost_the_same_queries_whatever_the_data(db):
    client = Client()
    grow(2)
    small = {url: queries_for(client, url) for url in ("/charts/", "/charts/countries.svg")}
    grow(18, start=2)
    assert {url: queries_for(client, url) for url in small} == small


@pytest.mark.browser
def test_the_charts_page_in_a_browser(record, live_server, browser):
    from tests.conftest import ARTIFACTS

    errors = []
    for width in (375, 1280):
        page = browser.new_page(viewport={"width": width, "height": 900})
        page.on("console", lambda message: errors.append(message.text))
        page.goto(f"{live_server.url}/charts/")
        images = page.locator("figure.chart img")
        assert images.count() == 3
        for index in range(3):
            image = images.nth(index)
            image.scroll_into_view_if_needed()
            page.wait_for_function("image => image.complete", arg=image.element_handle())
            # Drawn under the site's CSP: a blocked or broken image has no natural width.
            assert image.evaluate("image => image.naturalWidth") > 0
            assert image.bounding_box()["width"] >= min(width - 40, 560)
        page.screenshot(path=ARTIFACTS / f"charts-{width}.png", full_page=True)
        assert not errors, errors
        page.close()


@pytest.mark.django_db(transaction=True)
def test_a_cached_chart_changes_with_the_next_commit(settings):
    """With the derived cache on (as in production), a chart is computed once per content
    generation: a change committed by anyone shows in the next chart."""
    settings.DERIVED_CACHE = True
    report = make_report(2021, online_all_entered=True)
    make_listing(make_market("First", country="CN"), report)
    assert column(data.countries_chart(), "China") == {2021: 1}
    make_listing(make_market("Second", country="CN"), report)  # committed: a new generation
    assert column(data.countries_chart(), "China") == {2021: 2}


# Share images (notorious/charts/share_images.py)


def share_tags(html):
    return dict(
        re.findall(r'<meta (?:property|name)="((?:og|twitter):[\w:]+)" content="([^"]*)"', html)
    )


@pytest.mark.parametrize(
    ("page", "image"),
    [
        ("/markets/shop/", "/charts/share/markets/shop.png"),
        ("/companies/group/", "/charts/share/companies/group.png"),
        ("/reports/2021/", "/charts/share/reports/2021.png"),
    ],
)
def test_a_market_company_or_edition_page_shares_its_own_image(record, page, image):
    tags = share_tags(Client().get(page).content.decode())
    assert tags["og:image"] == f"https://notorious.example{image}"
    assert (tags["og:image:width"], tags["og:image:height"]) == ("1200", "630")
    assert tags["og:image:alt"]
    assert tags["twitter:card"] == "summary_large_image"
    response = Client().get(image)
    assert response.status_code == 200
    assert Image.open(io.BytesIO(response.content)).size == (1200, 630)


def test_other_pages_have_no_share_image(record):
    tags = share_tags(Client().get("/markets/").content.decode())
    assert "og:image" not in tags
    assert tags["twitter:card"] == "summary"


def test_a_drafts_share_image_is_not_found_and_its_preview_names_none(record, editor_client):
    draft = make_market("Draft Shop", is_published=False)
    assert Client().get(f"/charts/share/markets/{draft.slug}.png").status_code == 404
    assert Client().get("/charts/share/reports/2022.png").status_code == 404
    preview = editor_client.get(f"/markets/{draft.slug}/").content.decode()
    assert "og:image" not in share_tags(preview)


def test_a_markets_and_a_companys_cards_say_what_their_pages_say(record):
    from notorious.charts import share_images
    from notorious.markets.models import Market
    from notorious.reports.models import Report

    editions = Report.objects.edition_record()
    shop = Market.objects.get(slug="shop")
    card = share_images.market_card(shop, shop.listing_history(editions), editions)
    statement = " ".join(card.lines)
    assert statement == "Listed in the 2021 review, the latest edition."
    assert statement in text_of(Client().get("/markets/shop/"))
    assert [cell.year for cell in card.cells][-2:] == [2020, 2021]
    counts = Market.objects.published().for_company(record).latest_edition_counts(editions)
    statement = " ".join(share_images.company_card(record, counts).lines)
    assert statement.startswith("Operates two markets recorded here")
    assert statement in text_of(Client().get(f"/companies/{record.slug}/"))


def test_an_editions_card_gives_its_sections_as_its_page_does(record):
    from notorious.charts import share_images
    from notorious.reports.models import Report

    report = Report.objects.with_entered_counts().get(year=2021)
    assert share_images.edition_card(report).lines == [
        "Online markets: 2 of 4 entered.",
        "Physical markets: 1 of 2 entered.",
    ]
