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
from functools import cache

from django.apps import apps
from django.db import DEFAULT_DB_ALIAS, connections, models, router

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
    return with_entries(correction_rows(entry), own=entry)


def correction_rows_query(model, pk):
    """(kind, entry id, history id, date, note) rows of the visible corrections of the
    `model` entry `pk` and of its dependants, newest first."""
    parts = [_rows(model, published_corrections(model).filter(**{model._meta.pk.attname: pk}))]
    parts += [
        _rows(related, published_corrections(related).filter(**{field: pk}))
        for related, field in dependants(model)
    ]
    first, *rest = [part.order_by() for part in parts]
    rows = first.union(*rest, all=True) if rest else first
    return rows.order_by("-history_date", "-history_id")


# Stands for the entry in `correction_rows_query`'s SQL compiled once per model: never a
# primary key (they count up from 1), nor any other parameter of the query.
ENTRY_STAND_IN = -7_000_000_007


@cache
def compiled_correction_rows(model):
    """`correction_rows_query`'s SQL for entries of `model`, its parameters, and the
    positions of those that are the entry's key. Only the entry changes from one page to
    the next, and building and compiling this UNION of history tables took 5 ms of CPU a
    page (every market, company, edition and article page shows its corrections), running
    it 0.3 ms. Every database the site reads is PostgreSQL: one SQL serves them all."""
    query = correction_rows_query(model, ENTRY_STAND_IN).query
    sql, params = query.get_compiler(DEFAULT_DB_ALIAS).as_sql()
    positions = [position for position, value in enumerate(params) if value == ENTRY_STAND_IN]
    if len(positions) != 1 + len(dependants(model)):  # the key in each part, and only there
        raise RuntimeError(f"Corrections of {model._meta.label}: {params} in {sql}")
    return sql, params, positions


def correction_rows(entry):
    """`correction_rows_query`'s rows for `entry`, from the SQL compiled once per model."""
    sql, params, positions = compiled_correction_rows(type(entry))
    params = list(params)
    for position in positions:
        params[position] = type(params[position])(entry.pk)  # psycopg's int types kept
    with connections[router.db_for_read(type(entry))].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


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
