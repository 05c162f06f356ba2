"""Choosing one published entry by the name readers know it by, in a query string:
`/markets/?company=alibaba-group`, `/api/articles/?report=2021`, `/timeline/?market=taobao`.

The choices are the published entries and nothing else, and the value sent is matched
against their slugs (an edition's: the year it reviews). So a draft's slug is refused
exactly as a misspelt one is: the form is invalid, and the list page, its download and the
timeline answer 400 with a message saying so, the API a 400 naming the parameter. A list
is never silently left unfiltered, or silently emptied, by a name it does not know.

Two kinds of choice:
- a short list (the editions, the outlets): a `<select>` of every published entry
  (`PublishedChoiceFilter`, `PublishedChoiceField`);
- a list that grows with the data (markets, companies, articles: 12,000 options at 10,000
  markets took 10 s to render and weighed 1 MB): a text box taking a slug or a name
  (`PublishedLookupFilter`, `PublishedLookupField`). The server resolves what is typed:
  the entry with that slug, else the one with that name or alias; several or none is a
  message, never a guess. `static/js/lookup.js` turns the box into an autocomplete fed by
  `notorious.lookup` (at most 20 suggestions), so the URL still carries the slug.
"""

import django_filters
from django import forms
from django.core.validators import ProhibitNullCharactersValidator
from django.db.models import Model
from django.forms.boundfield import BoundField
from django.forms.widgets import Script
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django_filters.constants import EMPTY_VALUES

# How many entries a message lists when a name matches several.
AMBIGUOUS_SHOWN = 5


class FilterBoundField(BoundField):
    """A filter box described by its error alone.

    The filters' help texts document the API's parameters (`prefix '-' to reverse`) and
    are not shown on the pages; Django would still point `aria-describedby` at an
    `id_<name>_helptext` element, which is not in the page. The error is there, with the id
    Django gives it (`id_<name>_error`, see templates/includes/filter_form.html).
    """

    @property
    def aria_describedby(self):
        if self.auto_id and not self.is_hidden and self.errors:
            return f"{self.auto_id}_error"
        return None


class FilterForm(forms.Form):
    """The form of every filter a public page shows (a FilterSet's `Meta.form`)."""

    bound_field_class = FilterBoundField


def applied_filters(form):
    """The filters a list was narrowed by, as (label, value) in the words the form shows:
    ("Kind", "Online"), ("Company", "Alibaba Group"). A printed list states them, its form
    being left off the paper. Values the form could not read are given as sent."""
    if not form.is_bound:
        return []
    cleaned = form.cleaned_data if form.is_valid() else {}
    applied = []
    for name, field in form.fields.items():
        raw = form.data.get(name)
        if raw is None or str(raw).strip() == "":
            continue
        value = cleaned.get(name, raw)
        # A model choice's value is its entry (named without running the choices' query).
        choices = (
            None if isinstance(field, forms.ModelChoiceField) else getattr(field, "choices", None)
        )
        labels = {} if choices is None else dict(flat_choices(choices))
        # A sort's cleaned value is a list of its parts.
        values = value if isinstance(value, (list, tuple)) else [value]
        shown = ", ".join(shown_value(part, labels, raw) for part in values)
        applied.append((field.label or name.capitalize(), shown))
    return applied


