"""`load_demo`: the facts from the seed notes, created once and never over an editor's work."""

import datetime
from io import StringIO

import pytest
from django.apps import apps
from django.core import serializers
from django.core.management import call_command
from django.urls import reverse

from notorious.companies.models import Company
from notorious.dataset import demo
from notorious.figures.models import Figure
from notorious.markets.history import CONTINUING, NEW, NOT_ENTERED
from notorious.markets.models import Market
from notorious.press.models import Article
from notorious.reports.models import Listing, Publication, Report
from tests.factories import make_company, make_market
from tests.page_helpers import text_of

pytestmark = pytest.mark.django_db

CONTENT_APPS = ("companies", "markets", "reports", "press", "figures")


def snapshot():
    """Every content row, all fields (timestamps included), in a stable order."""
    rows = []
    for app in CONTENT_APPS:
        for model in apps.get_app_config(app).get_models():
            rows.append(serializers.serialize("json", model.objects.order_by("pk")))
    return rows


def load(*args):
    out = StringIO()
    call_command("load_demo", *args, stdout=out)
    return out.getvalue()


def make_run_steps():
    """What `make run` does before serving (see the Makefile): migrate, then load the demo."""
    call_command("migrate", "--no-input", verbosity=0, stdout=StringIO())
    return load()


def histories():
    record = Report.objects.edition_record()
    return {market.slug: market.listing_history(record) for market in Market.objects.all()}


# --- Loading: only what is missing ----------------------------------------------------------


def test_loading_twice_changes_nothing():
    first = load()
    before = snapshot()
    output = load()
    assert snapshot() == before
    entries = len(demo.REPORTS + demo.COMPANIES + demo.MARKETS + demo.LISTINGS)
    entries += len(demo.OUTLETS + demo.ARTICLES + demo.FIGURES)
    assert f"{entries} entries were created" in first
    assert "0 entries were created, the rest left as they are" in output


def test_dry_run_writes_nothing():
    output = load("--dry-run")
    assert "nothing was written" in output and "entries would be created" in output
    assert Market.objects.count() == 0 and Report.objects.count() == 0


def test_an_editors_corrections_survive_make_run():
    """The bug: `make run` put the demo's values back over an editor's corrections."""
    make_run_steps()
    report = Report.objects.get(year=2018)
    report.published_on, report.published_on_precision = datetime.date(2019, 4, 25), "day"
    report.save()
    pinduoduo = Market.objects.get(slug="pinduoduo")
    pinduoduo.operator = make_company("PDD Holdings")
    pinduoduo.save()
    wangpan = Market.objects.get(slug="baidu-wangpan")
    wangpan.category = ""
    wangpan.save()
    listing = Listing.objects.get(market__slug="taobao", report__year=2021)
    listing.reasons = "Corrected by an editor."
    listing.save()
    Listing.objects.get(market__slug="wechat", report__year=2021).delete()
    Figure.objects.get(slug="2021-physical-markets-in-china").delete()

    output = make_run_steps()

    assert "0 entries were created, the rest left as they are" in output
    assert "WeChat in the 2021 edition" in output and "Physical marketplaces" in output
    assert Report.objects.get(year=2018).publication_date_display == "25 April 2019"
    assert Market.objects.get(slug="pinduoduo").operator.name == "PDD Holdings"
    assert Market.objects.get(slug="baidu-wangpan").category_label == "Category not recorded"
    listing = Listing.objects.get(market__slug="taobao", report__year=2021)
    assert listing.reasons == "Corrected by an editor."
    # What the editor deleted stays deleted.
    assert not Listing.objects.filter(market__slug="wechat", report__year=2021).exists()
    assert not Figure.objects.filter(slug="2021-physical-markets-in-china").exists()


def test_a_renamed_entry_is_not_loaded_again_under_its_old_slug():
    load()
    market = Market.objects.get(slug="taobao")
    market.slug = "taobao-marketplace"
    market.save()
    load()
    assert list(Market.objects.filter(name="Taobao").values_list("slug", flat=True)) == [
        "taobao-marketplace"
    ]


def test_entries_missing_from_the_database_are_created_beside_an_editors(monkeypatch):
    # An editor entered Taobao before the demo was ever loaded: it is kept, and linked to.
    own = make_market("Taobao", slug="taobao", category="", description="The editor's words.")
    # The demo of an earlier version, without its last figure.
    monkeypatch.setattr(demo, "FIGURES", demo.FIGURES[:-1])
    load()
    monkeypatch.undo()
    assert not Figure.objects.filter(slug=demo.FIGURES[-1]["slug"]).exists()

    output = make_run_steps()

    assert "1 entry was created" in output
    assert Figure.objects.filter(slug=demo.FIGURES[-1]["slug"]).exists()
    own.refresh_from_db()
    assert (own.description, own.category, own.operator) == ("The editor's words.", "", None)
    assert own.listings.count() == 4


# --- The facts ---------------------------------------------------------------------------


