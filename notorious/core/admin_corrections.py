"""Marking a change to a published entry as a public correction, in the admin.

The change form of a published entry has a "Correction" section: "This change is a
correction" and a public note (required when ticked). Saving records the mark and the note
on the change's edit-history record (notorious/core/correction_records.py); the entry's page,
/corrections/, its feed and the API then show the note with the change's date. A draft's
form has no such section: readers never saw what is being changed.
"""

from django import forms

CORRECTION_FIELDS = ("is_correction", "correction_note")
CORRECTION_FIELDSET = (
    "Correction",
    {
        "fields": CORRECTION_FIELDS,
        "description": "Tick only when this change corrects an error readers could have "
        "seen. The note is public: it is shown with the date of this change on the entry's "
        "page and on the corrections page. Ordinary edits stay private.",
    },
)


class CorrectionForm(forms.Form):
    """The correction fields, mixed into a published entry's change form."""

    is_correction = forms.BooleanField(label="This change is a correction", required=False)
    correction_note = forms.CharField(
        label="Public note",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="E.g. “The 2019 listing had been entered under the 2018 review.”",
    )

    def clean(self):
        cleaned_data = super().clean()
        note = " ".join((cleaned_data.get("correction_note") or "").split())
        cleaned_data["correction_note"] = note
        if cleaned_data.get("is_correction") and not note:
            self.add_error("correction_note", "Say what was corrected: readers see this note.")
        if note and not cleaned_data.get("is_correction"):
            self.add_error("is_correction", "Tick this box to publish the note, or empty the note.")
        return cleaned_data


def is_seen_by_readers(obj):
    """Whether readers see the entry now (its model's own rule: a listing needs its edition
    and market published too)."""
    if obj is None or obj.pk is None:
        return False
    return type(obj)._default_manager.published().filter(pk=obj.pk).exists()


class CorrectionAdminMixin:
    """For `PublishableAdmin`: the correction section on a published entry's change form,
    and the mark on the change's history record when ticked."""

    def get_form(self, request, obj=None, change=False, **kwargs):
        if self.offers_correction(request, obj):
            base = kwargs.get("form", self.form)
            kwargs["form"] = type(f"Correctable{base.__name__}", (CorrectionForm, base), {})
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if self.offers_correction(request, obj):
            return [*fieldsets, CORRECTION_FIELDSET]
        return fieldsets

    def offers_correction(self, request, obj):
        # Asked several times per request (fieldsets, form): answered once.
        cache = request.__dict__.setdefault("_offers_correction", {})
        key = (type(obj), getattr(obj, "pk", None))
        if key not in cache:
            cache[key] = self.has_change_permission(request, obj) and is_seen_by_readers(obj)
        return cache[key]

    def save_model(self, request, obj, form, change):
        if change and form.cleaned_data.get("is_correction"):
            obj._correction_note = form.cleaned_data["correction_note"]
        super().save_model(request, obj, form, change)
