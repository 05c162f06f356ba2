"""`import_listings`: the CSV import of a year's list, rule by rule; the admin page at the end."""

import io
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.postgres.search import SearchQuery
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from notorious.companies.models import Company
from notorious.markets.models import Category, Kind, Market
from notorious.reports.importer import plan_import
from notorious.reports.models import Listing, Publication, Report
from tests.admin_forms import admin_form_errors
from tests.factories import make_company, make_listing, make_market, make_report

pytestmark = pytest.mark.django_db

EXAMPLE = Path(__file__).resolve().parent.parent / "docs" / "listings-example.csv"
HEADER = (
    "year,market,kind,category,country,city,company,parent_company,aliases,website,reasons,"
    "quote,page"
)


def write(tmp_path, text, name="listings.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding) if isinstance(text, str) else text)
    return path


def run(path, dry_run=False, command="import_listings"):
    out = io.StringIO()
    call_command(command, str(path), dry_run=dry_run, stdout=out)
    return out.getvalue()


def refuse(path, dry_run=False, command="import_listings"):
    """Run an import that must fail, and return its error message."""
    with pytest.raises(CommandError) as error:
        run(path, dry_run=dry_run, command=command)
    return str(error.value)


def database_state():
    """Every row of every model, all fields included (timestamps too)."""
    return {
        model._meta.label: list(model.objects.order_by("pk").values())
        for model in apps.get_models()
    }


def row_counts():
    return {model._meta.label: model.objects.count() for model in apps.get_models()}


def csv_of(*rows, header=HEADER):
    return "\n".join([header, *rows]) + "\n"


# --- the example file and drafts ------------------------------------------------------------


def test_example_file_creates_the_2021_list_as_drafts(tmp_path):
    output = run(EXAMPLE)

    report = Report.objects.get(year=2021)
    assert not report.is_published
    names = set(Market.objects.values_list("name", flat=True))
    assert names == {"AliExpress", "WeChat", "Taobao", "Pinduoduo", "Baidu Wangpan"}
    assert not Market.objects.published().exists()
    assert not Company.objects.published().exists()
    assert not Listing.objects.filter(is_published=True).exists()
    assert report.listings.count() == 5
    # One Alibaba Group, operating both of its markets.
    alibaba = Company.objects.get(name="Alibaba Group")
    assert set(alibaba.markets.values_list("name", flat=True)) == {"AliExpress", "Taobao"}
    wechat = Market.objects.get(name="WeChat")
    assert wechat.alias_list == ["Weixin"]
    assert wechat.category == Category.SOCIAL_COMMERCE
    assert wechat.country.code == "CN"
    assert wechat.operator.name == "Tencent"
    assert Market.objects.get(name="Baidu Wangpan").category == Category.CLOUD_STORAGE
    assert Market.objects.get(name="Pinduoduo").operator is None
    assert 'market "WeChat"' in output
    assert "created 1 report, 3 companies, 5 markets, 5 listings" in output


def test_slugs_of_created_entries_are_unique(tmp_path):
    make_market("Foo!", slug="foo")
    run(write(tmp_path, csv_of("2021,Foo?,online,,,,,,,,,,")))
    assert Market.objects.get(name="Foo?").slug == "foo-2"


def test_a_name_in_another_script_still_gets_a_slug(tmp_path):
    run(write(tmp_path, csv_of("2021,微信,online,,,,腾讯,,,,,,")))
    assert Market.objects.get(name="微信").slug == "market"
    assert Company.objects.get(name="腾讯").slug == "company"


def test_existing_report_is_used_and_keeps_its_state(tmp_path):
    report = make_report(2021, title="The 2021 review")
    run(write(tmp_path, csv_of("2021,Taobao,online,,,,,,,,,,")))
    report.refresh_from_db()
    assert Report.objects.count() == 1
    assert report.is_published
    assert report.title == "The 2021 review"
    assert report.listings.get().market.name == "Taobao"


@pytest.mark.parametrize(
    "year,publication",
    [
        (2008, Publication.SPECIAL_301),
        (2013, Publication.OUT_OF_CYCLE),
        (2019, Publication.REVIEW),
    ],
)
def test_missing_report_is_created_as_a_draft_without_a_made_up_title(tmp_path, year, publication):
    run(write(tmp_path, csv_of(f"{year},Pinduoduo,online,,,,,,,,,,")))
    report = Report.objects.get(year=year)
    assert not report.is_published
    assert report.slug == str(year)
    # No importer invents a title: the edition is "the 2013 edition" until an editor, or
    # import_reports, gives it the report's own; its publication follows the record.
    assert report.title == ""
    assert str(report) == f"The {year} edition"
    assert report.publication == publication


def test_a_new_listing_of_a_published_market_is_a_draft(tmp_path):
    market = make_market("Taobao")
    make_report(2021)
    run(write(tmp_path, csv_of("2021,Taobao,online,,,,,,,,,,")))
    listing = Listing.objects.get(market=market)
    assert not listing.is_published
    market.refresh_from_db()
    assert market.is_published  # an existing entry keeps its state


# --- matching ---------------------------------------------------------------------------------


def test_market_matched_by_alias_ignoring_case_and_space(tmp_path):
    wechat = make_market("WeChat", aliases="Weixin")
    run(write(tmp_path, csv_of('2021,"  WEIXIN ",online,,,,,,,,,,')))
    assert Market.objects.count() == 1
    assert Listing.objects.get().market == wechat


def test_market_matched_by_name_ignoring_case(tmp_path):
    taobao = make_market("Taobao")
    run(write(tmp_path, csv_of("2021,taobao,ONLINE,,,,,,,,,,")))
    assert list(Market.objects.all()) == [taobao]


def test_company_matched_by_alias_ignoring_case(tmp_path):
    alibaba = make_company("Alibaba Group", aliases="Alibaba")
    run(write(tmp_path, csv_of("2021,Taobao,online,,,,alibaba ,,,,,,")))
    assert Company.objects.count() == 1
    assert Market.objects.get(name="Taobao").operator == alibaba


def test_aliases_introduced_earlier_in_the_file_match_later_rows(tmp_path):
    run(
        write(
            tmp_path,
            csv_of(
                "2020,WeChat,online,,,,,,Weixin,,,,",
                "2021,weixin,online,,,,,,,,,,",
            ),
        )
    )
    market = Market.objects.get()
    assert market.name == "WeChat"
    assert sorted(market.listings.values_list("report__year", flat=True)) == [2020, 2021]


def test_company_created_once_for_several_rows(tmp_path):
    run(
        write(
            tmp_path,
            csv_of(
                "2021,AliExpress,online,,,,Alibaba Group,,,,,,",
                "2021,Taobao,online,,,,ALIBABA GROUP,,,,,,",
            ),
        )
    )
    assert Company.objects.get().markets.count() == 2


def test_name_shared_by_two_markets_is_refused_as_ambiguous(tmp_path):
    make_market("Alpha", aliases="Shared")
    make_market("Beta", aliases="Shared")
    message = refuse(write(tmp_path, csv_of("2021,Shared,online,,,,,,,,,,")))
    assert "Line 2" in message
    assert "several markets" in message


# --- values -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "cell,expected",
    [
        ("ecommerce", Category.ECOMMERCE),
        ("E-COMMERCE", Category.ECOMMERCE),
        ("cloud storage / cyberlocker", Category.CLOUD_STORAGE),
        ("Torrent_Index", Category.TORRENT_INDEX),
    ],
)
def test_category_by_value_or_label_in_any_case(tmp_path, cell, expected):
    run(write(tmp_path, csv_of(f"2021,Somewhere,online,{cell},,,,,,,,,")))
    assert Market.objects.get().category == expected