def test_editions_are_named_by_the_record_for_their_year():
    load()
    reports = {report.year: report for report in Report.objects.all()}
    assert reports[2018].get_publication_display() == "Out-of-Cycle Review of Notorious Markets"
    for year in (2019, 2020, 2021):
        assert reports[year].publication == Publication.REVIEW
    # Only the 2021 edition's title is in the sources.
    assert str(reports[2018]) == "The 2018 edition"
    assert str(reports[2021]) == "2021 Review of Notorious Markets for Counterfeiting and Piracy"
    assert reports[2018].publication_date_display == "April 2019"
    assert reports[2020].publication_date_display == "January 2021"
    assert reports[2021].publication_date_display == ""  # the sources do not date it


def test_counts_only_where_stated_and_no_section_claimed_complete():
    load()
    record = Report.objects.edition_record()
    assert record.years == (2018, 2019, 2020, 2021)
    assert record.section(2021, "online").missing_text == "5 of 42 online markets entered"
    assert record.section(2021, "physical").missing_text == "0 of 35 physical markets entered"
    assert record.section(2019, "online").stated is None
    assert not any(record.is_complete(year, "online") for year in record.years)
    # So the site never says a demo market was not listed: only that it is not entered.
    assert histories()["aliexpress"].state_in(2020) == NOT_ENTERED


def test_first_listings_follow_the_sources():
    load()
    history = histories()
    # Pinduoduo was first named in the 2018 review (published in 2019), and stayed on.
    assert history["pinduoduo"].first_year == 2018
    assert history["pinduoduo"].status_in(2018) == (NEW, True)
    assert history["pinduoduo"].status_in(2019) == (CONTINUING, True)
    assert history["pinduoduo"].current_run == 4
    # Baidu Wangpan was new in the 2020 review, not a long-standing entry.
    assert history["baidu-wangpan"].status_in(2020) == (NEW, True)
    assert history["baidu-wangpan"].status_in(2021) == (CONTINUING, True)
    for slug in ("aliexpress", "wechat"):
        assert history[slug].status_in(2021) == (NEW, True)
    # Taobao was listed long before the editions on record: its first entry is not "new".
    assert history["taobao"].first_year == 2018
    assert history["taobao"].status_in(2018) == (NEW, False)
    assert not history["taobao"].first_confirmed


def test_descriptions_agree_with_the_listings():
    load()
    record = Report.objects.edition_record()
    for market in Market.objects.all():
        history = market.listing_history(record)
        first_named = f"First named in the {history.first_year} review"
        if history.first_confirmed:
            assert first_named in market.description, market
        else:
            assert "First named" not in market.description, market
            assert "not entered here yet" in market.description, market
        assert "long-standing" not in market.description


def test_owners_aliases_and_articles():
    load()
    alibaba = Company.objects.get(slug="alibaba-group")
    assert {m.name for m in Market.objects.for_company(alibaba)} == {"AliExpress", "Taobao"}
    assert Market.objects.get(slug="wechat").alias_list == ["Weixin", "微信"]
    assert Market.objects.get(slug="baidu-wangpan").alias_list == ["百度网盘"]
    assert Market.objects.get(slug="pinduoduo").operator is None  # not in the sources
    tsf_story = Article.objects.get(republishes__name="TSF")
    assert tsf_story.url == "" and tsf_story.outlet is None
    assert all(a.is_published for a in Article.objects.all())


def test_figures_say_what_they_are_about_and_appear_only_there(client):
    load()
    cost = Figure.objects.get(slug="us-cost-of-global-counterfeiting")
    assert cost.about_text == "the economy (United States of America)"
    seized = Figure.objects.get(slug="cbp-2021-seizures-value-from-china")
    assert (seized.value_display, seized.about_text) == ("75%", "China")
    by_volume = Figure.objects.get(slug="cbp-2020-seizures-volume-china-hong-kong")
    assert by_volume.about_text == "China and Hong Kong"

    # None is about a market, so no market page lists them, whatever editions list it.
    market_page = text_of(client.get(reverse("markets:detail", kwargs={"slug": "aliexpress"})))
    assert "29.2" not in market_page and "75%" not in market_page
    assert "No figure about AliExpress or the companies behind it is recorded yet" in market_page
    # They are on the pages they come from, saying what they are about.
    edition_page = text_of(client.get(Report.objects.get(year=2021).get_absolute_url()))
    assert "29.2 billion US$ a year" in edition_page
    assert "About the economy (United States of America)" in edition_page
    article_page = text_of(client.get(seized.source_article.get_absolute_url()))
    assert "75% Share of the value" in article_page and "About China" in article_page


@pytest.mark.parametrize(
    "native, market",
    [
        ("淘宝", "Taobao"),
        ("拼多多", "Pinduoduo"),
        ("百度网盘", "Baidu Wangpan"),
        ("速卖通", "AliExpress"),
        ("微信", "WeChat"),
    ],
)
def test_native_names_from_the_seed_notes_find_their_markets(client, native, market):
    load()
    page = client.get(reverse("search"), {"q": native}).content.decode()

    assert f">{market}</a>" in page


@pytest.mark.parametrize("query", ["epoch", "大紀元"])
def test_the_demo_outlet_is_found_with_the_coverage_citing_it(client, query):
    load()
    page = client.get(reverse("search"), {"q": query}).content.decode()

    assert ">Da Ji Yuan</a>" in page
    assert 'Coverage <span class="count">(1)</span>' in page
