"""Editors' history: every change to content recorded (django-simple-history), deleted
entries recovered, and who changed an entry last, for the conflict message.

Each content model declares `edit_history = EditHistory(...)`: a historical table holding
one row per save or deletion, with who (`history_user`, from the request through
`HistoryRequestMiddleware`), when (`history_date`), the kind of change (`history_type`:
"+" created, "~" changed, "-" deleted), a reason where the site knows one, and every field
as it then was. (Not `history`: views already put a market's *listing* history there.)

Django changes some rows on its own when an entry is deleted, without signals: it empties
the links to the deleted entry (a market's operator, a company's owner, an article's
markets, companies, editions and cited outlets) and deletes the listings of a market or an
edition. `EditHistory` records those too, with a reason naming the deleted entry, so that
`restore_deleted` can put back the entry *and* what went with it.
"""

from dataclasses import dataclass, field

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from simple_history.models import HistoricalRecords, to_historic
from simple_history.utils import get_m2m_reverse_field_name

from notorious.core.correction_records import CorrectionRecord, correction_index

MANAGER = "edit_history"
# Fields whose change says nothing an editor wrote: the save's own timestamp.
NOT_DIFFED = ("updated_at",)


class EditHistory(HistoricalRecords):
    """`HistoricalRecords` that also records what a deletion does to related entries, and
    whether a change was a public correction (`CorrectionRecord`)."""

    def __init__(self, *args, bases=(CorrectionRecord,), **kwargs):
        super().__init__(*args, bases=bases, **kwargs)

    def get_meta_options(self, model):
        options = super().get_meta_options(model)
        options["indexes"] = [*options.get("indexes", ()), correction_index(model)]
        return options

    def finalize(self, sender, **kwargs):
        super().finalize(sender, **kwargs)
        if sender is self.cls:
            # Kept so `restore_deleted` can write one complete record itself.
            sender._edit_history_records = self

    def create_history_model(self, model, inherited):
        return self._in_models_module(super().create_history_model(model, inherited))

    def create_history_m2m_model(self, model, through_model):
        return self._in_models_module(super().create_history_m2m_model(model, through_model))

    def _in_models_module(self, history_model):
        # simple-history names the app's package ("notorious.markets") as the module of a
        # model whose app label is not its package path, but puts the class in the models
        # module (`finalize`); say where it is, so `manage.py shell` can import it.
        history_model.__module__ = self.module
        return history_model

    def pre_delete(self, instance, **kwargs):
        super().pre_delete(instance, **kwargs)
        _unlink_dependants(instance)

    def post_delete(self, instance, using=None, origin=None, **kwargs):
        # A listing deleted because its market (or edition) was: say so, so restoring the
        # market restores it too. `origin` is what `delete()` was called on.
        if origin is not None and not hasattr(instance, "_change_reason"):
            origin_model = origin.model if isinstance(origin, models.QuerySet) else type(origin)
            if origin_model is not type(instance):
                instance._change_reason = deleted_with_reason(origin_model)
        super().post_delete(instance, using=using, **kwargs)


def is_tracked(model):
    return hasattr(model, "_edit_history_records")


def history_of(model):
    """The model's history manager (all records of all its entries)."""
    return getattr(model, MANAGER)


def deleted_with_reason(model):
    return f"Deleted with its {model._meta.verbose_name}"


def unlinked_prefix(instance):
    return f"Unlinked: {instance._meta.verbose_name} #{instance.pk} "


def unlinked_reason(instance):
    return f"{unlinked_prefix(instance)}({instance}) was deleted"


def relinked_reason(instance):
    return f"Relinked: {instance._meta.verbose_name} “{instance}” was restored"


def _unlink_dependants(instance):
    """Empty, with a recorded change, the links Django would empty silently on deletion."""
    reason = unlinked_reason(instance)
    for rel in instance._meta.related_objects:
        related = rel.related_model
        if not is_tracked(related):
            continue
        if rel.many_to_many:
            name = rel.field.name
            for owner in related._default_manager.filter(**{name: instance}):
                owner._change_reason = reason
                getattr(owner, name).remove(instance)
        elif rel.one_to_many and rel.on_delete is models.SET_NULL:
            name = rel.field.name
            for dependant in related._default_manager.filter(**{name: instance}):
                setattr(dependant, name, None)
                dependant._change_reason = reason
                dependant.save()


# --- Who changed it last ------------------------------------------------------------------