@pytest.mark.parametrize("cell", ["CN", "cn", "China", "CHINA", '" china "'])
def test_country_by_iso_code_or_english_name(tmp_path, cell):
    run(write(tmp_path, csv_of(f"2021,Somewhere,online,,{cell},,,,,,,,")))
    assert Market.objects.get().country.code == "CN"


def test_physical_market_with_city(tmp_path):
    run(
        write(
            tmp_path,
            csv_of("2021,Some Mall,Physical,Physical marketplace,CN,Shenzhen,,,,,,,"),
        )
    )
    market = Market.objects.get()
    assert (market.kind, market.category, market.city) == (
        Kind.PHYSICAL,
        Category.PHYSICAL_MARKETPLACE,
        "Shenzhen",
    )
    assert Listing.objects.get().section == Kind.PHYSICAL


def test_bare_domain_becomes_an_https_address_and_a_domain(tmp_path):
    run(write(tmp_path, csv_of("2021,Somewhere,online,,,,,,,Example.ORG,,,")))
    market = Market.objects.get()
    assert market.website == "https://Example.ORG"
    assert market.domain_list == ["example.org"]


def test_full_address_kept_and_its_domain_added_to_existing_ones(tmp_path):
    make_market("Somewhere", domains="old.example")
    run(write(tmp_path, csv_of("2021,Somewhere,online,,,,,,,http://shop.example.net/x,,,")))
    market = Market.objects.get()
    assert market.website == "http://shop.example.net/x"
    assert market.domain_list == ["old.example", "shop.example.net"]


