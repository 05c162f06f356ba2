from django.contrib import admin

from notorious.core.admin import RECORD_FIELDSET, PublishableAdmin

from .models import Figure


@admin.register(Figure)
class FigureAdmin(PublishableAdmin):
    list_display = (
        "value_shown",
        "measures",
        "year",
        "source_report",
        "source_article",
        "is_published",
    )
    list_display_links = ("value_shown", "measures")
    list_filter = ("is_published", "year", "unit")
    list_select_related = ("source_report", "source_article")
    search_fields = ("measures", "note", "unit", "slug", "source_article__headline")
    autocomplete_fields = ("source_report", "source_article")
    prepopulated_fields = {"slug": ("measures",)}
    date_hierarchy = "created_at"
    fieldsets = (
        (None, {"fields": (("value", "unit"), "measures", "slug", "year", "is_published")}),
        (
            "Source",
            {
                "description": "A figure needs a source: a report, an article or both.",
                "fields": ("source_report", "source_article"),
            },
        ),
        ("Context", {"fields": ("note",)}),
        RECORD_FIELDSET,
    )

    @admin.display(description="value", ordering="value")
    def value_shown(self, obj):
        return obj.value_display
