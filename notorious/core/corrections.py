"""The public corrections log, read from the edit history.

A correction is a historical record with `is_correction` set (see correction_records.py).
Readers see one only while the entry it corrects is published, by that entry's model's own
rule (`published()`): a correction of an entry since unpublished or deleted is not shown.

An entry's page shows its own corrections and those of its dependants, the entries deleted
with it (a market's or an edition's listings): a listing's correction shows on its market's
page and on its edition's. `/corrections/`, its feed and the API list them all, newest first.
Each read costs the same few queries whatever the number of entries or corrections.
"""

from dataclasses import dataclass

from django.apps import apps
from django.db import models

from notorious.core.edit_history import history_of, is_tracked

ROW_FIELDS = ("corrected_kind", "corrected_id", "history_id", "history_date", "correction_note")


@dataclass
class Correction:
    """One correction as readers see it: when, what it says, and the entry it corrects."""

    history_id: int
    date: object  # the moment the corrected version was saved
    note: str
    entry: models.Model
    kind: str  # the entry's model name, e.g. "listing"
    own: bool = True  # False: a dependant's, shown on the page of the entry asked for

    @property
    def anchor(self):
        return f"correction-{self.kind}-{self.history_id}"

    @property
    def kind_label(self):
        return str(self.entry._meta.verbose_name)

    @property
    def link(self):
        """The note on the page showing it (a listing's is on its market's page)."""
        page = self.entry.get_absolute_url().partition("#")[0]
        return f"{page}#{self.anchor}"


def correctable_models():
    """The models whose changes may be corrections (every one with an edit history), in a
    fixed order."""
    return sorted(
        (model for model in apps.get_models() if is_tracked(model)),
        key=lambda model: model._meta.label_lower,
    )


def published_corrections(model):
    """The corrections of `model`'s entries that readers may see."""
    pk = model._meta.pk.attname
    visible = model._default_manager.published().filter(pk=models.OuterRef(pk))
    return history_of(model).filter(models.Exists(visible), is_correction=True)


def _rows(model, queryset):
    return queryset.annotate(
        corrected_kind=models.Value(model._meta.model_name),
        corrected_id=models.F(model._meta.pk.attname),
    ).values_list(*ROW_FIELDS)


def all_corrections():
    """Every visible correction as (kind, entry id, history id, date, note) rows, newest
    first: one query (a UNION of the history tables) for the paginator to count and slice."""
    parts = [
        _rows(model, published_corrections(model).order_by()) for model in correctable_models()
    ]
    first, *rest = parts
    return first.union(*rest, all=True).order_by("-history_date", "-history_id")


def dependants(model):
    """(model, field) of the tracked entries deleted along with an entry of `model`."""
    return [
        (rel.related_model, rel.field.attname)
        for rel in model._meta.related_objects
        if rel.one_to_many and rel.on_delete is models.CASCADE and is_tracked(rel.related_model)
    ]


def corrections_of(entry):
    """The visible corrections of `entry` and of its dependants, newest first: one query."""
    model = type(entry)
    pk = model._meta.pk.attname
    parts = [_rows(model, published_corrections(model).filter(**{pk: entry.pk}).order_by())]
    parts += [
        _rows(related, published_corrections(related).filter(**{field: entry.pk}).order_by())
        for related, field in dependants(model)
    ]
    first, *rest = parts
    rows = first.union(*rest, all=True) if rest else first
    return with_entries(rows.order_by("-history_date", "-history_id"), own=entry)


def with_entries(rows, own=None):
    """`Correction`s for (kind, entry id, history id, date, note) rows, with the entries
    they correct read in one query per kind present (`own`, when given, is not read
    again)."""
    rows = list(rows)
    by_kind = {model._meta.model_name: model for model in correctable_models()}
    wanted = {}
    for kind, entry_id, *_ in rows:
        wanted.setdefault(kind, set()).add(entry_id)
    entries = {}
    for kind, ids in wanted.items():
        model = by_kind[kind]
        if own is not None and type(own) is model:
            entries[kind] = {own.pk: own}
            ids = ids - {own.pk}
            if not ids:
                continue
        # Every non-null link followed: what an entry's name reads (a listing's market and
        # edition) comes in the same query.
        entries.setdefault(kind, {}).update(model._default_manager.select_related().in_bulk(ids))
    own_kind = own._meta.model_name if own is not None else None
    return [
        Correction(history_id, date, note, entries[kind][entry_id], kind, own_kind in (None, kind))
        for kind, entry_id, history_id, date, note in rows
        if entry_id in entries.get(kind, {})
    ]