def test_aliases_are_merged_with_existing_ones(tmp_path):
    make_market("WeChat", aliases="Weixin")
    run(write(tmp_path, csv_of('2021,WeChat,online,,,,,,"weixin; 微信 ;WeChat",,,,')))
    assert Market.objects.get().alias_list == ["Weixin", "微信"]


def test_reasons_quote_and_page_are_stored_on_the_listing(tmp_path):
    run(write(tmp_path, csv_of('2021,Somewhere,online,,,,,,,,"Sells fakes, openly.","a quote",7')))
    listing = Listing.objects.get()
    assert (listing.reasons, listing.quotation, listing.quotation_page) == (
        "Sells fakes, openly.",
        "a quote",
        7,
    )


def test_parent_company_is_created_and_linked(tmp_path):
    run(write(tmp_path, csv_of("2021,Taobao,online,,,,Taobao Holding,Alibaba Group,,,,,")))
    holding = Company.objects.get(name="Taobao Holding")
    assert holding.parent.name == "Alibaba Group"
    assert not holding.parent.is_published


def test_columns_in_any_order_and_optional_ones_absent(tmp_path):
    run(write(tmp_path, "Kind,Market,Year\nonline,Somewhere,2021\n"))
    assert Listing.objects.get().market.name == "Somewhere"


def test_utf8_file_with_byte_order_mark_as_spreadsheets_save_it(tmp_path):
    run(write(tmp_path, "\ufeff" + csv_of("2021,微信,online,,,,,,,,,,")))
    assert Market.objects.get().name == "微信"


def test_empty_cell_never_overwrites_an_existing_value(tmp_path):
    tencent = make_company("Tencent")
    market = make_market(
        "WeChat",
        category=Category.SOCIAL_COMMERCE,
        country="CN",
        website="https://wechat.example",
        domains="wechat.example",
        aliases="Weixin",
        operator=tencent,
    )
    report = make_report(2021)
    make_listing(market, report, reasons="Old reasons", quotation="Old quote", quotation_page=3)
    before = database_state()

    run(write(tmp_path, csv_of("2021,WeChat,online,,,,,,,,,,")))

    assert database_state() == before


def test_non_empty_cell_updates_and_the_change_is_shown(tmp_path):
    market = make_market("WeChat", category=Category.ECOMMERCE, country="CN")
    make_listing(market, make_report(2021), reasons="Old reasons")
    path = write(tmp_path, csv_of("2021,WeChat,online,social commerce,,,Tencent,,,,New reasons,,"))

    output = run(path, dry_run=True)
    assert 'market "WeChat": category: E-commerce → Social commerce' in output
    assert '2021 listing of "WeChat": reasons: Old reasons → New reasons' in output
    assert 'company "Tencent" (draft)' in output

    run(path)
    market.refresh_from_db()
    assert market.category == Category.SOCIAL_COMMERCE
    assert market.country.code == "CN"
    assert market.operator.name == "Tencent"
    assert Listing.objects.get().reasons == "New reasons"


