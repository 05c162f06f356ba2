from urllib.parse import urlsplit, urlunsplit

from django import forms
from django.contrib import admin, messages
from django.db import models
from django.http import QueryDict
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode

from notorious.core.admin import (
    RECORD_FIELDSET,
    GuardedInlineMixin,
    PublishableAdmin,
    unpublish,
)
from notorious.core.admin import publish as publish_entries
from notorious.core.admin_rows import LabelledRowsInlineMixin
from notorious.core.numbers import parse_number
from notorious.markets.models import Kind

from .admin_import import import_urls
from .admin_publish import publish_url, publishing_urls, unpublish_url
from .completeness import completeness_label, completeness_readout, warnings_as_published
from .models import Listing, Report
from .publishing import PublishPlan

NOT_SAVED = "Shown once the edition is saved."


class MarketListingInline(LabelledRowsInlineMixin, GuardedInlineMixin, admin.TabularInline):
    """On a market's page: the editions that name it, picked by autocomplete. A market is
    listed at most once per edition, so this stays a few dozen rows (an edition's own page
    links to its listings instead: it may have hundreds). Each row refuses to save over a
    change made to that listing since the page was opened."""

    model = Listing
    extra = 0
    show_change_link = True
    fields = (
        "report",
        "section",
        "reasons",
        "quotation",
        "quotation_page",
        "source_says_first",
        "is_published",
    )
    autocomplete_fields = ("report",)
    ordering = ("report__year",)
    verbose_name = "listing in an edition"
    verbose_name_plural = "listings in editions"
    formfield_overrides = {
        models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 40})}
    }

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("report", "market")

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        # A market's listings belong in its own section; start new rows there.
        if obj is not None and obj.kind:
            formset.form.base_fields["section"].initial = obj.kind
        return formset


def listings_readout(year, counts, verb="Edit"):
    """The edition's listings counted (`ListingQuerySet.counts`), each count a link to the
    list of listings filtered to them: "Edit the 1,500 listings of this edition: 1,125
    online, 375 physical; 150 drafts."."""
    if not counts["total"]:
        return "No listings entered yet."
    changelist = reverse("admin:reports_listing_changelist")

    def link(text, **filters):
        query = urlencode({"year": year, **filters})
        return format_html('<a href="{}?{}">{}</a>', changelist, query, text)

    total, drafts = counts["total"], counts["drafts"]
    sections = format_html_join(
        ", ",
        "{}",
        (
            (link(f"{counts[kind.value]:,} {kind.value}", section__exact=kind.value),)
            for kind in Kind
            if counts[kind.value]
        ),
    )
    text = format_html(
        "{}: {}", link(f"{verb} the {total:,} listing{pluralize(total)} of this edition"), sections
    )
    if drafts:
        text = format_html(
            "{}; {}", text, link(f"{drafts:,} draft{pluralize(drafts)}", is_published__exact=0)
        )
    return format_html("{}.", text)


