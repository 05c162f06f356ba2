"""export_dataset and import_dataset: the published database as files, and back, exactly."""

import csv
import datetime
import io
import json

import pytest
from django.core.management import CommandError, call_command

from notorious.companies.models import Company
from notorious.dataset.tables import FILENAMES
from notorious.figures.models import Figure
from notorious.markets.models import Market
from notorious.press.models import Article, Outlet
from notorious.reports.models import DatePrecision, Listing, Publication, Report
from tests.admin_forms import admin_form_errors
from tests.factories import (
    make_article,
    make_company,
    make_figure,
    make_listing,
    make_market,
    make_outlet,
    make_report,
)

pytestmark = pytest.mark.django_db

COUNTS = "3 companies, 2 outlets, 3 markets, 2 reports, 4 listings, 2 articles, 2 figures"
MODELS = (Figure, Article, Listing, Market, Report, Outlet, Company)


def delete_everything():
    # Children first: articles and figures protect their outlets and sources.
    for model in MODELS:
        model.objects.all().delete()


def run(command, *args):
    out = io.StringIO()
    call_command(command, *map(str, args), stdout=out)
    return out.getvalue()


def read_files(directory):
    return {name: (directory / name).read_bytes() for name in FILENAMES}


@pytest.fixture
def dataset():
    """A small but awkward dataset: CJK names, owners chains, links, figures, and drafts."""
    # The owner's slug sorts after its subsidiary's, so an import must link owners last.
    holding = make_company(
        "Zhejiang Holding", slug="zhejiang-holding", aliases="浙江控股", country="CN"
    )
    alibaba = make_company("Alibaba Group", aliases="阿里巴巴集团\nAlibaba", parent=holding)
    taobao_co = make_company("Taobao China", parent=alibaba, website="https://www.taobao.com")
    secret = make_company("Secret Owner", is_published=False)
    make_company("Draft Subsidiary", parent=alibaba, is_published=False)

    taobao = make_market(
        "Taobao",
        aliases="淘宝\n淘寶網",
        operator=taobao_co,
        country="CN",
        # Stored as entered (not as the admin form would tidy it): restored as stored.
        domains="taobao.com\nWorld.Taobao.com",
        description='Line one, with a comma.\nLine two with "quotes"; and a semicolon.',
    )
    wechat = make_market(
        "WeChat e-commerce ecosystem",
        slug="wechat",
        aliases="微信",
        category="social_commerce",
        operator=secret,  # a draft operator: exported as no operator
    )
    # No source says what kind of market it is: "Category not recorded".
    stall = make_market(
        "La Salada",
        kind="physical",
        category="",
        country="AR",
        city="Buenos Aires",
        aliases="ラ・サラダ",
    )
    hidden = make_market("Hidden Market", is_published=False)

    r2020 = make_report(
        2020,
        title="2020 Review of Notorious Markets for Counterfeiting and Piracy",
        online_all_entered=True,
        completeness_note="Checked against the report's list.",
        published_on=datetime.date(2021, 1, 14),
        source_url="https://ustr.gov/example-2020",
        online_count_stated=42,
        physical_count_stated=35,
        issue_focus="Counterfeits and e-commerce",
        summary="Summary of 2020.",
    )
    # Untitled (until its title is known), and published as something else than its year's
    # record says, as an editor may set it.
    r2021 = make_report(
        2021,
        publication=Publication.OUT_OF_CYCLE,
        published_on=datetime.date(2022, 2, 1),
        published_on_precision=DatePrecision.MONTH,
    )
    draft_report = make_report(2022, is_published=False)

    make_listing(taobao, r2020, reasons="Reasons, in the editors' words.")
    make_listing(
        taobao, r2021, quotation="“Taobao remains…” — 淘宝", quotation_page=12, reasons="Still."
    )
    make_listing(wechat, r2021, source_says_first=True)
    make_listing(stall, r2020)
    make_listing(stall, r2021, is_published=False)
    make_listing(taobao, draft_report)
    make_listing(hidden, r2021)

    tsf = make_outlet("Taiwan Security Forum", slug="tsf", country="TW", language="zh-hant")
    epoch = make_outlet("大紀元", slug="epoch-times", aliases="Da Ji Yuan\nEpoch Times")
    draft_outlet = make_outlet("Draft Outlet", is_published=False)
    story = make_article(
        "美國貿易代表署公布惡名昭彰市場名單",
        slug="ustr-list-2021",
        outlet=epoch,
        republishes=tsf,
        url="https://example.org/story",
        published_on=datetime.date(2022, 2, 18),
        language="zh-hant",
        author="記者",
        markets=[taobao, wechat, hidden],
        companies=[alibaba, secret],
        reports=[r2021, draft_report, r2020],
    )
    story.cited_outlets.set([tsf, draft_outlet])
    make_article("Undated  piece ", slug="undated")
    make_article("Draft piece", is_published=False)

    make_figure(
        slug="cbp-share",
        value="75.5",
        unit="%",
        year=2021,
        source_report=r2021,
        note="Of seizures.",
    )
    make_figure(slug="press-figure", value="1234567.89", unit="US$", source_article=story)
    make_figure(slug="draft-sourced", source_report=draft_report)
    make_figure(slug="draft-figure", source_report=r2020, is_published=False)