def user_label(user):
    if user is None:
        return "an import or a script"
    return user.get_full_name() or user.get_username()


def moment_label(when):
    """E.g. '14:02 UTC on 26 November 2026'."""
    when = timezone.localtime(when)
    return f"{when:%H:%M} {when.tzname()} on {when.day} {when:%B %Y}"


def changed_fields(model, old_record, new_record):
    """Verbose names of the fields that differ between two records of one entry."""
    delta = new_record.diff_against(old_record, excluded_fields=NOT_DIFFED)
    return [str(model._meta.get_field(change.field).verbose_name) for change in delta.changes]


def conflict_message(instance, opened_stamp):
    """Why a save from a form opened at `opened_stamp` (the entry's `updated_at` then) is
    refused: who changed the entry since, when, and which fields."""
    model = type(instance)
    records = history_of(model).filter(pk_filter(model, instance.pk))
    latest = records.select_related("history_user").order_by("-history_date").first()
    name = model._meta.verbose_name
    if latest is None:
        return (
            f"This {name} was changed after you opened it. Reload the page to see the "
            "changes; your edits were not saved."
        )
    since = records.filter(updated_at__gt=opened_stamp) if opened_stamp else records.none()
    users = []
    for record in since.select_related("history_user").order_by("history_date"):
        label = user_label(record.history_user)
        if label not in users:
            users.append(label)
    who = " and ".join(users) if users else user_label(latest.history_user)
    message = (
        f"The {name} “{latest.instance}” was changed by {who} at "
        f"{moment_label(latest.history_date)}, after you opened this page."
    )
    opened = (
        records.filter(updated_at=opened_stamp).order_by("-history_date").first()
        if opened_stamp
        else None
    )
    if opened is not None and opened.history_id != latest.history_id:
        fields = changed_fields(model, opened, latest)
        if fields:
            message += f" Changed: {', '.join(fields)}."
    return message + " Reload the page to see their changes; your edits were not saved."


def missing_version_message(instance):
    """Why a change posted without its form's version (the hidden `opened_version` field,
    the entry's `updated_at` when the form was opened) is refused."""
    return (
        f"This {instance._meta.verbose_name} was sent without the version it was opened at "
        "(the form's hidden “opened_version” field), so whether someone changed it since "
        "cannot be checked; nothing was saved. Reload the page and make your changes again."
    )


def pk_filter(model, pk):
    return models.Q(**{model._meta.pk.attname: pk})


# --- Deleted entries ----------------------------------------------------------------------


def deleted_records(model):
    """The deletion record of every entry deleted and not since restored, newest first."""
    history = history_of(model)
    pk = model._meta.pk.attname
    latest = (
        history.filter(**{pk: OuterRef(pk)})
        .order_by("-history_date", "-history_id")
        .values("history_id")[:1]
    )
    return (
        history.filter(history_type="-", history_id=Subquery(latest))
        .exclude(**{f"{pk}__in": model._default_manager.values("pk")})
        .select_related("history_user")
        .order_by("-history_date", "-history_id")
    )


def object_pk(record):
    """The primary key of the entry a historical record describes."""
    return getattr(record, record.instance_type._meta.pk.attname)


def record_label(record):
    """What the entry was called, even when a related entry it names is gone too."""
    try:
        return str(record.instance)
    except ObjectDoesNotExist:
        return f"{record.instance_type._meta.verbose_name} #{object_pk(record)}"


class RestoreError(Exception):
    """The entry cannot be restored as it was; the message says why."""


@dataclass
class Restored:
    obj: models.Model
    with_it: list = field(default_factory=list)  # entries deleted with it, restored
    relinked: list = field(default_factory=list)  # entries linked to it again
    problems: list = field(default_factory=list)  # what could not be put back, and why


def restore_deleted(record, user):
    """Put a deleted entry back as it was when deleted, with what its deletion took along:
    its listings, and the links other entries had to it. One transaction."""
    model = record.instance_type
    with transaction.atomic():
        if model._default_manager.filter(pk=object_pk(record)).exists():
            raise RestoreError(f"“{record_label(record)}” exists: it was restored already.")
        last_state = _last_state(record)
        try:
            obj = _revive(record, last_state, user, "Restored after deletion")
        except ValidationError as error:
            raise RestoreError(_validation_text(error)) from None
        # What the deletion did happened after the entry's last save and up to its
        # deletion record, in the deletion's transaction.
        window = {"history_date__lte": record.history_date}
        if last_state is not None:
            window["history_date__gt"] = last_state.history_date
        restored = Restored(obj)
        _restore_cascaded(obj, window, user, restored)
        _relink(obj, window, user, restored)
    return restored


