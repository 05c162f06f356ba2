from django.contrib import admin
from django.db.models import Count
from django.utils.html import format_html
from django_countries.filters import CountryFilter

from notorious.core.admin import RECORD_FIELDSET, PublishableAdmin, admin_links
from notorious.markets.models import Market

from .models import Company


@admin.register(Company)
class CompanyAdmin(PublishableAdmin):
    # Explicit, because the counting annotations below drop the model's default ordering.
    ordering = ("name",)
    list_display = ("name", "country", "parent", "market_count", "is_published", "updated_at")
    list_filter = ("is_published", ("country", CountryFilter))
    list_select_related = ("parent",)
    search_fields = ("name", "aliases", "slug", "description")
    autocomplete_fields = ("parent",)
    prepopulated_fields = {"slug": ("name",)}
    date_hierarchy = "created_at"
    readonly_fields = ("markets_operated", "subsidiary_list")
    fieldsets = (
        (None, {"fields": ("name", "slug", ("aliases", "aliases_language"), "is_published")}),
        ("Details", {"fields": ("country", "parent", "website", "description")}),
        ("Related (read-only)", {"fields": ("subsidiary_list", "markets_operated")}),
        RECORD_FIELDSET,
    )

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(market_count=Count("markets", distinct=True))

    @admin.display(description="markets", ordering="market_count")
    def market_count(self, obj):
        return obj.market_count

    @admin.display(description="markets it operates (directly or via subsidiaries)")
    def markets_operated(self, obj):
        if obj.pk is None:
            return "—"
        # Editors see the whole group, draft subsidiaries and draft markets included.
        markets = Market.objects.for_company(obj, include_drafts=True).select_related("operator")
        return admin_links(
            markets,
            note=lambda m: "" if m.operator_id == obj.pk else format_html(" (via {})", m.operator),
        )

    @admin.display(description="subsidiaries")
    def subsidiary_list(self, obj):
        if obj.pk is None:
            return "—"
        return admin_links(obj.subsidiaries.all())