def test_round_trip_gives_identical_files_from_json_and_from_csv(dataset, tmp_path):
    run("export_dataset", tmp_path / "first")
    first = read_files(tmp_path / "first")
    taobao_stamps = Market.objects.filter(slug="taobao").values("created_at", "updated_at")[0]

    delete_everything()
    output = run("import_dataset", tmp_path / "first")
    assert f"Imported {COUNTS}" in output
    run("export_dataset", tmp_path / "second")
    assert read_files(tmp_path / "second") == first

    # What a reader sees is restored too, down to when each entry last changed.
    assert Market.objects.filter(slug="taobao").values("created_at", "updated_at")[0] == (
        taobao_stamps
    )
    assert Company.objects.get(slug="taobao-china").parent_chain == [
        Company.objects.get(slug="alibaba-group"),
        Company.objects.get(slug="zhejiang-holding"),
    ]
    story = Article.objects.get(slug="ustr-list-2021")
    assert sorted(story.markets.values_list("slug", flat=True)) == ["taobao", "wechat"]
    assert Market.objects.get(slug="taobao").alias_list == ["淘宝", "淘寶網"]
    assert Market.objects.get(slug="la-salada").category_label == "Category not recorded"
    r2021 = Report.objects.get(year=2021)
    assert (str(r2021), r2021.publication) == ("The 2021 edition", Publication.OUT_OF_CYCLE)
    assert Listing.objects.get(report=r2021, market__slug="wechat").source_says_first
    assert not Market.objects.filter(is_published=False).exists()

    delete_everything()
    run("import_dataset", tmp_path / "first", "--from", "csv")
    run("export_dataset", tmp_path / "third")
    assert read_files(tmp_path / "third") == first


def test_export_holds_published_entries_by_stable_keys_only(dataset, tmp_path):
    run("export_dataset", tmp_path)
    document = json.loads((tmp_path / "dataset.json").read_text(encoding="utf-8"))
    assert [m["slug"] for m in document["markets"]] == ["la-salada", "taobao", "wechat"]
    assert [(x["year"], x["market"]) for x in document["listings"]] == [
        (2020, "la-salada"),
        (2020, "taobao"),
        (2021, "taobao"),
        (2021, "wechat"),
    ]
    wechat = next(m for m in document["markets"] if m["slug"] == "wechat")
    assert wechat["operator"] is None  # its operator is a draft
    story = next(a for a in document["articles"] if a["slug"] == "ustr-list-2021")
    assert story["reports"] == [2020, 2021]
    assert story["companies"] == ["alibaba-group"]
    assert story["cited_outlets"] == ["tsf"]
    assert [f["slug"] for f in document["figures"]] == ["cbp-share", "press-figure"]
    assert next(f for f in document["figures"] if f["slug"] == "cbp-share")["value"] == "75.50"

    everything = b"".join(read_files(tmp_path).values()).decode("utf-8")
    for draft in ("hidden-market", "secret-owner", "draft-outlet", "draft-piece"):
        assert draft not in everything
    assert [report["year"] for report in document["reports"]] == [2020, 2021]
    assert "淘寶網" in everything  # written as text, not \u escapes
    for name in FILENAMES[:-1]:
        header = next(csv.reader(io.StringIO((tmp_path / name).read_text(encoding="utf-8"))))
        assert "id" not in header and "pk" not in header
    markets = list(csv.DictReader(io.StringIO((tmp_path / "markets.csv").read_text("utf-8"))))
    taobao = next(row for row in markets if row["slug"] == "taobao")
    assert taobao["aliases"] == "淘宝; 淘寶網"
    assert taobao["description"].endswith('with "quotes"; and a semicolon.')


