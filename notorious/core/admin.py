"""What every content admin shares: the site's header, publish / unpublish actions,
timestamps, the edit history, and the refusal to save over someone else's changes.

Each app's admin subclasses `PublishableAdmin`, so an editor meets the same actions, the
same read-only record of when an entry was created and last changed, the same "History"
page (a field-by-field diff of every change, with "Revert" on any earlier version) and the
same "Recover deleted ..." page everywhere. See notorious/core/edit_history.py.

Optimistic locking: every change form carries, in a hidden field, the entry's `updated_at`
as it was when the form was opened. Saving compares it with the stored one, under a row
lock; if someone saved the entry in between, the save is refused with a message naming
who changed it and when, and nothing is written.
"""

import datetime

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import models, router, transaction
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin
from simple_history.models import to_historic

from notorious.core.admin_corrections import CorrectionAdminMixin
from notorious.core.admin_input import BoundedSearchMixin, LoginForm
from notorious.core.edit_history import (
    NOT_DIFFED,
    RestoreError,
    conflict_message,
    current_stamp,
    deleted_records,
    history_of,
    m2m_initial,
    missing_version_message,
    moment_label,
    record_label,
    restore_deleted,
    user_label,
)
from notorious.core.numbers import parse_number

admin.site.site_header = "Notorious editors"
admin.site.site_title = "Notorious editors"
admin.site.index_title = "Content"
admin.site.login_form = LoginForm

TIMESTAMPS = ("created_at", "updated_at")


def _set_published(modeladmin, request, queryset, published):
    # Only entries whose flag actually changes are saved, so the message counts real
    # changes and `updated_at` stays truthful for the rest. Each is saved (not updated in
    # bulk) so its edit history records who published it, and when.
    state = "published" if published else "unpublished (now drafts)"
    reason = "Published" if published else "Unpublished (made a draft)"
    with transaction.atomic():
        entries = list(queryset.exclude(is_published=published))
        for entry in entries:
            entry.is_published = published
            entry._history_user = request.user
            entry._change_reason = reason
            entry.save(update_fields=["is_published", "updated_at"])
    changed = len(entries)
    verbose = modeladmin.opts.verbose_name if changed == 1 else modeladmin.opts.verbose_name_plural
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


# The hidden field carrying the entry's `updated_at` as the form was opened.
OPENED_VERSION = "opened_version"


class GuardedModelForm(forms.ModelForm):
    """A change form that refuses to save over changes made since it was opened.

    Also used by inlines, so a listing edited elsewhere is not overwritten from a stale
    market or edition page. A change posted without the hidden field (a script's or an
    integration's hand-made request) is refused too: it cannot show it is not stale.
    """

    opened_version = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is None or self.instance._state.adding:
            return
        stamp = current_stamp(self.instance)
        self.initial[OPENED_VERSION] = stamp.isoformat() if stamp else ""
        historic = to_historic(self.instance)
        if historic is not None:
            # Reverting: the form shows the old version's links, not today's.
            for name, ids in m2m_initial(historic).items():
                if name in self.fields:
                    self.initial[name] = ids

    def clean(self):
        cleaned_data = super().clean()
        self.refuse_stale_save(cleaned_data.get(OPENED_VERSION) or "")
        return cleaned_data

    def refuse_stale_save(self, opened):
        instance = self.instance
        if instance.pk is None or instance._state.adding:
            return
        model = type(instance)
        stored = model._default_manager.filter(pk=instance.pk)
        if transaction.get_connection(router.db_for_write(model)).in_atomic_block:
            # Held until the save commits, so a concurrent save waits and then sees ours.
            stored = stored.select_for_update()
        current = stored.values_list("updated_at", flat=True).first()
        if current is None:
            return  # deleted meanwhile: the admin says so on its own
        if not opened:
            raise ValidationError(missing_version_message(instance), code="no_version")
        try:
            opened_stamp = datetime.datetime.fromisoformat(opened)
        except ValueError:
            opened_stamp = None
        if opened_stamp is not None and timezone.is_naive(opened_stamp):
            opened_stamp = None
        if opened_stamp == current:
            return
        raise ValidationError(conflict_message(instance, opened_stamp), code="stale")


def with_opened_version(fieldsets):
    """The fieldsets with the hidden version field added to the first one."""
    (name, options), *rest = fieldsets
    fields = tuple(options.get("fields", ()))
    if OPENED_VERSION in fields:
        return fieldsets
    return [(name, {**options, "fields": (*fields, OPENED_VERSION)}), *rest]


class GuardedInlineMixin:
    """For inlines of content models: each row refuses a stale save like the main form."""

    form = GuardedModelForm

    def get_fieldsets(self, request, obj=None):
        return with_opened_version(super().get_fieldsets(request, obj))