def _last_state(record):
    """The entry's last record before the deletion `record`: how it was before."""
    model = record.instance_type
    return (
        history_of(model)
        .filter(pk_filter(model, object_pk(record)), history_date__lt=record.history_date)
        .exclude(history_type="-")
        .order_by("-history_date")
        .first()
    )


def _revive(record, last_state, user, reason):
    """Save the entry a deletion record describes, with one history record saying so."""
    model = record.instance_type
    obj = record.instance
    obj.full_clean(exclude=[f.name for f in model._meta.fields if not f.editable])
    obj.skip_history_when_saving = True
    try:
        obj.save()
        if last_state is not None:
            _set_m2m_as_in(obj, last_state)
    finally:
        del obj.skip_history_when_saving
    # A new row gets a new creation date; the entry keeps the one it had.
    model._default_manager.filter(pk=obj.pk).update(created_at=record.created_at)
    obj.created_at = record.created_at
    obj._history_user = user
    obj._change_reason = reason
    model._edit_history_records.create_historical_record(obj, "+")
    return obj


def _set_m2m_as_in(obj, historical_record):
    """Give `obj` the many-to-many links `historical_record` holds, where the entries still
    exist."""
    for m2m_field in historical_record._history_m2m_fields:
        target = get_m2m_reverse_field_name(m2m_field)
        ids = getattr(historical_record, m2m_field.name).values_list(target, flat=True)
        existing = m2m_field.related_model._default_manager.filter(pk__in=list(ids))
        getattr(obj, m2m_field.name).set(existing)


def m2m_initial(historical_record):
    """Form initial values for the many-to-many fields, as a historical record holds them."""
    return {
        m2m_field.name: list(
            getattr(historical_record, m2m_field.name).values_list(
                get_m2m_reverse_field_name(m2m_field), flat=True
            )
        )
        for m2m_field in historical_record._history_m2m_fields
    }


def _restore_cascaded(obj, window, user, restored):
    """Restore the entries Django deleted along with `obj` (a market's or an edition's
    listings)."""
    model = type(obj)
    for rel in model._meta.related_objects:
        related = rel.related_model
        if not (rel.one_to_many and rel.on_delete is models.CASCADE and is_tracked(related)):
            continue
        candidates = deleted_records(related).filter(
            **{rel.field.attname: obj.pk},
            history_change_reason=deleted_with_reason(model),
            **window,
        )
        reason = f"Restored with its {model._meta.verbose_name}"
        for dependant in candidates:
            try:
                with transaction.atomic():
                    revived = _revive(dependant, _last_state(dependant), user, reason)
                restored.with_it.append(revived)
            except (ValidationError, IntegrityError) as error:
                text = _validation_text(error) if isinstance(error, ValidationError) else str(error)
                restored.problems.append(f"{record_label(dependant)}: {text}")


def _relink(obj, window, user, restored):
    """Link again the entries whose link to `obj` its deletion emptied, unless an editor has
    linked them elsewhere since."""
    prefix = unlinked_prefix(obj)
    reason = relinked_reason(obj)
    for rel in type(obj)._meta.related_objects:
        related = rel.related_model
        if not is_tracked(related) or not (rel.many_to_many or rel.on_delete is models.SET_NULL):
            continue
        name = rel.field.name
        ids = set(
            history_of(related)
            .filter(history_change_reason__startswith=prefix, **window)
            .values_list(related._meta.pk.attname, flat=True)
        )
        for entry in related._default_manager.filter(pk__in=ids):
            entry._history_user = user
            entry._change_reason = reason
            if rel.many_to_many:
                if getattr(entry, name).filter(pk=obj.pk).exists():
                    continue
                getattr(entry, name).add(obj)
            elif getattr(entry, rel.field.attname) is None:
                setattr(entry, name, obj)
                entry.save()
            else:
                continue
            restored.relinked.append(entry)


def _validation_text(error):
    return " ".join(str(message) for message in error.messages)


def current_stamp(instance):
    """The entry's `updated_at` as stored now (for a form built from a historical version)."""
    if to_historic(instance) is None:
        return instance.updated_at
    return (
        type(instance)
        ._default_manager.filter(pk=instance.pk)
        .values_list("updated_at", flat=True)
        .first()
    )
