"""The synthetic dataset for load tests: marked as such, the sizes asked for, and refused
anywhere but a scratch database."""

from contextlib import contextmanager
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from notorious.companies.models import Company
from notorious.dataset.synthetic import Sizes, generate, remove, scratch_database_problems
from notorious.markets.models import Market
from notorious.press.models import Article, Outlet
from notorious.reports.models import Listing, Report

from .factories import make_company

pytestmark = pytest.mark.django_db

SMALL = Sizes(companies=12, markets=40, editions=5, listings=150, outlets=3, articles=30)


@contextmanager
def database_named(name):
    """The command reads the database's name to tell a scratch database; the test one's
    name (test_...) is not, so it is renamed meanwhile."""
    original = connection.settings_dict["NAME"]
    connection.settings_dict["NAME"] = name
    try:
        yield
    finally:
        connection.settings_dict["NAME"] = original


def test_generates_the_sizes_asked_for_all_marked_synthetic(client):
    counts = generate(SMALL, seed=1)
    assert counts == {
        "companies": 12,
        "markets": 40,
        "editions": 5,
        "listings": 150,
        "outlets": 3,
        "articles": 30,
    }
    assert Listing.objects.count() == 150
    for model, field in ((Company, "name"), (Market, "name"), (Article, "headline")):
        assert model.objects.count() == getattr(SMALL, model._meta.verbose_name_plural.lower())
        assert all(
            value.startswith("Synthetic ") for value in model.objects.values_list(field, flat=True)
        )
        assert all(
            slug.startswith("synthetic-") for slug in model.objects.values_list("slug", flat=True)
        )
    assert all(
        title.startswith("Synthetic edition")
        for title in Report.objects.values_list("title", flat=True)
    )
    # The pages read it like any data.
    market = Market.objects.published().filter(listings__isnull=False).first()
    response = client.get(market.get_absolute_url())
    assert response.status_code == 200
    assert market.name in response.content.decode()
    assert client.get("/").status_code == 200


def test_the_same_seed_gives_the_same_dataset():
    generate(SMALL, seed=7)
    first = sorted(Market.objects.values_list("name", "kind", "operator__name"))
    remove()
    generate(SMALL, seed=7)
    assert sorted(Market.objects.values_list("name", "kind", "operator__name")) == first


def test_remove_takes_out_the_synthetic_data_and_leaves_the_demo(client):
    call_command("load_demo", stdout=StringIO())
    models = (Company, Market, Report, Listing, Outlet, Article)
    demo = {model: sorted(model.objects.values_list("pk", flat=True)) for model in models}
    generate(SMALL, seed=5)
    remove()
    assert {model: sorted(model.objects.values_list("pk", flat=True)) for model in models} == demo
    assert "AliExpress" in client.get("/markets/").content.decode()


def test_search_finds_synthetic_markets_once_generated(client):
    generate(SMALL, seed=3)
    market = Market.objects.published().first()
    response = client.get("/search/", {"q": market.name})
    assert market.name in response.content.decode()


def test_the_command_refuses_a_database_not_named_as_scratch():
    with database_named("notorious"), pytest.raises(CommandError, match="not named as a scratch"):
        call_command("generate_synthetic", "--markets", "1")
    assert not Market.objects.exists()


def test_the_command_refuses_a_database_holding_real_entries():
    make_company("Alibaba Group", slug="alibaba-group")  # a demo entry: allowed
    assert scratch_database_problems("notorious_loadtest") == []
    make_company("An editor's company", slug="an-editors-company")
    with database_named("notorious_loadtest"), pytest.raises(CommandError, match="1 companies"):
        call_command("generate_synthetic", "--markets", "1")
    assert not Market.objects.filter(slug__startswith="synthetic-").exists()


def test_the_command_refuses_to_generate_twice():
    generate(SMALL, seed=1)
    with database_named("notorious_loadtest"), pytest.raises(CommandError, match="already holds"):
        call_command("generate_synthetic", "--markets", "1")


def test_dry_run_writes_nothing():
    out = StringIO()
    with database_named("notorious_loadtest"):
        call_command(
            "generate_synthetic",
            *("--companies", "3", "--markets", "5", "--editions", "2", "--listings", "6"),
            *("--outlets", "1", "--articles", "2", "--dry-run"),
            stdout=out,
        )
    assert "would be created: 3 companies, 5 markets, 2 editions, 6 listings" in out.getvalue()
    assert "Dry run: nothing was written." in out.getvalue()
    assert not Market.objects.exists()
    assert not Report.objects.exists()
