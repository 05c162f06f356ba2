"""`import_reports`: editions' facts from a CSV file, rule by rule; the admin page at the end."""

import datetime
import io
from functools import partial
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

from notorious.reports.models import DatePrecision, Publication, Report
from tests import test_import as import_tests
from tests.admin_forms import admin_form_errors
from tests.factories import make_report
from tests.test_import import database_state

pytestmark = pytest.mark.django_db

EXAMPLE = Path(__file__).resolve().parent.parent / "docs" / "reports-example.csv"
HEADER = (
    "year,publication,title,published_on,online_count,physical_count,source_url,issue_focus,"
    "online_complete,physical_complete,completeness_note"
)


# The listings import's helpers, for this command and its columns.
run = partial(import_tests.run, command="import_reports")
refuse = partial(import_tests.refuse, command="import_reports")
csv_of = partial(import_tests.csv_of, header=HEADER)
write = partial(import_tests.write, name="reports.csv")


# --- the example file -------------------------------------------------------------------------


def test_example_file_creates_the_editions_as_drafts():
    output = run(EXAMPLE)

    assert list(Report.objects.order_by("year").values_list("year", flat=True)) == [
        2018,
        2019,
        2020,
        2021,
    ]
    assert not Report.objects.published().exists()
    r2018, r2020, r2021 = (Report.objects.get(year=year) for year in (2018, 2020, 2021))
    assert r2018.publication == Publication.OUT_OF_CYCLE
    assert r2018.publication_date_display == "April 2019"
    assert str(r2018) == "The 2018 edition"  # no title is made up
    assert r2020.publication == Publication.REVIEW  # by the record for its year
    assert r2021.title == "2021 Review of Notorious Markets for Counterfeiting and Piracy"
    assert (r2021.online_count_stated, r2021.physical_count_stated) == (42, 35)
    assert (r2021.published_on, r2021.published_on_precision) == (
        datetime.date(2022, 2, 1),
        DatePrecision.MONTH,
    )
    assert not r2021.online_all_entered
    assert 'report 2018: "The 2018 edition", Out-of-Cycle Review of Notorious Markets' in output
    assert "created 4 reports; 0 field changes" in output


def test_importing_the_same_file_twice_changes_nothing(tmp_path):
    path = write(
        tmp_path,
        csv_of(
            "2021,review,A title,2022-02-17,42,35,https://ustr.gov/r,Workers,yes,1,Counted.",
            "2013,,,2014,,,,,false,0,",
        ),
    )
    run(path)
    before = database_state()

    output = run(path)

    assert database_state() == before  # updated_at included
    assert "Nothing to change: the database already matches the file." in output
    assert "created nothing; 0 field changes" in output


# --- values -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "cell,publication",
    [
        ("Special 301 Report", Publication.SPECIAL_301),
        ("out-of-cycle review of notorious markets", Publication.OUT_OF_CYCLE),
        ("REVIEW OF NOTORIOUS MARKETS FOR COUNTERFEITING AND PIRACY", Publication.REVIEW),
        ("review", Publication.REVIEW),
    ],
)
def test_publication_by_its_name_in_any_case(tmp_path, cell, publication):
    run(write(tmp_path, csv_of(f"2019,{cell},,,,,,,,,")))
    assert Report.objects.get().publication == publication


@pytest.mark.parametrize(
    "cell,date,precision,shown",
    [
        ("2022", datetime.date(2022, 1, 1), DatePrecision.YEAR, "2022"),
        ("2022-02", datetime.date(2022, 2, 1), DatePrecision.MONTH, "February 2022"),
        ("2022-2", datetime.date(2022, 2, 1), DatePrecision.MONTH, "February 2022"),
        ("2022-02-17", datetime.date(2022, 2, 17), DatePrecision.DAY, "17 February 2022"),
    ],
)
def test_publication_date_keeps_its_precision(tmp_path, cell, date, precision, shown):
    output = run(write(tmp_path, csv_of(f"2021,,,{cell},,,,,,,")))
    report = Report.objects.get()
    assert (report.published_on, report.published_on_precision) == (date, precision)
    assert report.publication_date_display == shown
    assert f"published {shown} (draft)" in output


@pytest.mark.parametrize(
    "cell,value",
    [("yes", True), ("TRUE", True), ("1", True), ("No", False), ("false", False), ("0", False)],
)
def test_completeness_as_yes_no_true_false_or_1_0(tmp_path, cell, value):
    run(write(tmp_path, csv_of(f"2021,,,,,,,,{cell},{cell},How we know.")))
    report = Report.objects.get()
    assert (report.online_all_entered, report.physical_all_entered) == (value, value)


def test_columns_in_any_order_and_optional_ones_absent(tmp_path):
    run(write(tmp_path, "Online_Count,YEAR\n40,2020\n"))
    assert Report.objects.get(year=2020).online_count_stated == 40


