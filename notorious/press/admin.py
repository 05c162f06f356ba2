from django.contrib import admin
from django.db.models import Count
from django_countries.filters import CountryFilter

from notorious.core.admin import RECORD_FIELDSET, ChoicesInUseFilter, PublishableAdmin

from .models import Article, Outlet


@admin.register(Outlet)
class OutletAdmin(PublishableAdmin):
    # Explicit, because the counting annotations below drop the model's default ordering.
    ordering = ("name",)
    list_display = ("name", "country", "language", "article_count", "is_published", "updated_at")
    list_filter = ("is_published", ("language", ChoicesInUseFilter), ("country", CountryFilter))
    search_fields = ("name", "aliases", "slug", "website")
    prepopulated_fields = {"slug": ("name",)}
    date_hierarchy = "created_at"
    fieldsets = (
        (
            None,
            {
                "fields": (
                    ("name", "name_language"),
                    "slug",
                    ("aliases", "aliases_language"),
                    "is_published",
                )
            },
        ),
        ("Details", {"fields": (("country", "language"), "website", "description")}),
        RECORD_FIELDSET,
    )

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(article_count=Count("articles"))

    @admin.display(description="articles", ordering="article_count")
    def article_count(self, obj):
        return obj.article_count


@admin.register(Article)
class ArticleAdmin(PublishableAdmin):
    list_display = (
        "headline",
        "outlet",
        "republishes",
        "published_on",
        "language",
        "is_published",
    )
    list_filter = (
        "is_published",
        ("language", ChoicesInUseFilter),
        ("outlet", admin.RelatedOnlyFieldListFilter),
    )
    list_select_related = ("outlet", "republishes")
    search_fields = (
        "headline",
        "slug",
        "summary",
        "author",
        "url",
        "outlet__name",
        "outlet__aliases",
    )
    autocomplete_fields = (
        "outlet",
        "republishes",
        "cited_outlets",
        "markets",
        "companies",
        "reports",
    )
    prepopulated_fields = {"slug": ("headline",)}
    date_hierarchy = "published_on"
    fieldsets = (
        (None, {"fields": ("headline", "slug", "is_published")}),
        (
            "Source",
            {
                "fields": (
                    "outlet",
                    "republishes",
                    "cited_outlets",
                    "url",
                    ("published_on", "language"),
                    "author",
                )
            },
        ),
        ("Summary", {"fields": ("summary",)}),
        (
            "What it covers",
            {
                "description": "Link the article to the markets, companies and editions it "
                "covers; their pages list it.",
                "fields": ("markets", "companies", "reports"),
            },
        ),
        RECORD_FIELDSET,
    )