def test_export_carries_publications_completeness_and_first_listings(dataset, tmp_path):
    run("export_dataset", tmp_path)
    document = json.loads((tmp_path / "dataset.json").read_text(encoding="utf-8"))
    assert document["version"] == 2
    r2020, r2021 = document["reports"]
    assert (r2020["publication"], r2020["online_all_entered"], r2020["physical_all_entered"]) == (
        "review",
        True,
        False,
    )
    assert r2020["completeness_note"] == "Checked against the report's list."
    assert (r2021["title"], r2021["publication"]) == ("", "out_of_cycle")
    firsts = {(x["year"], x["market"]) for x in document["listings"] if x["source_says_first"]}
    assert firsts == {(2021, "wechat")}
    salada = next(m for m in document["markets"] if m["slug"] == "la-salada")
    assert salada["category"] == ""
    assert "listed_before_first_entry" not in salada
    reports = (tmp_path / "reports.csv").read_text(encoding="utf-8").splitlines()
    assert reports[0].startswith("year,publication,title,")
    assert ",review,2020 Review of Notorious" in reports[1]


def test_markets_and_editions_the_importers_made_round_trip(tmp_path):
    """What the importers create (a market of unknown category, an untitled edition) exports
    and imports back into an empty database unchanged."""
    listings = tmp_path / "listings.csv"
    listings.write_text("year,market,kind\n2021,Some Mall,physical\n", encoding="utf-8")
    editions = tmp_path / "reports.csv"
    editions.write_text("year,published_on\n2021,2022-02\n2013,2014\n", encoding="utf-8")
    run("import_listings", listings)
    run("import_reports", editions)
    for model in (Market, Report, Listing):
        model.objects.update(is_published=True)
    run("export_dataset", tmp_path / "first")

    delete_everything()
    run("import_dataset", tmp_path / "first", "--from", "csv")
    run("export_dataset", tmp_path / "second")

    assert read_files(tmp_path / "second") == read_files(tmp_path / "first")
    assert Market.objects.get().category == ""
    assert str(Report.objects.get(year=2013)) == "The 2013 edition"


def test_formula_cells_are_escaped_in_csv_only_and_round_trip(tmp_path):
    """Cells a spreadsheet would run (`=…`, `@…`) are exported with a quote in front, in
    CSV only; reading the CSV back takes exactly that quote off, so text that already
    starts with a quote survives, and a negative figure stays a plain number."""
    link = '=HYPERLINK("https://evil.example","Taobao")'
    make_market(link, slug="planted", aliases="@SUM(1+1)\n'=quoted", description="-2+3")
    make_market("'Tis a market", slug="tis")
    make_figure(slug="drop", value="-3.5", unit="%", note="+1 point")
    run("export_dataset", tmp_path / "first")
    first = read_files(tmp_path / "first")

    markets = csv_dicts(tmp_path / "first" / "markets.csv")
    planted = next(row for row in markets if row["slug"] == "planted")
    assert (planted["name"], planted["aliases"], planted["description"]) == (
        f"'{link}",
        "'@SUM(1+1); '=quoted",
        "'-2+3",
    )
    assert next(row for row in markets if row["slug"] == "tis")["name"] == "'Tis a market"
    [figure] = csv_dicts(tmp_path / "first" / "figures.csv")
    assert (figure["value"], figure["note"]) == ("-3.50", "'+1 point")
    document = json.loads((tmp_path / "first" / "dataset.json").read_text(encoding="utf-8"))
    assert {market["name"] for market in document["markets"]} == {link, "'Tis a market"}

    delete_everything()
    run("import_dataset", tmp_path / "first", "--from", "csv")
    assert Market.objects.get(slug="planted").alias_list == ["@SUM(1+1)", "'=quoted"]
    assert Market.objects.get(slug="planted").description == "-2+3"
    run("export_dataset", tmp_path / "second")
    assert read_files(tmp_path / "second") == first


