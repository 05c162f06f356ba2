"""The admin's import pages, "Import listings" and "Import editions": upload a CSV, read the
preview, confirm.

The preview is the import's plan of the uploaded file; confirming runs the import on the
same text, which travels between the two steps in a signed hidden field (so it cannot be
altered, and nothing is stored on the server meanwhile). Confirming checks the file again
against the database as it is then, inside the transaction that writes it. `ImportPage`
holds the steps; each import's page names its plan and run functions, columns and wording.
"""

from django import forms
from django.contrib import messages
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from .import_csv import ImportFileError, RowError, decode
from .import_file import LISTINGS_FORMAT
from .importer import plan_import, run_import
from .models import Report
from .report_import import REPORTS_FORMAT, plan_reports_import, run_reports_import

CONFIRM_WITHIN = 60 * 60  # seconds a preview stays confirmable
MAX_FILE_SIZE = 2 * 1024 * 1024  # a year's list is a few dozen kilobytes


class UploadForm(forms.Form):
    file = forms.FileField(label="CSV file")

    def __init__(self, *args, file_format, **kwargs):
        super().__init__(*args, **kwargs)
        required = " and ".join(file_format.required)
        self.fields["file"].help_text = (
            "UTF-8, comma-separated, with a header row; the columns are: "
            + ", ".join(file_format.columns)
            + f". Only {required} {'is' if len(file_format.required) == 1 else 'are'} required."
        )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_SIZE:
            raise forms.ValidationError(
                f"The file is larger than {MAX_FILE_SIZE // (1024 * 1024)} MB; an import file "
                "is far smaller. Is it the right file?"
            )
        return upload


class ConfirmForm(forms.Form):
    """The previewed file, signed, so confirming imports exactly what was previewed. Each
    page signs with its own salt: a preview of one import cannot be confirmed on another."""

    token = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, salt, **kwargs):
        super().__init__(*args, **kwargs)
        self.salt = salt

    @staticmethod
    def token_for(name, text, salt):
        return signing.dumps({"name": name, "text": text}, salt=salt, compress=True)

    def clean_token(self):
        try:
            return signing.loads(self.cleaned_data["token"], salt=self.salt, max_age=CONFIRM_WITHIN)
        except signing.SignatureExpired:
            raise forms.ValidationError(
                "This preview is more than an hour old; upload the file again."
            ) from None
        except signing.BadSignature:
            raise forms.ValidationError(
                "The previewed file could not be read back; upload the file again."
            ) from None


def import_urls(model_admin):
    """URL patterns of both import pages, to add to the ReportAdmin's own (see
    `ReportAdmin.get_urls`)."""
    opts = model_admin.opts
    return [
        path(
            f"{page.slug}/",
            model_admin.admin_site.admin_view(page(model_admin).dispatch),
            name=f"{opts.app_label}_{opts.model_name}_{page.slug.replace('-', '_')}",
        )
        for page in (ImportListingsPage, ImportReportsPage)
    ]


class ImportPage:
    """Upload → preview → confirm, on one URL: which step a POST is depends on its fields.
    Subclasses set what differs between imports."""

    slug = ""  # the page's URL, under the report list's; names it too ("import_listings")
    title = ""
    template_name = ""
    permissions = ()  # every one is needed
    file_format = None  # the import's CsvFormat
    plan_import = None  # staticmethod(function(data) -> plan)
    run_import = None  # staticmethod(function(text) -> plan, raising ImportFileError)

    def __init__(self, model_admin):
        self.model_admin = model_admin

    @property
    def salt(self):
        return f"notorious.reports.{self.slug.replace('-', '_')}"

    def upload_form(self, *args):
        return UploadForm(*args, file_format=self.file_format)

    def dispatch(self, request):
        if not request.user.has_perms(self.permissions):
            raise PermissionDenied
        if request.method == "POST" and "token" in request.POST:
            return self.confirm(request)
        if request.method == "POST":
            return self.preview(request)
        return self.render(request, upload_form=self.upload_form())

    def preview(self, request):
        upload_form = self.upload_form(request.POST, request.FILES)
        if not upload_form.is_valid():
            return self.render(request, upload_form=upload_form)
        upload = upload_form.cleaned_data["file"]
        data = upload.read()
        plan = self.plan_import(data)
        confirm_form = None
        if plan.is_valid and plan.has_changes:
            token = ConfirmForm.token_for(upload.name, decode(data), self.salt)
            confirm_form = ConfirmForm(initial={"token": token}, salt=self.salt)
        return self.render(
            request,
            upload_form=self.upload_form(),
            plan=plan,
            file_name=upload.name,
            confirm_form=confirm_form,
        )

    def confirm(self, request):
        confirm_form = ConfirmForm(request.POST, salt=self.salt)
        if not confirm_form.is_valid():
            errors = [RowError(None, e) for e in confirm_form.errors["token"]]
            return self.render(request, upload_form=self.upload_form(), token_errors=errors)
        previewed = confirm_form.cleaned_data["token"]
        name, text = previewed["name"], previewed["text"]
        try:
            plan = self.run_import(text)
        except ImportFileError:
            # The database changed since the preview in a way that makes a row bad.
            note = "The database changed since the preview, and the file no longer imports."
            return self.render(
                request,
                upload_form=self.upload_form(),
                plan=self.plan_import(text),
                file_name=name,
                token_errors=[RowError(None, note)],
            )
        summary = plan.summary_lines()[-1]
        messages.success(
            request,
            f"Imported {name}. {summary} New entries are drafts until you publish them.",
        )
        return redirect(reverse("admin:reports_report_changelist"))

    def render(self, request, **context):
        admin_site = self.model_admin.admin_site
        context = {
            **admin_site.each_context(request),
            "opts": Report._meta,
            "title": self.title,
            "columns": self.file_format.columns,
            "plan": None,
            "confirm_form": None,
            "token_errors": [],
            **context,
        }
        return TemplateResponse(request, self.template_name, context)


class ImportListingsPage(ImportPage):
    """A year's list of markets (`importer.py`)."""

    slug = "import-listings"
    title = "Import listings"
    template_name = "admin/reports/import_listings.html"
    permissions = ("reports.add_listing",)
    file_format = LISTINGS_FORMAT
    plan_import = staticmethod(plan_import)
    run_import = staticmethod(run_import)


class ImportReportsPage(ImportPage):
    """Editions' facts, one edition a row (`report_import.py`)."""

    slug = "import-reports"
    title = "Import editions"
    template_name = "admin/reports/import_reports.html"
    permissions = ("reports.add_report", "reports.change_report")
    file_format = REPORTS_FORMAT
    plan_import = staticmethod(plan_reports_import)
    run_import = staticmethod(run_reports_import)