def shown_value(value, labels, raw):
    """One filter value in the words its form shows: an entry's name, a choice's label, a
    date; else what was sent."""
    if isinstance(value, Model):
        return str(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if str(value) in labels:
        return str(labels[str(value)])
    return str(value) if value is not None else str(raw)


def flat_choices(choices):
    """(value, label) pairs of a field's choices, groups opened."""
    for value, label in choices:
        if isinstance(label, (list, tuple)):
            yield from flat_choices(label)
        else:
            yield str(value), label


def selects_everything(form):
    """Whether a list filtered by `form` is the whole of what it filters: every filter read
    and empty (a list may then state a count kept apart rather than count it)."""
    return form.is_valid() and all(value in EMPTY_VALUES for value in form.cleaned_data.values())


def filter_problems(form):
    """What a list page says about each filter it could not read: "Kind: …", by the
    label the reader sees beside the box (a filter without one by its parameter's name,
    never "None")."""
    problems = []
    for name, errors in form.errors.items():
        field = form.fields.get(name)
        label = (field.label if field is not None else None) or name.replace("_", " ").capitalize()
        problems.append(f"{label}: {' '.join(errors)}")
    return problems


def html_attributes(attrs):
    """Attributes as Django's widget templates write them: True alone, False left out."""
    return format_html_join(
        "",
        "{}",
        (
            (format_html(" {}", name) if value is True else format_html(' {}="{}"', name, value),)
            for name, value in attrs.items()
            if value is not False
        ),
    )


class QuickSelect(forms.Select):
    """A `<select>` written in Python: the HTML Django's templates give, at a fraction of
    the time (two template includes per option made 250 countries cost 36 ms a page).

    A select whose choices are a fixed list (the countries, the kinds: not a queryset's
    entries) is written once per process for each name, value and attributes, and then
    reused: the 250 countries were still a tenth of the markets list's uncached time."""

    def render(self, name, value, attrs=None, renderer=None):
        # A queryset's entries are read each time. Fixed choices come as a list, or wrapped
        # by django-filter's ChoiceField (which adds the "Any" choice): both are reused.
        if isinstance(self.choices, forms.models.ModelChoiceIterator):
            return self.render_afresh(name, value, attrs)
        # Read once (choices from a callable, such as the years coverage came out in, would
        # otherwise run its query again when the select is written afresh).
        self.choices = list(self.choices)
        key = (
            name,
            tuple(self.format_value(value)),
            tuple(self.build_attrs(self.attrs, attrs).items()),
            tuple((str(option), str(label)) for option, label in self.choices),
        )
        try:
            return rendered_select(self, key)
        except TypeError:  # an attribute or choice that cannot be a key: no reuse
            return self.render_afresh(name, value, attrs)

    def render_afresh(self, name, value, attrs):
        widget = self.get_context(name, value, attrs)["widget"]
        parts = [format_html('<select name="{}"{}>', name, html_attributes(widget["attrs"]))]
        for group_name, options, _index in widget["optgroups"]:
            if group_name:
                parts.append(format_html('\n  <optgroup label="{}">', group_name))
            parts.extend(
                format_html(
                    '\n  <option value="{}"{}>{}</option>',
                    str(option["value"]),
                    html_attributes(option["attrs"]),
                    option["label"],
                )
                for option in options
            )
            if group_name:
                parts.append("\n  </optgroup>")
        parts.append("\n</select>")
        return mark_safe("".join(parts))  # every part escaped by format_html


def rendered_select(widget, key):
    """The markup of `widget` for `key` (its name, value, attributes and fixed choices; see
    `QuickSelect.render`), kept for the next page that draws the same."""
    markup = _rendered_selects.get(key)
    if markup is None:
        name, value, attrs, _choices = key
        markup = widget.render_afresh(name, list(value), dict(attrs))
        if len(_rendered_selects) >= RENDERED_SELECTS_KEPT:
            _rendered_selects.pop(next(iter(_rendered_selects), None), None)  # the oldest
        _rendered_selects[key] = markup
    return markup


# Distinct selects kept per process: each filter's every value readers ask for, with room.
RENDERED_SELECTS_KEPT = 512
_rendered_selects = {}


class ChoiceFilter(django_filters.ChoiceFilter):
    """django-filter's ChoiceFilter, drawn as a `QuickSelect`."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", QuickSelect)
        super().__init__(*args, **kwargs)


class WholeNumberFilter(django_filters.NumberFilter):
    """A number filter taking whole numbers (years): 2021.5 is refused, not compared."""

    field_class = forms.IntegerField


class ListedChoiceIterator(django_filters.fields.ModelChoiceIterator):
    """A short list's entries read as one list, not through a server-side cursor (Django's
    `.iterator()`: a DECLARE, a FETCH and a CLOSE, three round trips for 40 outlets, on
    every page of coverage)."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        if self.field.null_label is not None:
            yield (self.field.null_value, self.field.null_label)
        for entry in self.queryset:
            yield self.choice(entry)


class ListedChoiceField(django_filters.fields.ModelChoiceField):
    iterator = ListedChoiceIterator


class PublishedChoiceFilter(django_filters.ModelChoiceFilter):
    """A FilterSet's choice of one published `model` entry, by slug (or `to_field_name`),
    from a `<select>`: for short lists only (see the module's docstring)."""

    field_class = ListedChoiceField

    def __init__(self, model, to_field_name="slug", **kwargs):
        kwargs.setdefault("widget", QuickSelect)
        super().__init__(
            # A callable, so the published entries are read afresh for each request.
            queryset=lambda request: model.objects.published(),
            to_field_name=to_field_name,
            **kwargs,
        )


