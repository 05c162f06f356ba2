from django import forms
from django.contrib import admin
from django.db import models

from notorious.core.admin import RECORD_FIELDSET, GuardedInlineMixin, PublishableAdmin
from notorious.markets.models import Kind

from .admin_import import import_urls
from .models import Listing, Report


class _ListingInline(GuardedInlineMixin, admin.TabularInline):
    # Tabular, with short text boxes: an edition names dozens of markets. Each row refuses
    # to save over a change made to that listing since the page was opened.
    model = Listing
    extra = 0
    show_change_link = True
    formfield_overrides = {
        models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 40})}
    }

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("report", "market")


class ReportListingInline(_ListingInline):
    """On a report's page: the markets it names, picked by autocomplete."""

    fields = ("market", "section", "reasons", "quotation", "quotation_page", "is_published")
    autocomplete_fields = ("market",)
    ordering = ("section", "market__name")
    verbose_name = "market named in this edition"
    verbose_name_plural = "markets named in this edition"


class MarketListingInline(_ListingInline):
    """On a market's page: the editions that name it, picked by autocomplete."""

    fields = ("report", "section", "reasons", "quotation", "quotation_page", "is_published")
    autocomplete_fields = ("report",)
    ordering = ("report__year",)
    verbose_name = "listing in an edition"
    verbose_name_plural = "listings in editions"

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        # A market's listings belong in its own section; start new rows there.
        if obj is not None and obj.kind:
            formset.form.base_fields["section"].initial = obj.kind
        return formset


@admin.register(Report)
class ReportAdmin(PublishableAdmin):
    # Explicit, because the counting annotations below drop the model's default ordering.
    ordering = ("-year",)
    list_display = (
        "year",
        "title",
        "publication_date",
        "online_count_stated",
        "online_entered",
        "physical_count_stated",
        "physical_entered",
        "is_published",
    )
    list_display_links = ("year", "title")
    list_filter = ("is_published", "published_on_precision")
    search_fields = ("year__exact", "title", "issue_focus", "summary")
    date_hierarchy = "published_on"
    readonly_fields = ("online_listings_entered", "physical_listings_entered")
    fieldsets = (
        (None, {"fields": ("year", "title", "is_published")}),
        (
            "Publication",
            {
                "fields": (
                    ("published_on", "published_on_precision"),
                    "publisher",
                    "source_url",
                )
            },
        ),
        (
            "Counts",
            {
                "description": "The counts as the report states them, beside the listings "
                "entered here (drafts included).",
                "fields": (
                    ("online_count_stated", "online_listings_entered"),
                    ("physical_count_stated", "physical_listings_entered"),
                ),
            },
        ),
        ("Content", {"fields": ("issue_focus", "summary")}),
        RECORD_FIELDSET,
    )
    inlines = (ReportListingInline,)

    def get_urls(self):
        # The "Import listings" and "Import editions" pages (linked above the report list);
        # see admin_import.py.
        return import_urls(self) + super().get_urls()

    def get_queryset(self, request):
        # Editors' figures: every listing entered counts, drafts included.
        return super().get_queryset(request).with_entered_counts(include_drafts=True)

    @admin.display(description="publication date", ordering="published_on")
    def publication_date(self, obj):
        return obj.publication_date_display or "—"

    @admin.display(description="online entered", ordering="online_entered")
    def online_entered(self, obj):
        return obj.online_entered

    @admin.display(description="physical entered", ordering="physical_entered")
    def physical_entered(self, obj):
        return obj.physical_entered

    def _entered_display(self, obj, section):
        if obj.pk is None:
            return "—"
        listings = obj.listings.filter(section=section)
        total = listings.count()
        # Published as readers' pages count them: the listing's market must be published too.
        published = listings.published(of="report").count()
        text = f"{total} entered"
        if published != total:
            text += f" ({published} published)"
        return text

    @admin.display(description="online listings entered")
    def online_listings_entered(self, obj):
        return self._entered_display(obj, Kind.ONLINE)

    @admin.display(description="physical listings entered")
    def physical_listings_entered(self, obj):
        return self._entered_display(obj, Kind.PHYSICAL)


class ReportYearFilter(admin.SimpleListFilter):
    """Listings by the year their edition reviews, newest first."""

    title = "edition"
    parameter_name = "year"

    def lookups(self, request, model_admin):
        years = Report.objects.order_by("-year").values_list("year", flat=True)
        return [(str(year), str(year)) for year in years]

    def queryset(self, request, queryset):
        if self.value() and self.value().isdigit():
            return queryset.filter(report__year=int(self.value()))
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
        ("From the report", {"fields": ("reasons", ("quotation", "quotation_page"))}),
        RECORD_FIELDSET,
    )

    @admin.display(description="edition", ordering="report__year")
    def report_year(self, obj):
        return obj.report.year

    @admin.display(description="quotation", boolean=True)
    def has_quotation(self, obj):
        return bool(obj.quotation)
