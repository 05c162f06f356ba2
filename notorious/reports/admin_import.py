"""The admin's "Import listings" page: upload a CSV, read the preview, confirm.

The preview is `plan_import` on the uploaded file; confirming runs `run_import` on the same
text, which travels between the two steps in a signed hidden field (so it cannot be altered,
and nothing is stored on the server meanwhile). Confirming checks the file again against the
database as it is then, inside the transaction that writes it.
"""

from django import forms
from django.contrib import messages
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from .import_file import COLUMNS, ListingImportError, RowError, decode
from .importer import plan_import, run_import
from .models import Report

SIGNING_SALT = "notorious.reports.import_listings"
CONFIRM_WITHIN = 60 * 60  # seconds a preview stays confirmable
MAX_FILE_SIZE = 2 * 1024 * 1024  # a year's list is a few dozen kilobytes


class UploadForm(forms.Form):
    file = forms.FileField(
        label="CSV file",
        help_text="UTF-8, comma-separated, with a header row; the columns are: "
        + ", ".join(COLUMNS)
        + ". Only year, market and kind are required.",
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_SIZE:
            raise forms.ValidationError(
                f"The file is larger than {MAX_FILE_SIZE // (1024 * 1024)} MB; a year's list "
                "is far smaller. Is it the right file?"
            )
        return upload


class ConfirmForm(forms.Form):
    """The previewed file, signed, so confirming imports exactly what was previewed."""

    token = forms.CharField(widget=forms.HiddenInput)

    @staticmethod
    def token_for(name, text):
        return signing.dumps({"name": name, "text": text}, salt=SIGNING_SALT, compress=True)

    def clean_token(self):
        try:
            return signing.loads(
                self.cleaned_data["token"], salt=SIGNING_SALT, max_age=CONFIRM_WITHIN
            )
        except signing.SignatureExpired:
            raise forms.ValidationError(
                "This preview is more than an hour old; upload the file again."
            ) from None
        except signing.BadSignature:
            raise forms.ValidationError(
                "The previewed file could not be read back; upload the file again."
            ) from None


def import_listings_urls(model_admin):
    """URL patterns to add to the ReportAdmin's own (see `ReportAdmin.get_urls`)."""
    view = model_admin.admin_site.admin_view(ImportListingsPage(model_admin).dispatch)
    opts = model_admin.opts
    name = f"{opts.app_label}_{opts.model_name}_import_listings"
    return [path("import-listings/", view, name=name)]


class ImportListingsPage:
    """Upload → preview → confirm, on one URL: which step a POST is depends on its fields."""

    template_name = "admin/reports/import_listings.html"

    def __init__(self, model_admin):
        self.model_admin = model_admin

    def dispatch(self, request):
        if not request.user.has_perm("reports.add_listing"):
            raise PermissionDenied
        if request.method == "POST" and "token" in request.POST:
            return self.confirm(request)
        if request.method == "POST":
            return self.preview(request)
        return self.render(request, upload_form=UploadForm())

    def preview(self, request):
        upload_form = UploadForm(request.POST, request.FILES)
        if not upload_form.is_valid():
            return self.render(request, upload_form=upload_form)
        upload = upload_form.cleaned_data["file"]
        data = upload.read()
        plan = plan_import(data)
        confirm_form = None
        if plan.is_valid and plan.has_changes:
            token = ConfirmForm.token_for(upload.name, decode(data))
            confirm_form = ConfirmForm(initial={"token": token})
        return self.render(
            request,
            upload_form=UploadForm(),
            plan=plan,
            file_name=upload.name,
            confirm_form=confirm_form,
        )

    def confirm(self, request):
        confirm_form = ConfirmForm(request.POST)
        if not confirm_form.is_valid():
            errors = [RowError(None, e) for e in confirm_form.errors["token"]]
            return self.render(request, upload_form=UploadForm(), token_errors=errors)
        previewed = confirm_form.cleaned_data["token"]
        name, text = previewed["name"], previewed["text"]
        try:
            plan = run_import(text)
        except ListingImportError:
            # The database changed since the preview in a way that makes a row bad.
            note = "The database changed since the preview, and the file no longer imports."
            return self.render(
                request,
                upload_form=UploadForm(),
                plan=plan_import(text),
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
            "title": "Import listings",
            "columns": COLUMNS,
            "plan": None,
            "confirm_form": None,
            "token_errors": [],
            **context,
        }
        return TemplateResponse(request, self.template_name, context)