class PublishableAdmin(CorrectionAdminMixin, BoundedSearchMixin, SimpleHistoryAdmin):
    """Base admin for models with `is_published`, timestamps and an edit history."""

    form = GuardedModelForm
    actions = [publish, unpublish]
    save_on_top = True
    list_per_page = 50
    # "View on site" comes from the model's get_absolute_url; drafts are previewable by staff.
    view_on_site = True
    # Editors paste bare domains ("example.com"); sites are served over https today.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    recover_template = "admin/recover_deleted.html"
    recover_per_page = 50

    def get_readonly_fields(self, request, obj=None):
        fields = tuple(super().get_readonly_fields(request, obj))
        return fields + tuple(f for f in TIMESTAMPS if f not in fields)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        return fieldsets if obj is None else with_opened_version(fieldsets)

    def get_urls(self):
        opts = self.opts
        recover = path(
            "recover/",
            self.admin_site.admin_view(self.recover_view),
            name=f"{opts.app_label}_{opts.model_name}_recover",
        )
        # Before the default patterns, whose "<object_id>/" would otherwise take it.
        return [recover, *super().get_urls()]

    def recover_url(self):
        return reverse(
            f"{self.admin_site.name}:{self.opts.app_label}_{self.opts.model_name}_recover"
        )

    def changelist_view(self, request, extra_context=None):
        extra_context = {"recover_deleted_url": self.recover_url(), **(extra_context or {})}
        return super().changelist_view(request, extra_context)

    def response_delete(self, request, obj_display, obj_id):
        response = super().response_delete(request, obj_display, obj_id)
        self.message_user(
            request,
            format_html(
                'Changed your mind? It can be restored from <a href="{}">Recover deleted {}</a>.',
                self.recover_url(),
                self.opts.verbose_name_plural,
            ),
            messages.INFO,
        )
        return response

    # --- History: the diff, and reverting ------------------------------------------------

    def history_view(self, request, object_id, extra_context=None):
        # Authors link to their account pages only for those who may open them (see
        # templates/simple_history/object_history_list.html).
        extra_context = {
            "link_authors": request.user.has_perm("auth.change_user"),
            **(extra_context or {}),
        }
        return super().history_view(request, object_id, extra_context)

    def set_history_delta_changes(self, request, historical_records, foreign_keys_are_objs=True):
        # As simple-history's, without `updated_at`: every save changes it, and the list
        # already says when each change was made.
        previous = None
        for current in historical_records:
            if previous is not None:
                delta = previous.diff_against(
                    current,
                    excluded_fields=NOT_DIFFED,
                    foreign_keys_are_objs=foreign_keys_are_objs,
                )
                helper = self.get_historical_record_context_helper(request, previous)
                previous.history_delta_changes = helper.context_for_delta_changes(delta)
            previous = current

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        """An earlier version: shown to whoever may view the entry, reverted (a POST) only by
        whoever may change it.

        simple-history only hides the "Revert" button from the others; its view saves any
        POST through the full model form, so the refusal has to be here.
        """
        if request.method == "POST" and not self.has_change_permission(request):
            raise PermissionDenied
        # Reverting saves through the same guarded form, which locks the row: one
        # transaction, as for the change form.
        history = history_of(self.model)
        history_id = parse_number(version_id)
        if history_id is None:
            # The version is a number in the address; anything else names no version.
            raise Http404("No such version.")
        request.reverting_to = history.filter(history_id=history_id).first()
        with transaction.atomic(using=router.db_for_write(self.model)):
            return super().history_form_view(request, object_id, version_id, extra_context)

    def save_model(self, request, obj, form, change):
        version = getattr(request, "reverting_to", None)
        if version is not None:
            obj._change_reason = f"Reverted to the version of {moment_label(version.history_date)}"
        super().save_model(request, obj, form, change)

    # --- Recovering deleted entries ------------------------------------------------------

    def recover_view(self, request):
        """Deleted entries of this model, newest deletion first, each with "Restore"."""
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        if request.method == "POST":
            return self.restore(request)
        records = deleted_records(self.model)
        page = Paginator(records, self.recover_per_page).get_page(request.GET.get("p"))
        for record in page:
            record.label = record_label(record)
            record.deleted_by = user_label(record.history_user)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"Recover deleted {self.opts.verbose_name_plural}",
            "page": page,
            "can_restore": self.has_add_permission(request),
            "changelist_url": reverse(
                f"{self.admin_site.name}:{self.opts.app_label}_{self.opts.model_name}_changelist"
            ),
        }
        return TemplateResponse(request, self.recover_template, context)

    def restore(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied
        history_id = parse_number(request.POST.get("history_id"))
        record = (
            deleted_records(self.model).filter(history_id=history_id).first()
            if history_id is not None
            else None
        )
        if record is None:
            self.message_user(
                request,
                "That entry is no longer among the deleted ones: it may have been restored "
                "already.",
                messages.WARNING,
            )
            return redirect(self.recover_url())
        try:
            restored = restore_deleted(record, request.user)
        except RestoreError as error:
            self.message_user(
                request,
                f"“{record_label(record)}” could not be restored: {error}",
                messages.ERROR,
            )
            return redirect(self.recover_url())
        obj = restored.obj
        self.log_addition(request, obj, "Restored after deletion.")
        self.message_user(request, self.restored_message(restored), messages.SUCCESS)
        for problem in restored.problems:
            self.message_user(request, f"Not restored: {problem}", messages.WARNING)
        return redirect(
            reverse(
                f"{self.admin_site.name}:{self.opts.app_label}_{self.opts.model_name}_change",
                args=[obj.pk],
            )
        )

    def restored_message(self, restored):
        text = f"Restored the {self.opts.verbose_name} “{restored.obj}” as it was when deleted"
        if restored.with_it:
            count = len(restored.with_it)
            noun = restored.with_it[0]._meta.verbose_name
            plural = restored.with_it[0]._meta.verbose_name_plural
            text += f", with the {count} {noun if count == 1 else plural} deleted with it"
        if restored.relinked:
            text += "; linked to it again: " + ", ".join(str(e) for e in restored.relinked)
        return text + "."


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
