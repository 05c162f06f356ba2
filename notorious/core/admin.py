"""What every content admin shares: the site's header, publish / unpublish actions, timestamps.

Each app's admin subclasses `PublishableAdmin`, so an editor meets the same actions and
the same read-only record of when an entry was created and last changed everywhere.
"""

from django.contrib import admin, messages
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.translation import ngettext

from notorious.core.admin_input import BoundedSearchMixin, LoginForm

admin.site.site_header = "Notorious editors"
admin.site.site_title = "Notorious editors"
admin.site.index_title = "Content"
admin.site.login_form = LoginForm

TIMESTAMPS = ("created_at", "updated_at")


def _set_published(modeladmin, request, queryset, published):
    # Only rows whose flag actually changes are touched, so the message counts real changes
    # and `updated_at` stays truthful for the rest. `update()` skips save(), hence the
    # explicit timestamp; the flag is not part of any stored search vector.
    changed = queryset.exclude(is_published=published).update(
        is_published=published, updated_at=timezone.now()
    )
    verbose = modeladmin.opts.verbose_name if changed == 1 else modeladmin.opts.verbose_name_plural
    state = "published" if published else "unpublished (now drafts)"
    if changed:
        modeladmin.message_user(
            request,
            ngettext("%(count)d %(name)s %(state)s.", "%(count)d %(name)s %(state)s.", changed)
            % {"count": changed, "name": verbose, "state": state},
            messages.SUCCESS,
        )
    else:
        modeladmin.message_user(
            request, f"Nothing to do: the selected entries were already {state}.", messages.INFO
        )


@admin.action(description="Publish selected %(verbose_name_plural)s", permissions=["change"])
def publish(modeladmin, request, queryset):
    _set_published(modeladmin, request, queryset, True)


@admin.action(description="Unpublish selected %(verbose_name_plural)s", permissions=["change"])
def unpublish(modeladmin, request, queryset):
    _set_published(modeladmin, request, queryset, False)


class PublishableAdmin(BoundedSearchMixin, admin.ModelAdmin):
    """Base admin for models with `is_published` and timestamps."""

    actions = [publish, unpublish]
    save_on_top = True
    list_per_page = 50
    # "View on site" comes from the model's get_absolute_url; drafts are previewable by staff.
    view_on_site = True
    # Editors paste bare domains ("example.com"); sites are served over https today.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def get_readonly_fields(self, request, obj=None):
        fields = tuple(super().get_readonly_fields(request, obj))
        return fields + tuple(f for f in TIMESTAMPS if f not in fields)


class ChoicesInUseFilter(admin.ChoicesFieldListFilter):
    """A choices filter offering only the values some entry has: the two or three languages
    in use rather than every language Django knows."""

    def __init__(self, field, request, params, model, model_admin, field_path):
        super().__init__(field, request, params, model, model_admin, field_path)
        self.values_in_use = {
            str(value)
            for value in model._default_manager.order_by()
            .values_list(field_path, flat=True)
            .distinct()
        }

    def choices(self, changelist):
        choices = super().choices(changelist)
        yield next(choices)  # "All"
        # The parent yields one choice per entry of flatchoices, in order.
        offered = [value for value, _ in self.field.flatchoices if value is not None]
        for value, choice in zip(offered, choices, strict=False):
            if str(value) in self.values_in_use:
                yield choice


RECORD_FIELDSET = ("Record", {"fields": TIMESTAMPS, "classes": ("collapse",)})


def admin_links(objects, note=lambda obj: ""):
    """A comma-separated list of links to the objects' change pages, or a dash."""
    objects = list(objects)
    if not objects:
        return "—"
    return format_html_join(
        ", ",
        '<a href="{}">{}</a>{}',
        (
            (
                reverse(
                    f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk]
                ),
                obj,
                note(obj),
            )
            for obj in objects
        ),
    )
