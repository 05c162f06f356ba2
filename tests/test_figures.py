"""Figures say what they are about, and are shown only where they are about: a market's and
a company's figures on their pages, every other figure on the edition and article pages it
comes from."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from notorious.companies.models import Company
from notorious.dataset.export import export_dataset
from notorious.dataset.restore import import_dataset
from notorious.figures.models import About, Figure
from notorious.markets.models import Market
from notorious.press.models import Article
from notorious.reports.models import Listing, Report
from tests.factories import (
    make_article,
    make_company,
    make_figure,
    make_listing,
    make_market,
    make_report,
)
from tests.page_helpers import text_of

pytestmark = pytest.mark.django_db


def page(client, entry):
    response = client.get(entry.get_absolute_url())
    assert response.status_code == 200
    return text_of(response)


@pytest.fixture
def group():
    """A parent company, its subsidiary running a market, another company's market, an
    edition listing both markets and an article about both."""
    parent = make_company("Parent Group")
    subsidiary = make_company("Subsidiary Ltd", parent=parent)
    market = make_market("Bazaar One", operator=subsidiary)
    other = make_market("Other Bazaar", operator=make_company("Unrelated Co"))
    report = make_report(2021)
    for each in (market, other):
        make_listing(each, report)
    article = make_article("Coverage of both", markets=[market, other], reports=[report])
    return {
        "parent": parent,
        "subsidiary": subsidiary,
        "market": market,
        "other": other,
        "report": report,
        "article": article,
    }


def test_a_country_figure_is_not_listed_under_the_markets_its_edition_lists(client, group):
    make_figure(
        "75",
        measures="Share of seized fakes that came from China",
        about=About.COUNTRY,
        countries=["CN"],
        source_report=group["report"],
        source_article=group["article"],
    )
    for market in (group["market"], group["other"]):
        text = page(client, market)
        assert "Share of seized fakes" not in text
        assert f"No figure about {market.name} or the companies behind it" in text
    # It is on the pages it comes from, saying what it is about.
    for source in (group["report"], group["article"]):
        assert "75% Share of seized fakes that came from China About China" in page(client, source)
    assert "About China" in page(client, Figure.objects.get())


def test_a_market_figure_is_on_its_page_and_its_companies_pages(client, group):
    make_figure("12", measures="Listings removed", about=About.MARKET, market=group["market"])
    assert "12% Listings removed" in page(client, group["market"])
    # Its operator's page and that company's owner's page: the market is in their group.
    assert "12% Listings removed" in page(client, group["subsidiary"])
    assert "12% Listings removed" in page(client, group["parent"])
    assert "Listings removed" not in page(client, group["other"])
    assert "Listings removed" not in page(client, group["other"].operator)


def test_a_company_figure_is_on_its_owners_and_its_markets_pages(client, group):
    make_figure(
        "3", "billion US$", measures="Sales", about=About.COMPANY, company=group["subsidiary"]
    )
    for entry in (group["subsidiary"], group["parent"], group["market"]):
        text = page(client, entry)
        assert "3 billion US$ Sales" in text and "About Subsidiary Ltd" in text
    assert "Sales" not in page(client, group["other"])
    # A figure about the owner is on its markets' pages too, not on a subsidiary's page.
    make_figure(
        "9", "billion US$", measures="Group revenue", about=About.COMPANY, company=group["parent"]
    )
    assert "Group revenue" in page(client, group["market"])
    assert "Group revenue" not in page(client, group["subsidiary"])


def test_a_figure_about_a_draft_is_not_shown(client, group):
    draft = make_market("Draft Bazaar", operator=group["subsidiary"], is_published=False)
    make_figure("5", measures="Draft market's share", about=About.MARKET, market=draft)
    assert "Draft market's share" not in page(client, group["subsidiary"])
    assert not Figure.objects.published().exists()
    assert client.get(reverse("api:figure-list")).json()["count"] == 0


@pytest.mark.parametrize(
    "fields, field",
    [
        ({"about": About.MARKET}, "market"),
        ({"about": About.COMPANY}, "company"),
        ({"about": About.COUNTRY}, "countries"),
        ({"about": About.COUNTRY, "countries": ["CN"], "with_market": True}, "market"),
        ({"about": About.EDITION, "without_report": True}, "source_report"),
        ({"about": About.EDITION, "countries": ["CN"]}, "countries"),
    ],
)
def test_the_subject_named_must_match_what_it_is_about(group, fields, field):
    fields = dict(fields)
    figure = Figure(
        slug="a-figure",
        value=1,
        unit="%",
        measures="Something",
        source_article=group["article"],
        source_report=None if fields.pop("without_report", False) else group["report"],
        market=group["market"] if fields.pop("with_market", False) else None,
        **fields,
    )
    with pytest.raises(ValidationError) as error:
        figure.full_clean()
    assert field in error.value.message_dict


def test_an_economy_figure_may_name_its_country_or_none(group):
    figure = Figure(
        slug="cost",
        value=Decimal("29.2"),
        unit="billion US$ a year",
        measures="Cost",
        about=About.ECONOMY,
        source_report=group["report"],
    )
    figure.full_clean()
    assert figure.about_text == "the world economy"
    figure.countries = ["US"]
    figure.full_clean()
    assert figure.about_text == "the economy (United States of America)"


def test_editors_must_say_what_a_figure_is_about(editor_client, group):
    url = reverse("admin:figures_figure_add")
    form = {
        "value": "10",
        "unit": "%",
        "measures": "A share",
        "slug": "a-share",
        "source_report": group["report"].pk,
        "is_published": "on",
    }
    response = editor_client.post(url, form)
    assert response.status_code == 200 and not Figure.objects.exists()
    assert "This field is required" in text_of(response)
    response = editor_client.post(url, {**form, "about": "market", "market": group["market"].pk})
    assert response.status_code == 302
    assert Figure.objects.get().market == group["market"]


@pytest.mark.parametrize("source", ["json", "csv"])
def test_what_a_figure_is_about_survives_an_export_and_import(tmp_path, group, source):
    make_figure(slug="removed", about=About.MARKET, market=group["market"])
    make_figure(
        slug="seized",
        about=About.COUNTRY,
        countries=["HK", "CN"],
        source_report=None,
        source_article=group["article"],
    )
    make_figure(slug="older", about="")  # entered before figures said what they are about
    export_dataset(tmp_path / "first")
    Figure.objects.all().delete()
    for model in (Article, Listing, Market, Report, Company):
        model.objects.all().delete()

    import_dataset(tmp_path / "first", source=source)

    figures = {figure.slug: figure for figure in Figure.objects.select_related("market")}
    assert (figures["removed"].about, figures["removed"].market.slug) == ("market", "bazaar-one")
    assert figures["seized"].about_text == "China and Hong Kong"
    assert figures["older"].about == ""
    export_dataset(tmp_path / "second")
    for name in ("figures.csv", "dataset.json"):
        assert (tmp_path / "first" / name).read_bytes() == (tmp_path / "second" / name).read_bytes()