def test_empty_cells_leave_existing_values_alone(tmp_path):
    make_report(
        2021,
        title="The 2021 review",
        publication=Publication.REVIEW,
        published_on=datetime.date(2022, 2, 17),
        online_count_stated=42,
        physical_count_stated=35,
        source_url="https://ustr.gov/2021",
        issue_focus="Workers",
        online_all_entered=True,
        completeness_note="Counted against the report.",
    )
    before = database_state()

    output = run(write(tmp_path, csv_of("2021,,,,,,,,,,")))

    assert database_state() == before
    assert "Nothing to change" in output


def test_filled_cells_update_and_the_dry_run_shows_old_and_new(tmp_path):
    report = make_report(
        2021, published_on=datetime.date(2022, 1, 1), published_on_precision="year"
    )
    before = database_state()
    path = write(tmp_path, csv_of("2021,,The 2021 review,2022-02,42,,,,yes,,Counted."))

    output = run(path, dry_run=True)

    assert database_state() == before
    assert "report 2021: title: (empty) → The 2021 review" in output
    assert "report 2021: publication date: 2022 → February 2022" in output
    assert "report 2021: online markets (as stated): (empty) → 42" in output
    assert "report 2021: online section: all entered: no → yes" in output
    assert "Dry run: nothing was written." in output

    run(path)
    report.refresh_from_db()
    assert report.title == "The 2021 review"
    assert report.publication_date_display == "February 2022"
    assert report.online_count_stated == 42
    assert report.online_all_entered
    assert report.completeness_note == "Counted."
    assert report.is_published  # an existing edition keeps its state


def test_a_title_given_by_the_editions_import_is_kept_by_the_listings_import(tmp_path):
    run(write(tmp_path, csv_of("2021,,The 2021 review,,,,,,,,")))
    listings = tmp_path / "listings.csv"
    listings.write_text("year,market,kind\n2021,Taobao,online\n", encoding="utf-8")
    call_command("import_listings", str(listings), stdout=io.StringIO())
    assert str(Report.objects.get()) == "The 2021 review"


def test_marking_complete_uses_the_note_already_stored(tmp_path):
    make_report(2021, completeness_note="Checked against the annex.")
    run(write(tmp_path, csv_of("2021,,,,,,,,,yes,")))
    assert Report.objects.get().physical_all_entered


# --- bad rows: line number, reason, nothing written -------------------------------------------


@pytest.mark.parametrize(
    "row,reason",
    [
        (",,A title,,,,,,,,", "'year' is required and is empty."),
        ("1999,,,,,,,,,,", "year 1999 is out of range"),
        ("2021,Annual Report,,,,,,,,,", "unknown publication 'Annual Report'; use one of:"),
        ("2021,,,Feb 2022,,,,,,,", "published_on 'Feb 2022' is not a date such as 2022"),
        ("2021,,,2022-02-30,,,,,,,", "published_on '2022-02-30' is not a date"),
        ("2021,,,2022-13,,,,,,,", "published_on '2022-13' is not a date"),
        ("2021,,,17/02/2022,,,,,,,", "published_on '17/02/2022' is not a date"),
        ("2021,,,,forty,,,,,,", "online_count 'forty' is not a whole number."),
        ("2021,,,,,3.5,,,,,", "physical_count '3.5' is not a whole number."),
        ("2021,,,,,,,,maybe,,", "online_complete 'maybe' is neither yes nor no"),
        # The model's own checks, as the admin's form makes them:
        ("2021,,,2020-12,,,,,,,", "published_on: The 2021 review cannot have been published"),
        ("2021,,,2999,,,,,,,", "published_on: The publication date is in the future."),
        ("2021,,,,-1,,,,,,", "online_count: Ensure this value is greater than or equal to 0."),
        (f"2021,,{'x' * 301},,,,,,,,", "title: Ensure this value has at most 300 characters"),
        ("2021,,,,,,not a link,,,,", "source_url: Enter a valid URL."),
        ("2021,,,,,,,,yes,,", "completeness_note: Say how you know every listing is entered"),
    ],
)
def test_bad_row_is_refused_with_its_line_and_reason(tmp_path, row, reason):
    make_report(2020)
    before = database_state()
    message = refuse(write(tmp_path, csv_of("2020,,A fine row,,,,,,,,", row)))
    assert f"Line 3: {reason}" in message
    assert "nothing was written" in message
    assert database_state() == before


def test_an_edition_given_twice_is_refused(tmp_path):
    message = refuse(write(tmp_path, csv_of("2021,,,,,,,,,,", "2021,,Other,,,,,,,,")))
    assert "Line 3: the 2021 edition is already on line 2; give each edition once." in message
    assert not Report.objects.exists()


def test_every_bad_row_is_reported_at_once(tmp_path):
    message = refuse(
        write(
            tmp_path,
            csv_of("2019,,,,,,,,yes,,", "2020,,,,,,,,,,", "2021,,,,forty,,,,,,"),
        )
    )
    assert "Line 2: completeness_note:" in message
    assert "Line 4: online_count 'forty'" in message
    assert "2 problems" in message
    assert not Report.objects.exists()


