"""What every CSV import shares once the file is read: planning, without writing anything,
what each row creates or changes; checking every entry to be written with its model's own
validation (`full_clean`, as the admin does); describing the plan; and writing it in one
transaction, or nothing at all.

An import supplies a `CsvFormat` (its columns), a planner (a `BasePlanner` with `add_row`)
and an `ImportPlan` subclass (`describe` and `write`); `plan_file` and `run_file` do the
rest. The listings import (`importer.py`) and the editions import (`report_import.py`) are
built this way.
"""

import functools
from dataclasses import dataclass, field

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import get_language

from .import_csv import ImportFileError, RowError, decode, read_rows, shown_errors

# The entries created and fields changed that the admin's preview lists, of each: the page
# of a 10,000-row file stays readable and small; the command's dry run lists them all.
SHOWN_ENTRIES = 1000
PLURALS = {"report": "reports", "company": "companies", "market": "markets", "listing": "listings"}


@dataclass(frozen=True)
class Creation:
    """An entry the import creates, e.g. ('market', 'WeChat: online, Social commerce')."""

    model: str
    description: str

    def __str__(self):
        return f"{self.model} {self.description}"


@dataclass(frozen=True)
class Change:
    """One field of an existing entry that the import changes."""

    target: str  # e.g. 'market "WeChat"'
    field: str
    old: str
    new: str

    def __str__(self):
        return f"{self.target}: {self.field}: {self.old or '(empty)'} → {self.new}"


@dataclass(eq=False)
class Entry:
    """An entry the plan creates or may change, with what the file sets on it and where."""

    obj: object
    is_new: bool
    line: int  # the first line naming it
    changes: dict = field(default_factory=dict)  # field -> Change
    given: dict = field(default_factory=dict)  # field -> (value, shown, line): catches conflicts
    also_written: set = field(default_factory=set)  # fields saved with the changed ones

    @property
    def is_dirty(self):
        return self.is_new or bool(self.changes)

    def line_of(self, field_name):
        """The line that gave `field_name` its value, or the entry's first line."""
        return self.given[field_name][2] if field_name in self.given else self.line

    def save(self):
        if self.is_new:
            self.obj.save()
        else:
            self.obj.save(update_fields=self.fields_written)

    @property
    def fields_written(self):
        """The fields an existing entry's update writes: those changed, with the save's
        timestamp (the version a form opened before the import sees as changed)."""
        return [*self.changes, *sorted(self.also_written), "updated_at"]


