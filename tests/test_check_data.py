"""`check_data` and the admin data checks page, on a deliberately broken dataset and a clean one."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from notorious.dataset.data_checks import find_problems
from notorious.markets.models import Kind
from tests.factories import (
    make_article,
    make_company,
    make_listing,
    make_market,
    make_report,
)

pytestmark = pytest.mark.django_db


def run_check_data():
    """Run `check_data`; return (the exit status the shell sees, output).

    A CommandError becomes the process's exit status (its `returncode`, 1) when the command
    runs from the shell; called in-process, the test database stays usable.
    """
    out = io.StringIO()
    try:
        call_command("check_data", stdout=out)
    except CommandError as error:
        return error.returncode, f"{out.getvalue()}{error}"
    return 0, out.getvalue()


@pytest.fixture
def clean_data():
    """A small dataset with nothing to fix."""
    alibaba = make_company("Alibaba Group")
    tencent = make_company("Tencent")
    aliexpress = make_market("AliExpress", operator=alibaba)
    wechat = make_market("WeChat", aliases="Weixin", operator=tencent)
    mall = make_market("Some Mall", kind=Kind.PHYSICAL, operator=alibaba)
    report = make_report(2021, online_count_stated=2, physical_count_stated=1)
    for market in (aliexpress, wechat, mall):
        make_listing(market, report)
    make_report(2020)  # counts not stated: nothing to compare
    make_article("Coverage of the 2021 review", reports=[report])
    make_article("About Tencent", companies=[tencent])
    make_article("About WeChat", markets=[wechat])
    return report


@pytest.fixture
def broken_data(clean_data):
    """The clean dataset with one instance of each problem check_data looks for."""
    report = clean_data
    report.online_count_stated = 42
    report.physical_count_stated = 35
    report.save()
    draft = make_market("Draft Market", is_published=False, operator=make_company("Owner"))
    make_listing(draft, report, is_published=True)
    make_market("Orphan", operator=None)
    make_article("Floating article")
    make_market("Other Chat", aliases="weixin", operator=make_company("Someone"))
    return report


def test_clean_data_exits_zero(clean_data):
    status, output = run_check_data()
    assert status == 0
    assert "No problems found." in output
    assert find_problems() == []


def test_empty_database_has_no_problems():
    status, output = run_check_data()
    assert status == 0
    assert output.strip() == "No problems found."


def test_broken_data_lists_every_problem_and_exits_non_zero(broken_data):
    status, output = run_check_data()

    assert status == 1
    # Draft Market's listing makes 3 online entered against 42 stated.
    assert "The 2021 review states 42 online markets, but 3 online listings are entered." in (
        output
    )
    assert "The 2021 review states 35 physical markets, but 1 physical listing is entered." in (
        output
    )
    assert "Draft Market's listing in the 2021 review is published, but the market is not" in (
        output
    )
    assert "Orphan has no operating company." in output
    assert "“Floating article” is not linked to any market, company or report." in output
    assert "“weixin” is a name or alias of 2 markets: other chat, wechat." in output.lower()
    assert "6 problems to fix." in output


def test_problems_link_to_the_admin_page_that_fixes_them(broken_data):
    problems = {problem.check: problem for problem in find_problems()}
    orphan = problems["Market without operator"]
    assert orphan.admin_url.startswith("/admin/markets/market/")
    assert problems["Listing counts"].admin_url == reverse(
        "admin:reports_report_change", args=[broken_data.pk]
    )
    assert problems["Article linked to nothing"].admin_url.startswith("/admin/press/article/")


def test_unpublished_listing_of_a_draft_market_is_not_a_problem(clean_data):
    draft = make_market("Draft Market", is_published=False, operator=make_company("Owner"))
    make_listing(draft, make_report(2019), is_published=False)
    assert find_problems() == []


def test_a_name_repeated_in_one_market_is_not_shared(clean_data):
    make_market("Loop", aliases="LOOP\nloop", operator=make_company("Loop Co"))
    assert find_problems() == []


def test_a_market_whose_alias_is_another_markets_name(clean_data):
    make_market("Taobao Copy", aliases="AliExpress", operator=make_company("Copy Co"))
    messages = [problem.message for problem in find_problems()]
    assert messages == ["“AliExpress” is a name or alias of 2 markets: AliExpress, Taobao Copy."]


# --- the admin page -------------------------------------------------------------------------


def test_admin_index_links_to_the_data_checks(editor_client):
    response = editor_client.get(reverse("admin:index"))
    assert reverse("admin_data_checks") in response.content.decode()


def test_admin_page_lists_the_same_problems_with_links(editor_client, broken_data):
    response = editor_client.get(reverse("admin_data_checks"))
    page = response.content.decode()
    assert response.status_code == 200
    for problem in find_problems():
        assert problem.admin_url in page
    assert "Orphan has no operating company." in page
    assert "6 problems" in page


def test_admin_page_on_clean_data(editor_client, clean_data):
    page = editor_client.get(reverse("admin_data_checks")).content.decode()
    assert "No problems found" in page


def test_admin_page_is_for_staff_only(client):
    response = client.get(reverse("admin_data_checks"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