@admin.register(Report)
class ReportAdmin(PublishableAdmin):
    actions = ["publish", unpublish]
    # Explicit, because the counting annotations below drop the model's default ordering.
    ordering = ("-year",)
    list_display = (
        "year",
        "title",
        "publication_date",
        "online_section",
        "physical_section",
        "is_published",
    )
    list_display_links = ("year", "title")
    list_filter = ("is_published", "published_on_precision")
    search_fields = ("year__exact", "title", "issue_focus", "summary")
    date_hierarchy = "published_on"
    readonly_fields = ("online_completeness", "physical_completeness", "listings")
    fieldsets = (
        (None, {"fields": ("year", "title", "is_published")}),
        (
            "Publication",
            {
                "fields": (
                    "publication",
                    ("published_on", "published_on_precision"),
                    "publisher",
                    "source_url",
                )
            },
        ),
        (
            "Completeness",
            {
                "description": "A section is complete when its entered listings reach the "
                "count the report states, or when it is marked all entered (say how you know "
                "in the note). Only then may the site say a market was not listed, or dropped; "
                "otherwise readers see 'Not entered'.",
                "fields": (
                    ("online_count_stated", "online_all_entered"),
                    "online_completeness",
                    ("physical_count_stated", "physical_all_entered"),
                    "physical_completeness",
                    "completeness_note",
                ),
            },
        ),
        (
            "Listings",
            {
                "description": "An edition may name hundreds of markets, so its listings are "
                "edited in the list of listings, filtered to this edition and shown a page at "
                "a time, rather than on this form.",
                "fields": ("listings",),
            },
        ),
        ("Content", {"fields": ("issue_focus", "summary")}),
        RECORD_FIELDSET,
    )

    def get_urls(self):
        # The "Import listings" and "Import editions" pages (linked above the report list);
        # see admin_import.py.
        return import_urls(self) + publishing_urls(self) + super().get_urls()

    def get_queryset(self, request):
        # Editors' figures: every listing entered counts, drafts included; beside them, the
        # listings readers may see once the edition is published (both stored, kept true by
        # the database: reports/entry_counts.py).
        return (
            super()
            .get_queryset(request)
            .with_entered_counts(include_drafts=True)
            .annotate(
                **{
                    f"{kind.value}_visible": models.F(f"entry_counts__{kind.value}_published")
                    for kind in Kind
                }
            )
        )

    @admin.action(
        description="Publish selected editions (the editions only)", permissions=["change"]
    )
    def publish(self, request, queryset):
        """The list's publish action, saying what readers will see of each incomplete
        edition ("Publish this edition" on an edition's page publishes what it needs too)."""
        publish_entries(self, request, queryset)
        for report in queryset.order_by("year"):
            for warning in warnings_as_published(report):
                messages.warning(request, f"{report.year}: {warning}")

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # The "Publish this edition" / "Unpublish this edition" buttons (change_form.html).
        report = self.get_object(request, object_id)
        extra = {}
        if report is not None and self.has_change_permission(request, report):
            if not PublishPlan.of(report).is_empty:
                extra["publish_url"] = publish_url(report)
            if report.is_published:
                extra["unpublish_url"] = unpublish_url(report)
        return super().change_view(request, object_id, form_url, {**extra, **(extra_context or {})})

    def response_add(self, request, obj, post_url_continue=None):
        self._warn_readers(request, obj)
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        self._warn_readers(request, obj)
        return super().response_change(request, obj)

    def _warn_readers(self, request, obj):
        # After the save, listings included: say plainly what readers of a published,
        # incomplete edition will see.
        for warning in warnings_as_published(obj):
            messages.warning(request, warning)

    @admin.display(description="publication date", ordering="published_on")
    def publication_date(self, obj):
        return obj.publication_date_display or "—"

    def _section_column(self, obj, section):
        text = completeness_label(obj.section_record(section))
        visible = getattr(obj, f"{section}_visible")
        if visible != getattr(obj, f"{section}_entered"):
            # Readers count only published listings of published markets.
            text += f"; {visible} published"
        return text

    @admin.display(description="online section", ordering="online_entered")
    def online_section(self, obj):
        return self._section_column(obj, Kind.ONLINE)

    @admin.display(description="physical section", ordering="physical_entered")
    def physical_section(self, obj):
        return self._section_column(obj, Kind.PHYSICAL)

    @admin.display(description="listings")
    def listings(self, obj):
        """The edition's listings counted (one query, however many there are), with links
        to them in the list of listings and to a new one in this edition."""
        if obj.pk is None:
            return "Save the edition first, then add its listings."
        may_change, may_add = getattr(obj, "listing_permissions", (False, False))
        readout = listings_readout(obj.year, obj.listings.counts(), "Edit" if may_change else "See")
        if not may_add:
            return readout
        return format_html(
            '{}<br><a href="{}?{}" class="addlink">Add a listing to this edition</a>',
            readout,
            reverse("admin:reports_listing_add"),
            urlencode({"report": obj.pk}),
        )

    def get_fieldsets(self, request, obj=None):
        if obj is not None:
            # For the listings box, a read-only field, which is given the edition alone:
            # offer only what this editor may do with listings.
            obj.listing_permissions = (
                request.user.has_perm("reports.change_listing"),
                request.user.has_perm("reports.add_listing"),
            )
        return super().get_fieldsets(request, obj)

    @admin.display(description="online completeness")
    def online_completeness(self, obj):
        return completeness_readout(obj, Kind.ONLINE) if obj.pk else NOT_SAVED

    @admin.display(description="physical completeness")
    def physical_completeness(self, obj):
        return completeness_readout(obj, Kind.PHYSICAL) if obj.pk else NOT_SAVED


class ReportYearFilter(admin.SimpleListFilter):
    """Listings by the year their edition reviews, newest first."""

    title = "edition"
    parameter_name = "year"

    def lookups(self, request, model_admin):
        years = Report.objects.order_by("-year").values_list("year", flat=True)
        return [(str(year), str(year)) for year in years]

    def queryset(self, request, queryset):
        year = parse_number(self.value())
        if year is not None:
            return queryset.filter(report__year=year)
        return queryset


@admin.register(Listing)
class ListingAdmin(PublishableAdmin):
    list_display = ("market", "report_year", "section", "has_quotation", "is_published")
    list_filter = ("is_published", ReportYearFilter, "section")
    list_select_related = ("market", "report")
    search_fields = (
        "market__name",
        "market__aliases",
        "report__year__exact",
        "reasons",
        "quotation",
    )
    autocomplete_fields = ("report", "market")
    date_hierarchy = "created_at"
    fieldsets = (
        (None, {"fields": ("report", "market", "section", "is_published")}),
        (
            "From the report",
            {"fields": ("reasons", ("quotation", "quotation_page"), "source_says_first")},
        ),
        RECORD_FIELDSET,
    )

    def response_add(self, request, obj, post_url_continue=None):
        response = super().response_add(request, obj, post_url_continue)
        if "_addanother" in request.POST and response.status_code == 302:
            # Entering an edition's listings one after another: the next starts in the
            # same edition, as "Add a listing to this edition" does.
            url = urlsplit(response["Location"])
            query = QueryDict(url.query, mutable=True)
            query["report"] = obj.report_id
            response["Location"] = urlunsplit(url._replace(query=query.urlencode()))
        return response

    @admin.display(description="edition", ordering="report__year")
    def report_year(self, obj):
        return obj.report.year

    @admin.display(description="quotation", boolean=True)
    def has_quotation(self, obj):
        return bool(obj.quotation)
