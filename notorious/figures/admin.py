from django.contrib import admin

from notorious.core.admin import RECORD_FIELDSET, PublishableAdmin

from .models import Figure


@admin.register(Figure)
class FigureAdmin(PublishableAdmin):
    list_display = (
        "value_shown",
        "measures",
        "year",
        "about",
        "source_report",
        "source_article",
        "is_published",
    )
    list_display_links = ("value_shown", "measures")
    list_filter = ("is_published", "about", "year", "unit")
    list_select_related = ("source_report", "source_article")
    search_fields = ("measures", "note", "unit", "slug", "source_article__headline")
    autocomplete_fields = ("source_report", "source_article", "market", "company")
    prepopulated_fields = {"slug": ("measures",)}
    date_hierarchy = "created_at"
    fieldsets = (
        (None, {"fields": (("value", "unit"), "measures", "slug", "year", "is_published")}),
        (
            "What it is about",
            {
                "description": "A figure about a market is shown on its page and on the "
                "pages of the companies that run it; one about a company on its page, its "
                "owners' pages and the pages of the markets it or its subsidiaries run. Any "
                "other figure is shown only on the pages of the edition and article it comes "
                "from.",
                "fields": ("about", "market", "company", "countries"),
            },
        ),
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

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        # Empty only on figures entered before it was asked; every save now says it.
        if "about" in form.base_fields:  # not for a view-only editor
            form.base_fields["about"].required = True
        return form

    @admin.display(description="value", ordering="value")
    def value_shown(self, obj):
        return obj.value_display