def test_an_empty_category_leaves_it_not_recorded(tmp_path):
    output = run(write(tmp_path, csv_of("2021,Some Mall,physical,,CN,,,,,,,,")))
    market = Market.objects.get()
    assert market.category == ""
    assert market.category_label == "Category not recorded"
    assert 'market "Some Mall": physical, Category not recorded, China (draft)' in output


# --- the models' own validation, as in the admin ---------------------------------------------


def test_a_row_the_admin_would_refuse_is_refused_with_its_line(tmp_path, editor):
    mall = {"name": "Some Mall", "slug": "some-mall", "kind": "physical", "category": "ecommerce"}
    assert "category" in admin_form_errors(Market, editor, mall)

    message = refuse(
        write(
            tmp_path,
            csv_of("2021,Fine,online,,,,,,,,,,", "2021,Some Mall,physical,ecommerce,,,,,,,,,"),
        )
    )

    assert "Line 3: category: A physical market belongs to 'Physical marketplace'" in message
    assert not Market.objects.exists()


def test_a_value_the_admin_accepts_imports(tmp_path, editor):
    mall = {"name": "Some Mall", "slug": "some-mall", "kind": "physical", "category": ""}
    assert admin_form_errors(Market, editor, mall) == {}

    run(write(tmp_path, csv_of("2021,Some Mall,physical,,,,,,,,,,")))

    assert Market.objects.get().category == ""


def test_the_models_complaint_is_reported_on_the_line_that_gave_the_value(tmp_path):
    message = refuse(
        write(
            tmp_path,
            csv_of("2020,Some Mall,physical,,,,,,,,,,", "2021,Some Mall,physical,hosting,,,,,,,,,"),
        )
    )
    assert "Line 3: category:" in message
    assert "Line 2" not in message


def test_an_existing_market_is_checked_as_the_import_would_leave_it(tmp_path):
    mall = make_market("Some Mall", kind=Kind.PHYSICAL, category="")
    make_listing(mall, make_report(2020))
    before = database_state()

    message = refuse(write(tmp_path, csv_of("2021,Some Mall,physical,streaming,,,,,,,,,")))

    assert "Line 2: category: A physical market belongs to" in message
    assert database_state() == before


# --- idempotence --------------------------------------------------------------------------------


def test_importing_the_same_file_twice_changes_nothing(tmp_path):
    make_market("WeChat", aliases="Weixin")  # an existing entry matched by alias
    run(EXAMPLE)
    path = write(
        tmp_path,
        csv_of(
            "2021,Somewhere,online,,CN,,Parent Co,Grandparent Co,Elsewhere;Other,example.org,"
            "Reasons,A quote,4",
            "2020,Somewhere,online,,,,,,,,,,",
        ),
    )
    run(path)
    before = database_state()

    assert "Nothing to change" in run(EXAMPLE)
    second = run(path)

    assert database_state() == before  # updated_at included
    assert "Nothing to change" in second
    assert "created nothing; 0 field changes" in second


# --- bad rows: line number, reason, nothing written ---------------------------------------------


def test_a_bad_row_in_the_middle_leaves_the_database_unchanged(tmp_path):
    tencent = make_company("Tencent")
    make_market("WeChat", operator=tencent)
    make_report(2020)
    counts, before = row_counts(), database_state()
    path = write(
        tmp_path,
        csv_of(
            "2021,AliExpress,online,ecommerce,CN,,Alibaba Group,,,,,,",
            "2021,WeChat,online,ecommerce,CN,,Tencent Holdings,,Weixin,wechat.example,R,,",
            "2021,Broken,sideways,,,,,,,,,,",
            "2021,Taobao,online,ecommerce,CN,,Alibaba Group,,,,,,",
        ),
    )

    message = refuse(path)

    assert "Line 4" in message
    assert "unknown kind 'sideways'" in message
    assert "nothing was written" in message
    assert row_counts() == counts
    assert database_state() == before