def display(value):
    """A value as the preview shows it, shortened."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if _is_country(value):
        return value.name if value.code else ""
    text = str(value)
    # Not Truncator: it asks the translation machinery for its ellipsis on every call, and
    # a preview shows tens of thousands of values.
    return text if len(text) <= SHOWN_LENGTH else text[: SHOWN_LENGTH - 1] + "…"


SHOWN_LENGTH = 80


def _is_country(value):
    return hasattr(value, "name") and hasattr(value, "code")  # a django-countries Country


def display_field(obj, field_name, value):
    """A field's value as an editor reads it: a choice's label rather than its code."""
    if _is_country(value):
        value = value.code or ""
    if isinstance(value, str):
        value = _choice_labels(type(obj), field_name, get_language()).get(value, value)
    return display(value)


@functools.cache
def _choice_labels(model, field_name, language):
    # Read once: a country field has some 250 choices, and an import shows thousands.
    return dict(model._meta.get_field(field_name).flatchoices or ())


class BasePlanner:
    """Collects the rows' errors and the entries to write; subclasses define `add_row`."""

    # The file's name for a model field, where the two differ (for error messages).
    column_names = {}

    def __init__(self):
        self.errors = []

    def error(self, line, message):
        self.errors.append(RowError(line, message))

    def entries(self):
        """Every entry the plan holds, in the order they are written."""
        raise NotImplementedError

    def set_field(self, entry, field_name, value, line, label, shown=None):
        """Plan `field_name = value` (a non-empty cell); refuse a second, different value.

        `shown` is the value as the preview names it; by default its label when the field
        has choices (worked out only when a message needs it)."""

        def shown_as(value, shown):
            return display_field(entry.obj, field_name, value) if shown is None else shown

        if field_name in entry.given:
            earlier, earlier_shown, earlier_line = entry.given[field_name]
            if earlier is not value and earlier != value:
                self.error(
                    line,
                    f"{label} '{shown_as(value, shown)}' differs from "
                    f"'{shown_as(earlier, earlier_shown)}' given for {entry.obj} on line "
                    f"{earlier_line}.",
                )
            return
        entry.given[field_name] = (value, shown, line)
        old = getattr(entry.obj, field_name)
        if old is value or old == value:
            return
        if not entry.is_new:
            self.record_change(
                entry,
                field_name,
                label,
                display_field(entry.obj, field_name, old),
                shown_as(value, shown),
            )
        setattr(entry.obj, field_name, value)

    def record_change(self, entry, field_name, label, old, new):
        """Note that the file changes an existing entry's field (a new entry has no "old")."""
        if not entry.is_new:
            entry.changes[field_name] = Change(self.target(entry), label, old, new)

    def target(self, entry):
        """The entry as a change names it, e.g. 'market "WeChat"'."""
        return f'{entry.obj._meta.verbose_name} "{entry.obj}"'

    def prepare(self, rows):
        """Read from the database, at once, what the rows may refer to, so that planning
        runs the same few queries whatever the file's length. Called before the first
        `add_row`; nothing to read by default."""

    def validate(self):
        """Check every entry to be written with its model's own validation, as the admin's
        forms do, so that what imports can be saved in the admin; each error is reported on
        the line that gave the value it is about.

        Uniqueness (of names, slugs, an edition's year, a market's listing in an edition)
        is not asked of the database entry by entry: planning already matched every name
        against those stored, and gave each new entry a free slug. A clash that appears
        meanwhile is refused by the database when the plan is written (`ImportPlan.apply`).
        """
        checked = {}  # (model, field name, value) -> that value's errors
        for entry in self.entries():
            if not entry.is_dirty:
                continue
            obj = entry.obj
            choice_fields = [f for f in obj._meta.concrete_fields if f.choices is not None]
            errors = {}
            for model_field in choice_fields:
                # A value is checked against the field's choices once, not once an entry.
                value = getattr(obj, model_field.attname)
                key = (type(obj), model_field.name, str(value))
                if key not in checked:
                    try:
                        model_field.clean(value, obj)
                        checked[key] = []
                    except ValidationError as error:
                        checked[key] = error.messages
                if checked[key]:
                    errors[model_field.name] = checked[key]
            try:
                obj.full_clean(
                    exclude=[*self.planned_relations(obj), *(f.name for f in choice_fields)],
                    validate_unique=False,
                    validate_constraints=False,
                )
            except ValidationError as error:
                errors.update(error.message_dict)
            self._report_invalid(entry, errors)

    def _report_invalid(self, entry, errors):
        """Record the model's validation `errors` ({field: messages}) of `entry`, each on
        the line that gave the value it is about."""
        for field_name, messages in errors.items():
            where = (
                ""
                if field_name == NON_FIELD_ERRORS
                else f"{self.column_names.get(field_name, field_name)}: "
            )
            for message in messages:
                self.error(entry.line_of(field_name), f"{where}{message}")

    @staticmethod
    def planned_relations(obj):
        """The foreign keys of `obj` the plan set to an entry it holds: one it creates
        (checked as the plan makes it, and saved first) or one it read from the database in
        this transaction, whose existence need not be asked again, entry by entry."""
        return [
            model_field.name
            for model_field in obj._meta.concrete_fields
            if model_field.many_to_one
            and model_field.is_cached(obj)
            and getattr(obj, model_field.name) is not None
        ]