@pytest.mark.parametrize(
    "text,reason",
    [
        ("", "The file is empty"),
        (HEADER + "\n", "The file has a header but no rows"),
        ("title\nSomething\n", "Line 1: missing required column(s): year"),
        (
            "year,market\n2021,Taobao\n",
            "unknown column(s) 'market'; the columns are: year, publication",
        ),
    ],
)
def test_unreadable_file_is_refused(tmp_path, text, reason):
    assert reason in refuse(write(tmp_path, text))
    assert not Report.objects.exists()


def test_missing_file_is_a_command_error(tmp_path):
    assert "Cannot read" in refuse(tmp_path / "nowhere.csv")


# --- the admin's rules, the import's rules -----------------------------------------------------


def test_a_row_the_admin_would_refuse_is_refused_with_its_line(tmp_path, editor):
    unexplained = {"year": "2021", "online_all_entered": "on", "completeness_note": ""}
    assert "completeness_note" in admin_form_errors(Report, editor, unexplained)

    message = refuse(write(tmp_path, csv_of("2020,,,,,,,,,,", "2021,,,,,,,,yes,,")))

    assert "Line 3: completeness_note: Say how you know" in message
    assert not Report.objects.exists()


def test_a_value_the_admin_accepts_imports(tmp_path, editor):
    explained = {
        "year": "2021",
        "online_all_entered": "on",
        "completeness_note": "Counted against the report.",
        "title": "",
    }
    assert admin_form_errors(Report, editor, explained) == {}

    run(write(tmp_path, csv_of("2021,,,,,,,,yes,,Counted against the report.")))

    report = Report.objects.get()
    assert report.online_all_entered
    assert report.title == ""


# --- the admin page -----------------------------------------------------------------------------


def import_url():
    return reverse("admin:reports_report_import_reports")


def upload(text, name="reports.csv"):
    file = io.BytesIO(text.encode("utf-8"))
    file.name = name
    return file


def test_report_list_links_to_the_import_page(editor_client):
    response = editor_client.get(reverse("admin:reports_report_changelist"))
    assert import_url() in response.content.decode()


def test_admin_page_explains_the_format(editor_client):
    page = editor_client.get(import_url()).content.decode()
    assert "completeness_note" in page
    assert "Importing editions" in page
    assert "Only year is required." in page


def test_admin_preview_then_confirm_imports_the_file(editor_client):
    report = make_report(2021)
    preview = editor_client.post(import_url(), {"file": upload(EXAMPLE.read_text("utf-8"))})

    page = preview.content.decode()
    assert preview.status_code == 200
    assert "Out-of-Cycle Review of Notorious Markets" in page
    title = "2021 Review of Notorious Markets for Counterfeiting and Piracy"
    changes = [str(change) for change in preview.context["plan"].changes]
    assert f"report 2021: title: (empty) → {title}" in changes
    assert title in page
    assert not Report.objects.filter(year=2018).exists()  # nothing written yet
    token = preview.context["confirm_form"]["token"].value()

    done = editor_client.post(import_url(), {"token": token}, follow=True)

    assert done.redirect_chain[-1][0] == reverse("admin:reports_report_changelist")
    assert Report.objects.count() == 4
    report.refresh_from_db()
    assert report.online_count_stated == 42
    assert any("created 3 reports" in str(m) for m in done.context["messages"])


def test_admin_preview_shows_errors_and_offers_no_confirmation(editor_client):
    response = editor_client.post(
        import_url(), {"file": upload(csv_of("2020,,,,,,,,,,", "2021,,,,,,,,yes,,"))}
    )
    page = response.content.decode()
    assert "Line 3: completeness_note:" in page
    assert response.context["confirm_form"] is None
    assert not Report.objects.exists()


def test_admin_confirm_checks_the_file_again_against_the_database(editor_client):
    report = make_report(2021, completeness_note="Checked against the annex.")
    preview = editor_client.post(import_url(), {"file": upload(csv_of("2021,,,,,,,,yes,,"))})
    token = preview.context["confirm_form"]["token"].value()
    report.completeness_note = ""  # emptied meanwhile: the mark is no longer explained
    report.save()

    response = editor_client.post(import_url(), {"token": token})

    page = response.content.decode()
    assert "the file no longer imports" in page
    assert "Line 2: completeness_note:" in page
    report.refresh_from_db()
    assert not report.online_all_entered


def test_a_listings_preview_cannot_be_confirmed_on_the_editions_page(editor_client):
    listings = "year,market,kind\n2021,Taobao,online\n"
    preview = editor_client.post(
        reverse("admin:reports_report_import_listings"), {"file": upload(listings)}
    )
    token = preview.context["confirm_form"]["token"].value()

    response = editor_client.post(import_url(), {"token": token})

    assert "upload the file again" in response.content.decode()
    assert not Report.objects.exists()


def test_admin_import_needs_the_report_permissions(client, django_user_model):
    staff = django_user_model.objects.create_user("staff", password="x", is_staff=True)
    client.force_login(staff)
    assert client.get(import_url()).status_code == 403
