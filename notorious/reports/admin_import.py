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
from django.db import transaction
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.text import capfirst

from .admin_publish import publish_url
from .import_csv import ImportFileError, RowError, decode
from .import_file import LISTINGS_FORMAT
from .importer import plan_import, run_import
from .models import Report
from .near_duplicates import CHOICE_PREFIX, MODELS, chosen
from .publishing import edition_name
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
        # A file that cannot be imported (one that is not UTF-8 among them) is not needed
        # as text: its preview is its errors.
        text = decode(data) if plan.is_valid else ""
        extras = self.preview_extras(request, text, plan, {})
        return self.show_preview(request, upload.name, text, plan, extras)

    def show_preview(self, request, name, text, plan, extras, **context):
        """The preview of `plan`, with the form confirming it when it can be imported (or
        when the editor may change the choices that make it fail)."""
        confirm_form = None
        if (plan.is_valid and plan.has_changes) or extras.get("near_duplicates"):
            token = ConfirmForm.token_for(name, text, self.salt)
            confirm_form = ConfirmForm(initial={"token": token}, salt=self.salt)
        return self.render(
            request,
            upload_form=self.upload_form(),
            plan=plan,
            file_name=name,
            confirm_form=confirm_form,
            **extras,
            **context,
        )

    def confirm(self, request):
        confirm_form = ConfirmForm(request.POST, salt=self.salt)
        if not confirm_form.is_valid():
            errors = [RowError(None, e) for e in confirm_form.errors["token"]]
            return self.render(request, upload_form=self.upload_form(), token_errors=errors)
        previewed = confirm_form.cleaned_data["token"]
        name, text = previewed["name"], previewed["text"]
        with transaction.atomic():
            # The choices are checked against the database as the import finds it.
            options, refused = self.options(request, text)
            if refused or "preview_again" in request.POST:
                plan = self.plan_import(text, **options)
                extras = self.preview_extras(request, text, plan, options)
                errors = [RowError(None, message) for message in refused]
                return self.show_preview(request, name, text, plan, extras, token_errors=errors)
            try:
                plan = self.run_import(text, **options)
            except ImportFileError:
                # The database changed since the preview in a way that makes a row bad, or
                # a choice did (two names made one market listed twice, say).
                note = "The database changed since the preview, and the file no longer imports."
                if any(options.values()):
                    note = "With your choices below the file does not import: see the errors."
                plan = self.plan_import(text, **options)
                extras = self.preview_extras(request, text, plan, options)
                return self.show_preview(
                    request, name, text, plan, extras, token_errors=[RowError(None, note)]
                )
        return self.imported(request, name, plan)

    def options(self, request, text):
        """What the editor chose on the preview, as keyword arguments for `plan_import` and
        `run_import`, and messages for choices refused. None by default."""
        return {}, []

    def preview_extras(self, request, text, plan, options):
        """More for the preview's template of `plan`, given the editor's `options` (none
        at first)."""
        return {}

    def imported(self, request, name, plan):
        """Say what was imported, and go back to the list of editions."""
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
    """A year's list of markets (`importer.py`). The preview warns of near-duplicates of
    existing markets and companies, and offers to record the file's name as an alias of the
    existing entry instead of creating a new one (`near_duplicates.py`)."""

    slug = "import-listings"
    title = "Import listings"
    template_name = "admin/reports/import_listings.html"
    permissions = ("reports.add_listing",)
    file_format = LISTINGS_FORMAT
    plan_import = staticmethod(plan_import)
    run_import = staticmethod(run_import)

    def options(self, request, text):
        if not any(key.startswith(CHOICE_PREFIX) and value for key, value in request.POST.items()):
            return {"same_as": {}}, []  # nothing chosen: no need to look for near-duplicates
        offered = self.plan_import(text).near_duplicates
        allowed = [near for near in offered if _may_alias(request.user, near.model)]
        same_as, refused = chosen(request.POST, allowed)
        notes = [
            f"“{name}” can no longer be recorded as an alias: the file or the database "
            "changed, or you may not change that entry. Choose again below."
            for name in refused
        ]
        return {"same_as": same_as}, notes

    def preview_extras(self, request, text, plan, options):
        # The near-duplicates offered are those of the file with no choice applied, so that
        # a choice can be changed; the chosen ones are marked.
        same_as = options.get("same_as") or {}
        offered = self.plan_import(text).near_duplicates if same_as else plan.near_duplicates
        rows = []
        for near in offered:
            pick = same_as.get((MODELS[near.model], near.name.casefold()))
            rows.append(
                {
                    "near": near,
                    "chosen": str(pick.pk) if pick else "",
                    "may_alias": _may_alias(request.user, near.model),
                }
            )
        return {"near_duplicates": rows}

    def imported(self, request, name, plan):
        response = super().imported(request, name, plan)
        for report in plan.editions:
            messages.info(
                request,
                format_html(
                    '{}: <a href="{}">publish it with its listings, markets and companies</a> '
                    "(the next page lists exactly what becomes public).",
                    capfirst(edition_name(report)),
                    publish_url(report),
                ),
            )
        return response


def _may_alias(user, model):
    # Recording an alias changes the existing market or company.
    app = "markets" if model == "market" else "companies"
    return user.has_perm(f"{app}.change_{model}")


class ImportReportsPage(ImportPage):
    """Editions' facts, one edition a row (`report_import.py`)."""

    slug = "import-reports"
    title = "Import editions"
    template_name = "admin/reports/import_reports.html"
    permissions = ("reports.add_report", "reports.change_report")
    file_format = REPORTS_FORMAT
    plan_import = staticmethod(plan_reports_import)
    run_import = staticmethod(run_reports_import)
