"""Writing an import's plan in bulk: a few queries per kind of entry, however many rows,
with the edit history a save would record (`notorious/core/edit_history.py`).

`bulk_create` and `bulk_update` send no signals, so django-simple-history records nothing
of them by itself; `record_history` copies the rows just written into their historical
table in one INSERT … SELECT each, by whom (the editor whose request this is, as for a
save) and when. The page cache is told once by `ImportPlan.apply`.
"""

from django.db import connection
from django.utils import timezone

from notorious.core.edit_history import history_of

BATCH_SIZE = 1000  # rows a bulk insert or update sends at once


def write_entries(model, entries):
    """Write the dirty `entries` of `model`: the new ones inserted and the changed ones
    updated, a batch of rows per query, grouped by the fields they change so that no other
    field is written; each with one history record."""
    created = [entry.obj for entry in entries if entry.is_new]
    if created:
        model.objects.bulk_create(created, batch_size=BATCH_SIZE)
        record_history(model, created, "+")
    by_fields = {}
    for entry in entries:
        if not entry.is_new and entry.changes:
            by_fields.setdefault(tuple(entry.fields_written), []).append(entry.obj)
    now = timezone.now()
    for fields, objs in by_fields.items():
        for obj in objs:
            # bulk_update does not set auto_now fields; a form opened before the import
            # must see the entry as changed (optimistic locking compares this stamp).
            obj.updated_at = now
        model.objects.bulk_update(objs, list(fields), batch_size=BATCH_SIZE)
        record_history(model, objs, "~")


def record_history(model, objs, history_type):
    """One historical record of each of `objs` (saved rows of `model`) as they now are in
    the database: "+" created, "~" changed, as a save records them."""
    historical = history_of(model).model
    user = historical.get_default_history_user(objs[0])
    tracked = [
        (historical._meta.get_field(field.name).column, field.column)
        for field in historical.tracked_fields
    ]
    quote = connection.ops.quote_name
    sql = (
        f"INSERT INTO {quote(historical._meta.db_table)} "
        f"({', '.join(quote(target) for target, _ in tracked)}, history_date, history_type, "
        "history_user_id, history_change_reason) "
        f"SELECT {', '.join(quote(source) for _, source in tracked)}, %s, %s, %s, NULL "
        f"FROM {quote(model._meta.db_table)} WHERE {quote(model._meta.pk.column)} = ANY(%s)"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            sql,
            [timezone.now(), history_type, getattr(user, "pk", None), [obj.pk for obj in objs]],
        )