def csv_dicts(path):
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))


def test_a_record_the_admin_would_refuse_is_refused_with_its_line(dataset, tmp_path, editor):
    unexplained = {"year": "2021", "online_all_entered": "on", "completeness_note": ""}
    assert "completeness_note" in admin_form_errors(Report, editor, unexplained)
    run("export_dataset", tmp_path)
    delete_everything()
    path = tmp_path / "reports.csv"
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))
    rows[2][rows[0].index("online_all_entered")] = "true"  # 2021, which has no note
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")

    with pytest.raises(CommandError, match=r"reports\.csv line 3: completeness_note: Say how"):
        run("import_dataset", tmp_path, "--from", "csv")
    assert not any(model.objects.exists() for model in MODELS)


def test_a_dataset_of_an_earlier_version_is_refused(dataset, tmp_path):
    run("export_dataset", tmp_path)
    delete_everything()
    path = tmp_path / "dataset.json"
    document = json.loads(path.read_text(encoding="utf-8"))
    document["version"] = 1
    path.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(CommandError, match="version 1; this site reads version 2"):
        run("import_dataset", tmp_path)


def test_export_dry_run_writes_nothing(dataset, tmp_path):
    target = tmp_path / "export"
    output = run("export_dataset", target, "--dry-run")
    assert not target.exists()
    assert "Dry run: nothing was written. Would export 3 companies" in output


def test_import_dry_run_checks_everything_and_writes_nothing(dataset, tmp_path):
    run("export_dataset", tmp_path)
    delete_everything()
    output = run("import_dataset", tmp_path, "--dry-run")
    assert f"Would import {COUNTS}" in output
    assert not any(model.objects.exists() for model in MODELS)


def test_import_refuses_a_database_that_is_not_empty(dataset, tmp_path):
    run("export_dataset", tmp_path)
    delete_everything()
    make_market("Only a draft", is_published=False)
    with pytest.raises(CommandError, match=r"not empty \(1 markets\).*Nothing was imported"):
        run("import_dataset", tmp_path)
    assert Market.objects.count() == 1
    assert not Company.objects.exists()


def test_a_bad_record_stops_the_import_with_its_line_and_writes_nothing(dataset, tmp_path):
    run("export_dataset", tmp_path)
    delete_everything()
    path = tmp_path / "markets.csv"
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))
    kind = rows[0].index("kind")
    rows[3][kind] = "spaceship"  # the third market: the first two import fine
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    # Taobao's description spans two lines, so WeChat's record starts on line 5.
    with pytest.raises(CommandError, match=r"markets\.csv line 5: kind: .*spaceship"):
        run("import_dataset", tmp_path, "--from", "csv")
    assert not any(model.objects.exists() for model in MODELS)


def test_a_reference_to_a_missing_entry_is_reported(dataset, tmp_path):
    run("export_dataset", tmp_path)
    delete_everything()
    path = tmp_path / "dataset.json"
    document = json.loads(path.read_text(encoding="utf-8"))
    document["listings"][1]["market"] = "no-such-market"
    path.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(
        CommandError, match=r"listings\[1\]: market: 'no-such-market' is not a market"
    ):
        run("import_dataset", tmp_path)
    assert not any(model.objects.exists() for model in MODELS)


def test_import_says_what_is_wrong_with_the_directory(tmp_path):
    with pytest.raises(CommandError, match="dataset.json not found"):
        run("import_dataset", tmp_path)
    (tmp_path / "dataset.json").write_text('{"format": "something else"}', encoding="utf-8")
    with pytest.raises(CommandError, match="not a Notorious dataset"):
        run("import_dataset", tmp_path)
    with pytest.raises(CommandError, match="companies.csv not found"):
        run("import_dataset", tmp_path, "--from", "csv")


def test_an_empty_database_exports_and_imports_empty_files(tmp_path):
    run("export_dataset", tmp_path)
    assert (tmp_path / "markets.csv").read_text(encoding="utf-8").startswith("slug,name,aliases")
    output = run("import_dataset", tmp_path, "--from", "csv")
    assert "Imported 0 companies" in output