class PublishedChoiceField(forms.ModelChoiceField):
    """A form's choice of one published `model` entry, by slug (or `to_field_name`)."""

    def __init__(self, model, to_field_name="slug", **kwargs):
        super().__init__(queryset=model.objects.published(), to_field_name=to_field_name, **kwargs)


class LookupInput(forms.TextInput):
    """A text box for a slug or a name, which `static/js/lookup.js` makes an autocomplete
    (suggestions from `/lookup/<lookup>/`). Given the resolved entry, it shows the entry's name and
    keeps its slug in `data-value`, which the script submits so the URL keeps the slug."""

    class Media:
        # Rendered by the form's `{{ form.media }}`: only pages with a name box load it.
        js = [Script("js/lookup.js", defer=True)]

    def __init__(self, lookup, attrs=None):
        self.lookup = lookup  # the kind `notorious.lookup` suggests ("companies"), or None
        defaults = {"autocomplete": "off", "spellcheck": "false", "placeholder": "A name or slug"}
        super().__init__(attrs={**defaults, **(attrs or {})})

    def get_context(self, name, value, attrs):
        attrs = dict(attrs or {})
        if self.lookup:  # no suggestions for a kind `notorious.lookup` does not offer
            attrs["data-lookup"] = reverse("lookup", args=[self.lookup])
        if isinstance(value, Model):
            attrs["data-value"] = value.slug
            value = str(value)
        return super().get_context(name, value, attrs)


class PublishedLookupField(forms.Field):
    """One published `model` entry, typed as its slug or its name (or an alias).

    The slug wins; then the entry with that name (names are unique, whatever their case);
    then an alias naming exactly one published entry. An alias several share gives a
    message listing them and asking for a slug.
    """

    def __init__(self, model, lookup, **kwargs):
        self.model = model
        self.resolved = {}  # what was typed -> the entry, so the box can show its name
        kwargs.setdefault("widget", LookupInput(lookup))
        super().__init__(**kwargs)

    def __deepcopy__(self, memo):
        copy = super().__deepcopy__(memo)
        copy.resolved = {}  # each form's own
        return copy

    def published(self):
        return self.model.objects.published()

    def to_python(self, value):
        typed = " ".join(str(value or "").split())
        if not typed:
            return None
        ProhibitNullCharactersValidator()(typed)  # PostgreSQL could not even compare it
        entry = self.published().filter(slug=typed).first()
        if entry is None:
            entry = self.by_name(typed)
        self.resolved[value] = entry
        return entry

    def by_name(self, typed):
        published = self.published()
        if hasattr(published, "matching_name"):
            matches = list(published.matching_name(typed).order_by("name")[: AMBIGUOUS_SHOWN + 1])
        else:  # an article: its headline
            matches = list(published.filter(headline__iexact=typed)[: AMBIGUOUS_SHOWN + 1])
        what, plural = self.model._meta.verbose_name, self.model._meta.verbose_name_plural
        # Echo only the start of what was sent: the address may hold anything.
        shown = typed if len(typed) <= 60 else typed[:60] + "…"
        if not matches:
            # What was sent goes in as a parameter, never into the message itself: a "%" in
            # it would break the message's formatting (django-filter's and Django's).
            raise forms.ValidationError(
                "No published %(what)s has the name or slug “%(shown)s”.",
                code="invalid_choice",
                params={"what": what, "shown": shown},
            )
        named = [m for m in matches if str(m).casefold() == typed.casefold()]
        if named:
            return named[0]
        if len(matches) > 1:
            names = ", ".join(f"{m} ({m.slug})" for m in matches[:AMBIGUOUS_SHOWN])
            more = " and others" if len(matches) > AMBIGUOUS_SHOWN else ""
            raise forms.ValidationError(
                "“%(shown)s” names several %(plural)s: %(names)s%(more)s. "
                "Type the slug of the one you mean.",
                code="ambiguous",
                params={"shown": shown, "plural": plural, "names": names, "more": more},
            )
        return matches[0]

    def prepare_value(self, value):
        """The entry behind a value this field resolved (the box shows its name), else the
        value as sent."""
        return self.resolved.get(value) or value


class PublishedLookupFilter(django_filters.Filter):
    """A FilterSet's choice of one published `model` entry typed as its slug or name
    (`PublishedLookupField`): for lists that grow with the data."""

    field_class = PublishedLookupField

    def __init__(self, model, lookup, **kwargs):
        super().__init__(model=model, lookup=lookup, **kwargs)
