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
    # Counts not stated, but an editor vouches that every listing is entered (there are none).
    make_report(
        2020,
        online_all_entered=True,
        physical_all_entered=True,
        completeness_note="Checked against the published list.",
    )
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
    assert "The 2021 edition's online section is incomplete: 3 of 42 online markets entered." in (
        output
    )
    assert (
        "The 2021 edition's physical section is incomplete: 1 of 35 physical markets entered."
        in output
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
    assert problems["Incomplete edition"].admin_url == reverse(
        "admin:reports_report_change", args=[broken_data.pk]
    )
    assert problems["Article linked to nothing"].admin_url.startswith("/admin/press/article/")


def test_unpublished_listing_of_a_draft_market_is_not_a_problem(clean_data):
    draft = make_market("Draft Market", is_published=False, operator=make_company("Owner"))
    make_listing(
        draft, make_report(2019, online_count_stated=1, physical_count_stated=0), is_published=False
    )
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


# --- completeness ---------------------------------------------------------------------------


def problems_of(check):
    return [problem for problem in find_problems() if problem.check == check]


@pytest.fixture
def gap_in_2020():
    """2019 and 2021 complete, 2020 with one of its three online listings entered."""
    operator = make_company("Operator")
    reports = {
        2019: make_report(2019, online_count_stated=3, physical_count_stated=0),
        2020: make_report(2020, online_count_stated=3, physical_count_stated=0),
        2021: make_report(2021, online_count_stated=3, physical_count_stated=0),
    }
    names_by_market = {
        "Always": (2019, 2020, 2021),
        "Gone": (2019,),
        "Newcomer": (2021,),
        "Comeback": (2019, 2021),
    }
    for name, years in names_by_market.items():
        market = make_market(name, operator=operator)
        for year in years:
            make_listing(market, reports[year])
    return reports


def test_an_incomplete_edition_and_the_statements_it_leaves_unconfirmed(gap_in_2020):
    [problem] = problems_of("Incomplete edition")

    assert problem.message == (
        "The 2020 edition's online section is incomplete: 1 of 3 online markets entered."
    )
    assert problem.admin_url == reverse("admin:reports_report_change", args=[gap_in_2020[2020].pk])
    assert problem.details == (
        "Drops in 2020 that cannot be confirmed (named in 2019, not entered in 2020): "
        "Comeback, Gone.",
        "New or returning in 2021, which cannot be confirmed (not entered in 2020): Comeback, "
        "Newcomer.",
    )


def test_check_data_prints_the_unconfirmed_statements(gap_in_2020):
    status, output = run_check_data()

    assert status == 1
    assert "Incomplete edition:" in output
    assert "Drops in 2020 that cannot be confirmed" in output


def test_a_section_marked_all_entered_is_complete(gap_in_2020):
    report = gap_in_2020[2020]
    report.online_all_entered = True
    report.completeness_note = "USTR's list names one market; the count of three is a typo."
    report.save()

    assert problems_of("Incomplete edition") == []


def test_a_count_not_stated_leaves_the_section_incomplete(gap_in_2020):
    make_report(2022, online_count_stated=0)

    [problem] = [p for p in problems_of("Incomplete edition") if "2022" in p.message]
    assert problem.message == (
        "The 2022 edition's physical section is incomplete: 0 physical markets entered; the "
        "report's count is not recorded."
    )


def test_drafts_count_as_entered(gap_in_2020):
    # The editors' view: a draft listing is entered, even if readers do not see it yet.
    report = gap_in_2020[2020]
    for name in ("Draft One", "Draft Two"):
        make_listing(make_market(name, operator=make_company()), report, is_published=False)

    assert problems_of("Incomplete edition") == []


def test_more_listings_than_stated(gap_in_2020):
    report = gap_in_2020[2019]
    make_listing(make_market("Extra", operator=make_company()), report)

    [problem] = problems_of("More listings than stated")
    assert problem.message.startswith(
        "The 2019 edition states 3 online markets, but 4 are entered: check for a listing "
        "entered twice"
    )
    assert problems_of("Incomplete edition") == [problems_of("Incomplete edition")[0]]
    assert "2019" not in problems_of("Incomplete edition")[0].message

    report.online_all_entered = True
    report.completeness_note = "The report names four, though it says three."
    report.save()
    assert problems_of("More listings than stated") == []


def test_a_first_listing_flag_on_a_later_listing(gap_in_2020):
    comeback = gap_in_2020[2021].listings.get(market__name="Comeback")
    comeback.source_says_first = True
    comeback.save()
    first = gap_in_2020[2019].listings.get(market__name="Gone")
    first.source_says_first = True
    first.save()

    [problem] = problems_of("First listing that is not the first")
    assert problem.message == (
        "Comeback's 2021 listing is marked 'the source says this is its first listing', but "
        "an earlier listing of it is entered: untick it, or correct the years."
    )
    assert problem.admin_url == reverse("admin:reports_listing_change", args=[comeback.pk])


def test_admin_page_lists_the_unconfirmed_statements(editor_client, gap_in_2020):
    page = editor_client.get(reverse("admin_data_checks")).content.decode()

    assert "Incomplete edition (1)" in page
    assert "Drops in 2020 that cannot be confirmed (named in 2019, not entered in 2020): " in page
    assert "Comeback, Gone." in page