@pytest.mark.parametrize(
    "rows,line,reason",
    [
        (["2021,Somewhere,sideways,,,,,,,,,,"], 2, "unknown kind 'sideways'"),
        (["2021,Somewhere,online,auction,,,,,,,,,"], 2, "unknown category 'auction'"),
        (["2021,Somewhere,online,,Narnia,,,,,,,,"], 2, "unknown country 'Narnia'"),
        (["2021,Somewhere,online,,ZZ,,,,,,,,"], 2, "unknown country 'ZZ'"),
        (["1999,Somewhere,online,,,,,,,,,,"], 2, "year 1999 is out of range"),
        (["2101,Somewhere,online,,,,,,,,,,"], 2, "year 2101 is out of range"),
        (["twenty,Somewhere,online,,,,,,,,,,"], 2, "year 'twenty' is not a year"),
        (["2021,Somewhere,online,,,,,,,,,quote,x"], 2, "page 'x' is not a page number"),
        (["2021,Somewhere,online,,,,,,,,,quote,0"], 2, "page 0 is not a page number"),
        (["2021,Somewhere,online,,,,,,,,,,5"], 2, "page: A page number needs a quotation."),
        (["2021,,online,,,,,,,,,,"], 2, "'market' is required"),
        ([",Somewhere,online,,,,,,,,,,"], 2, "'year' is required"),
        (["2021,Somewhere,,,,,,,,,,,"], 2, "'kind' is required"),
        (["2021,Somewhere,online,,,,,,,not a site,,,"], 2, "website 'not a site'"),
        (["2021,Somewhere,online,,,,,Parent,,,,,"], 2, "'parent_company' is given without"),
        (["2021,Somewhere,online,,,,Co,co,,,,,"], 2, "cannot be its own parent"),
        (
            ["2021,Somewhere,online,physical marketplace,,,,,,,,,"],
            2,
            "category: An online market cannot be in the physical marketplace category.",
        ),
        (
            ["2021,Some Mall,physical,ecommerce,,,,,,,,,"],
            2,
            "category: A physical market belongs to 'Physical marketplace' or 'Other'.",
        ),
        (
            ["2021,Somewhere,online,,,,,,,,,,", "2022,somewhere,physical,,,,,,,,,,"],
            3,
            "a market cannot have two kinds",
        ),
        (
            ["2021,Somewhere,online,,,,,,,,,,", "2021,SOMEWHERE,online,,,,,,,,,,"],
            3,
            "is already on line 3 for 2021",
        ),
        (
            ["2021,Somewhere,online,ecommerce,,,,,,,,,", "2022,Somewhere,online,hosting,,,,,,,,,"],
            3,
            "category 'Hosting' differs from 'E-commerce' given for Somewhere on line 3",
        ),
        (
            ["2021,One,online,,,,,,Shared,,,,", "2021,Two,online,,,,,,shared,,,,"],
            3,
            "alias 'shared' is already a name of another market, 'One'",
        ),
        (
            ["2021,A,online,,,,Sub,Top,,,,,", "2021,B,online,,,,Top,Sub,,,,,"],
            3,
            "'Sub' cannot own 'Top'",
        ),
        (["2021,Somewhere,online,,,,,,,,,,,extra"], 2, "this row has 14 values"),
        (["2021,Somewhere,online"], 2, "this row has 3 values"),
        (['2021,"Somewhere,online,,,,,,,,,,', "2022,Else,online,,,,,,,,,,"], 2, "not valid CSV"),
        ([f"2021,{'x' * 201},online,,,,,,,,,,"], 2, "at most 200 characters"),
    ],
)
def test_bad_row_is_refused_with_its_line_and_reason(tmp_path, rows, line, reason):
    counts = row_counts()
    message = refuse(write(tmp_path, csv_of("2020,Fine Market,online,,,,,,,,,,", *rows)))
    assert f"Line {line + 1}" in message
    assert reason in message
    assert row_counts() == counts


def test_market_given_another_kind_than_in_the_database(tmp_path):
    make_market("Some Mall", kind=Kind.PHYSICAL)
    message = refuse(write(tmp_path, csv_of("2021,some mall,online,,,,,,,,,,")))
    assert "Line 2" in message
    assert "it is physical in the database" in message


