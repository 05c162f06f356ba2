from django.contrib import admin
from django.db.models import Count, Min
from django.utils.html import format_html, format_html_join
from django_countries.filters import CountryFilter

from notorious.core.admin import RECORD_FIELDSET, PublishableAdmin
from notorious.core.numbers import parse_number
from notorious.reports.admin import MarketListingInline
from notorious.reports.models import Report, published_listings_q

from .history import NOT_ENTERED
from .models import Market

NOT_SAVED = "Shown once the market is saved."


class ListedInFilter(admin.SimpleListFilter):
    """Markets named in a given edition (draft listings included: this is the editors' view)."""

    title = "listed in"
    parameter_name = "listed_in"

    def lookups(self, request, model_admin):
        years = Report.objects.order_by("-year").values_list("year", flat=True)
        return [(str(year), str(year)) for year in years]

    def queryset(self, request, queryset):
        year = parse_number(self.value())
        if year is not None:
            return queryset.filter(listings__report__year=year)
        return queryset


def _history_summary(history):
    """What readers' pages may say of the market's listings, qualified as they are: a first
    listing is a fact only when every earlier edition is complete, and a market missing from
    an incomplete latest edition is not entered rather than not listed."""
    if not history.listed_years:
        return "Never listed."
    years = ", ".join(str(year) for year in history.listed_years)
    editions = "edition" if history.years_listed == 1 else "editions"
    if history.first_confirmed:
        first = f"first listed in {history.first_year}"
    else:
        first = (
            f"first entered in {history.first_year} (earlier editions are incomplete or not "
            "on record, so it may have been named before)"
        )
    if history.in_latest_edition:
        latest = "in the latest edition"
    elif history.latest_state == NOT_ENTERED:
        latest = "not entered in the latest edition (its section is incomplete)"
    else:
        latest = "not in the latest edition"
    return (
        f"Listed in {history.years_listed} {editions} ({years}); {first}; {latest}; "
        f"current run {history.current_run}."
    )


@admin.register(Market)
class MarketAdmin(PublishableAdmin):
    # Explicit, because the counting annotations below drop the model's default ordering.
    ordering = ("name",)
    list_display = (
        "name",
        "kind",
        "category",
        "country",
        "operator",
        "first_listed",
        "times_listed",
        "is_published",
    )
    list_filter = ("is_published", "kind", "category", ListedInFilter, ("country", CountryFilter))
    list_select_related = ("operator",)
    search_fields = (
        "name",
        "aliases",
        "slug",
        "domains",
        "city",
        "operator__name",
        "operator__aliases",
    )
    autocomplete_fields = ("operator",)
    prepopulated_fields = {"slug": ("name",)}
    date_hierarchy = "created_at"
    readonly_fields = (
        "first_year_listed",
        "years_listed",
        "current_run",
        "in_latest_edition",
        "statuses_by_year",
        "as_readers_see_it",
    )
    fieldsets = (
        (None, {"fields": ("name", "slug", ("aliases", "aliases_language"), "is_published")}),
        ("Kind and place", {"fields": (("kind", "category"), ("country", "city"))}),
        ("Online presence", {"fields": ("website", "domains")}),
        ("Operator and description", {"fields": ("operator", "description")}),
        (
            "Listing history (derived from the listings below; read-only)",
            {
                "description": "Worked out from every edition and listing on record, drafts "
                "included. Save after changing listings to update it.",
                "fields": (
                    "first_year_listed",
                    "years_listed",
                    "current_run",
                    "in_latest_edition",
                    "statuses_by_year",
                    "as_readers_see_it",
                ),
            },
        ),
        RECORD_FIELDSET,
    )
    inlines = (MarketListingInline,)

    def get_queryset(self, request):
        # Editors' figures: every listing counts, drafts included.
        return (
            super()
            .get_queryset(request)
            .annotate(
                first_listed=Min("listings__report__year"),
                times_listed=Count("listings", distinct=True),
            )
        )

    @admin.display(description="first listed", ordering="first_listed")
    def first_listed(self, obj):
        return obj.first_listed or "—"

    @admin.display(description="times listed", ordering="times_listed")
    def times_listed(self, obj):
        return obj.times_listed

    # The change page's derived facts. The history is computed once per page and kept
    # on the instance, since each read-only field asks for it.
    def _history(self, obj):
        if "_editors_history" not in obj.__dict__:
            record = Report.objects.edition_record(include_drafts=True)
            obj._editors_history = obj.listing_history(record, include_drafts=True)
        return obj._editors_history

    @admin.display(description="first year listed")
    def first_year_listed(self, obj):
        if obj.pk is None:
            return NOT_SAVED
        history = self._history(obj)
        if history.first_year is None:
            return "Never listed"
        if not history.first_confirmed:
            return f"{history.first_year} (first entered; earlier editions are incomplete)"
        return history.first_year

    @admin.display(description="years listed")
    def years_listed(self, obj):
        if obj.pk is None:
            return NOT_SAVED
        history = self._history(obj)
        if not history.listed_years:
            return "0"
        years = ", ".join(str(year) for year in history.listed_years)
        return f"{history.years_listed} ({years})"

    @admin.display(description="current run")
    def current_run(self, obj):
        if obj.pk is None:
            return NOT_SAVED
        run = self._history(obj).current_run
        return f"{run} consecutive edition{'s' if run != 1 else ''} up to the latest"

    @admin.display(description="in latest edition")
    def in_latest_edition(self, obj):
        if obj.pk is None:
            return NOT_SAVED
        history = self._history(obj)
        if history.latest_edition is None:
            return "No editions on record"
        if history.latest_state == NOT_ENTERED:
            # Its section is incomplete: the market may be among the listings not entered.
            return f"Not entered (the {history.latest_edition} edition is incomplete)"
        answer = "Yes" if history.in_latest_edition else "No"
        return f"{answer} (the {history.latest_edition} edition)"

    @admin.display(description="status per edition")
    def statuses_by_year(self, obj):
        if obj.pk is None:
            return NOT_SAVED
        history = self._history(obj)
        if not history.edition_years:
            return "No editions on record"
        hidden = obj.listings.exclude(published_listings_q(of="market"))
        drafts = set(hidden.values_list("report__year", flat=True))
        return format_html(
            '<ul class="listing-statuses">{}</ul>',
            format_html_join(
                "",
                "<li><strong>{}</strong>: {}{}</li>",
                (
                    (
                        cell.year,
                        cell.label,
                        " (draft, readers do not see it)" if cell.year in drafts else "",
                    )
                    for cell in history.cells()
                ),
            ),
        )

    @admin.display(description="as readers see it")
    def as_readers_see_it(self, obj):
        if obj.pk is None:
            return NOT_SAVED
        if not obj.is_published:
            return "Nothing: the market is a draft."
        return _history_summary(obj.listing_history(Report.objects.edition_record()))