class ImportPlan:
    """What importing a file would do (or the reasons it cannot be imported).

    Subclasses fill `created` and `changes` in `describe(planner)` and write the planner's
    entries in `write(planner)`."""

    def __init__(self, errors=(), row_count=0, planner=None):
        self.errors = list(errors)
        self.row_count = row_count
        self._planner = planner
        self.created, self.changes = [], []
        if planner is not None:
            self.describe(planner)

    def describe(self, planner):
        raise NotImplementedError

    def write(self, planner):
        raise NotImplementedError

    @property
    def is_valid(self):
        return not self.errors

    @property
    def shown_created(self):
        """The first entries to be created, which the preview lists (`SHOWN_ENTRIES`)."""
        return self.created[:SHOWN_ENTRIES]

    @property
    def shown_changes(self):
        return self.changes[:SHOWN_ENTRIES]

    @property
    def shown_errors(self):
        """The first problems, which the preview lists (`import_csv.SHOWN_ERRORS`)."""
        return shown_errors(self.errors)[0]

    @property
    def more_errors(self):
        """How many problems the preview does not list."""
        return shown_errors(self.errors)[1]

    @property
    def has_changes(self):
        return bool(self.created or self.changes)

    def counts(self):
        """How many entries of each kind are created, e.g. {'market': 3, 'listing': 5}."""
        counts = {}
        for creation in self.created:
            counts[creation.model] = counts.get(creation.model, 0) + 1
        return counts

    def apply(self):
        """Write the plan, in one transaction."""
        if self.errors:
            raise ImportFileError(self.errors)
        try:
            with transaction.atomic():
                self.write(self._planner)
        except IntegrityError as error:
            # Someone saved a clashing entry (the same name, say) since the plan was made.
            raise ImportFileError(
                [RowError(None, f"The database refused the import, as it now stands: {error}")]
            ) from None

    def notice_lines(self):
        """Anything else the summary should say (the listings import's listings no longer
        named), as lines of text."""
        return []

    def summary_lines(self, dry_run=False):
        """The plan as lines of text, for the command's output."""
        lines = []
        if self.created:
            lines.append("Would create:" if dry_run else "Created:")
            lines.extend(f"  {creation}" for creation in self.created)
        if self.changes:
            lines.append("Would change:" if dry_run else "Changed:")
            lines.extend(f"  {change}" for change in self.changes)
        lines.extend(self.notice_lines())
        if not self.has_changes:
            lines.append("Nothing to change: the database already matches the file.")
        counts = ", ".join(
            f"{n} {model if n == 1 else PLURALS[model]}" for model, n in self.counts().items()
        )
        verb = "would create" if dry_run else "created"
        lines.append(
            f"{self.row_count} row{'s' if self.row_count != 1 else ''} read; {verb} "
            f"{counts or 'nothing'}; {len(self.changes)} field change"
            f"{'s' if len(self.changes) != 1 else ''}."
        )
        if dry_run:
            lines.append("Dry run: nothing was written.")
        return lines


def plan_file(data, file_format, planner, plan_class):
    """Read and check the whole file (bytes or text) with `planner`, and return a
    `plan_class` plan; writes nothing."""
    try:
        rows = read_rows(decode(data), file_format)
    except ImportFileError as error:
        return plan_class(errors=error.errors)
    planner.prepare(rows)
    for line, row in rows:
        planner.add_row(line, row)
    # Rows with unreadable cells make no entry, so the others are checked all the same:
    # every problem is reported at once.
    planner.validate()
    if planner.errors:
        errors = sorted(planner.errors, key=lambda e: e.line or 0)
        return plan_class(errors=errors, row_count=len(rows))
    return plan_class(row_count=len(rows), planner=planner)


def run_file(plan_function, data, dry_run=False):
    """Plan the import of `data` with `plan_function` and, unless `dry_run`, write it.

    Checking and writing happen in one transaction, so what is written is what was checked.
    Raises ImportFileError, with every bad row's line and reason, and writes nothing when
    the file cannot be imported as a whole.
    """
    with transaction.atomic():
        plan = plan_function(data)
        if not plan.is_valid:
            raise ImportFileError(plan.errors)
        if not dry_run:
            plan.apply()
    return plan