def test_alias_that_names_another_market_in_the_database(tmp_path):
    make_market("Taobao")
    message = refuse(write(tmp_path, csv_of("2021,AliExpress,online,,,,,,taobao,,,,")))
    assert "alias 'taobao' is already a name of another market, 'Taobao'" in message


def test_existing_ownership_cycle_is_refused(tmp_path):
    top = make_company("Top")
    make_company("Sub", parent=top)
    message = refuse(write(tmp_path, csv_of("2021,Somewhere,online,,,,Top,Sub,,,,,")))
    assert "'Sub' cannot own 'Top'" in message


def test_every_bad_row_is_reported_at_once(tmp_path):
    message = refuse(
        write(
            tmp_path,
            csv_of(
                "2021,One,sideways,,,,,,,,,,",
                "2021,Two,online,,,,,,,,,,",
                "1800,Three,online,,,,,,,,,,",
            ),
        )
    )
    assert "Line 2: unknown kind" in message
    assert "Line 4: year 1800" in message
    assert "2 problems" in message


@pytest.mark.parametrize(
    "text,reason",
    [
        ("", "The file is empty"),
        (HEADER + "\n", "The file has a header but no rows"),
        ("year,market\n2021,Somewhere\n", "Line 1: missing required column(s): kind"),
        ("year;market;kind\n2021;Somewhere;online\n", "separated by commas, not semicolons"),
        ("year,market,kind,owner\n2021,Somewhere,online,x\n", "unknown column(s) 'owner'"),
        ("year,market,kind,kind\n2021,Somewhere,online,online\n", "column(s) given twice: kind"),
        ("year,market,kind\n2021,Some\0where,online\n", "Line 2: this row is not valid CSV"),
    ],
)
def test_unreadable_file_is_refused(tmp_path, text, reason):
    message = refuse(write(tmp_path, text))
    assert reason in message
    assert not Market.objects.exists()


def test_file_not_in_utf8_is_refused_with_the_line(tmp_path):
    text = csv_of("2021,Somewhere,online,,,,,,,,,,", "2021,Café,online,,,,,,,,,,")
    message = refuse(write(tmp_path, text, encoding="latin-1"))
    assert "Line 3: the file is not UTF-8 text" in message
    assert not Market.objects.exists()


def test_missing_file_is_a_command_error(tmp_path):
    assert "Cannot read" in refuse(tmp_path / "nowhere.csv")


# --- the dry run ------------------------------------------------------------------------------


def test_dry_run_writes_nothing_and_lists_what_would_happen(tmp_path):
    report = make_report(2021)
    kept, dropped = make_market("Kept"), make_market("Dropped")
    make_listing(kept, report)
    make_listing(dropped, report)
    before = database_state()
    path = write(
        tmp_path,
        csv_of(
            "2021,kept,online,hosting,,,,,,,,,",
            "2021,Newcomer,online,,,,New Co,,,,,,",
        ),
    )

    output = run(path, dry_run=True)

    assert database_state() == before
    assert "Would create:" in output
    assert 'market "Newcomer": online, Category not recorded, operated by New Co (draft)' in output
    assert 'listing "Newcomer" in 2021 (online section, draft)' in output
    assert 'market "Kept": category: E-commerce → Hosting' in output
    no_longer = output.split("No longer named in this file")[1]
    assert "2021: Dropped" in no_longer
    assert "Kept" not in no_longer
    assert "Dry run: nothing was written." in output


def test_import_keeps_listings_the_file_no_longer_names_and_says_so(tmp_path):
    report = make_report(2021)
    dropped = make_market("Dropped")
    make_listing(dropped, report)
    output = run(write(tmp_path, csv_of("2021,Newcomer,online,,,,,,,,,,")))
    assert "2021: Dropped" in output.split("No longer named")[1]
    assert report.listings.filter(market=dropped).exists()


def test_dry_run_of_a_bad_file_reports_the_errors(tmp_path):
    message = refuse(write(tmp_path, csv_of("2021,Somewhere,sideways,,,,,,,,,,")), dry_run=True)
    assert "Line 2: unknown kind" in message


