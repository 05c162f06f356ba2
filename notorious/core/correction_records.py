"""What makes a change a correction: two fields on every edit-history record.

A correction is an ordinary change to a published entry that an editor marks as correcting
an error readers could have seen, with a public note saying what was wrong. It is recorded
on the change's own historical record (`EditHistory` gives every historical model these
fields), so the corrections log is a view of the edit history, not a second record of
changes. Ordinary changes leave `is_correction` false and are never shown.

The admin sets `instance._correction_note` before saving (notorious/core/admin_corrections.py);
`mark_correction` copies it onto the record simple-history is about to write.
"""

from django.db import models
from django.dispatch import receiver
from simple_history.signals import pre_create_historical_record

CHANGED = "~"


class CorrectionRecord(models.Model):
    """The correction fields of a historical record (a base of every `EditHistory` model)."""

    # A database default as well, so rows written in bulk by SQL (the CSV import) need not
    # name these columns.
    is_correction = models.BooleanField(
        "correction", default=False, db_default=False, help_text="Shown on the public pages."
    )
    correction_note = models.TextField(
        "public note", blank=True, default="", db_default="", help_text="What was corrected."
    )

    class Meta:
        abstract = True


def correction_index(model):
    """Corrections are few among many changes: a partial index finds them, newest first."""
    return models.Index(
        fields=["-history_date"],
        condition=models.Q(is_correction=True),
        name=f"hist_{model._meta.model_name[:16]}_correction",
    )


@receiver(pre_create_historical_record)
def mark_correction(sender, instance, history_instance, **kwargs):
    """Makes the record of a change marked as a correction say so, with its note. The mark
    is used once: a later save of the same instance is an ordinary change again."""
    note = getattr(instance, "_correction_note", None)
    if note and history_instance.history_type == CHANGED and hasattr(sender, "is_correction"):
        history_instance.is_correction = True
        history_instance.correction_note = note
        # What the admin's History page shows of it, unless the change has a reason already
        # (a revert's).
        if not history_instance.history_change_reason:
            history_instance.history_change_reason = f"Correction: {note}"
        del instance._correction_note
