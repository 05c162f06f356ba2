"""`load_demo`: the facts from the seed articles, loaded idempotently."""

from io import StringIO

import pytest
from django.apps import apps
from django.core import serializers
from django.core.management import call_command

from notorious.companies.models import Company
from notorious.figures.models import Figure
from notorious.markets.history import CONTINUING, NEW
from notorious.markets.models import Market
from notorious.press.models import Article
from notorious.reports.models import Report

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


def test_loading_twice_changes_nothing():
    load()
    before = snapshot()
    output = load()
    assert snapshot() == before
    assert "0 entries were created, 0 were updated" in output


def test_dry_run_writes_nothing():
    output = load("--dry-run")
    assert "nothing was written" in output
    assert Market.objects.count() == 0 and Report.objects.count() == 0


def test_the_2021_edition_as_the_articles_state_it():
    load()
    report = Report.objects.get(year=2021)
    assert (report.online_count_stated, report.physical_count_stated) == (42, 35)
    assert report.publication_date_display == "February 2022"
    assert Report.objects.edition_years() == [2018, 2019, 2020, 2021]
    # The earlier editions' counts are not in the sources, so they stay empty.
    assert Report.objects.get(year=2019).online_count_stated is None
    assert Report.objects.get(year=2018).publication_date_display == "April 2019"


def test_market_histories_follow_the_sources():
    load()
    editions = Report.objects.edition_years()
    pinduoduo = Market.objects.get(slug="pinduoduo").listing_history(editions)
    assert pinduoduo.first_year == 2018
    assert pinduoduo.years_listed == 4 and pinduoduo.current_run == 4
    assert pinduoduo.status_in(2018) == NEW
    wechat = Market.objects.get(name="WeChat").listing_history(editions)
    assert wechat.first_year == 2021 and wechat.status_in(2021) == NEW
    # Taobao was listed long before the editions on record: not "new" in 2020.
    taobao = Market.objects.get(slug="taobao").listing_history(editions)
    assert taobao.status_in(2020) == CONTINUING


def test_owners_aliases_and_figures():
    load()
    alibaba = Company.objects.get(slug="alibaba-group")
    assert {m.name for m in Market.objects.for_company(alibaba)} == {"AliExpress", "Taobao"}
    assert Market.objects.get(slug="wechat").alias_list == ["Weixin", "微信"]
    assert Market.objects.get(slug="pinduoduo").operator is None  # not in the sources
    assert Figure.objects.get(slug="cbp-2021-seizures-value-from-china").value_display == "75%"
    tsf_story = Article.objects.get(republishes__name="TSF")
    assert tsf_story.url == "" and tsf_story.outlet is None
    assert all(a.is_published for a in Article.objects.all())