def test_plan_lists_no_longer_named_only_for_editions_already_entered(tmp_path):
    other = make_report(2020)
    make_listing(make_market("Earlier"), other)
    plan = plan_import(csv_of("2021,Somewhere,online,,,,,,,,,,"))
    assert plan.is_valid
    assert plan.no_longer_named == []


# --- search vectors -------------------------------------------------------------------------------


def test_imported_markets_and_companies_are_searchable(tmp_path):
    run(EXAMPLE)
    assert not Market.objects.filter(search_vector__isnull=True).exists()
    assert not Company.objects.filter(search_vector__isnull=True).exists()
    assert (
        Market.objects.filter(search_vector=SearchQuery("weixin", config="simple")).get().name
        == "WeChat"
    )


# --- the admin page -------------------------------------------------------------------------------


def import_url():
    return reverse("admin:reports_report_import_listings")


def test_report_list_links_to_the_import_page(editor_client):
    response = editor_client.get(reverse("admin:reports_report_changelist"))
    assert import_url() in response.content.decode()


def test_admin_preview_then_confirm_imports_the_file(editor_client):
    report = make_report(2021)
    make_listing(make_market("Dropped"), report)
    upload = io.BytesIO(EXAMPLE.read_bytes())
    upload.name = "listings.csv"

    preview = editor_client.post(import_url(), {"file": upload})

    assert preview.status_code == 200
    page = preview.content.decode()
    assert "AliExpress" in page
    assert "Dropped" in page  # no longer named
    assert not Market.objects.filter(name="AliExpress").exists()  # nothing written yet
    token = preview.context["confirm_form"]["token"].value()

    done = editor_client.post(import_url(), {"token": token}, follow=True)

    assert done.redirect_chain[-1][0] == reverse("admin:reports_report_changelist")
    assert Market.objects.filter(name="AliExpress", is_published=False).exists()
    assert report.listings.count() == 6
    messages = [str(m) for m in done.context["messages"]]
    assert any("5 listings" in m for m in messages)


def test_admin_preview_shows_errors_and_offers_no_confirmation(editor_client):
    upload = io.BytesIO(
        csv_of("2021,Fine,online,,,,,,,,,,", "2021,Bad,sideways,,,,,,,,,,").encode()
    )
    upload.name = "listings.csv"
    response = editor_client.post(import_url(), {"file": upload})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Line 3" in page
    assert "unknown kind" in page
    assert response.context["confirm_form"] is None
    assert not Market.objects.exists()


def test_admin_confirm_with_a_tampered_file_is_refused(editor_client):
    response = editor_client.post(import_url(), {"token": "2021,Evil,online:forged"})
    assert response.status_code == 200
    assert "upload the file again" in response.content.decode()
    assert not Market.objects.exists()


def test_admin_import_needs_the_add_listing_permission(client, django_user_model):
    staff = django_user_model.objects.create_user("staff", password="x", is_staff=True)
    client.force_login(staff)
    assert client.get(import_url()).status_code == 403


def test_admin_import_page_explains_the_format(editor_client):
    response = editor_client.get(import_url())
    page = response.content.decode()
    assert response.status_code == 200
    assert "parent_company" in page
    assert 'enctype="multipart/form-data"' in page


def test_admin_preview_of_a_file_already_imported_offers_nothing_to_confirm(editor_client):
    run(EXAMPLE)
    upload = io.BytesIO(EXAMPLE.read_bytes())
    upload.name = "listings.csv"
    response = editor_client.post(import_url(), {"file": upload})
    assert "Nothing to change" in response.content.decode()
    assert response.context["confirm_form"] is None


def test_admin_confirm_checks_the_file_again_against_the_database(editor_client):
    upload = io.BytesIO(csv_of("2021,Some Mall,physical,,,,,,,,,,").encode())
    upload.name = "listings.csv"
    preview = editor_client.post(import_url(), {"file": upload})
    token = preview.context["confirm_form"]["token"].value()
    make_market("Some Mall", kind=Kind.ONLINE)  # entered meanwhile, as another kind

    response = editor_client.post(import_url(), {"token": token})

    page = response.content.decode()
    assert "the file no longer imports" in page
    assert "it is online in the database" in page
    assert not Listing.objects.exists()
