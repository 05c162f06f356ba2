"""Choosing one published entry by the name readers know it by, in a query string:
`/markets/?company=alibaba-group`, `/api/articles/?report=2021`, `/timeline/?market=taobao`.

The choices are the published entries and nothing else, and the value sent is matched
against their slugs (an edition's: the year it reviews). So a draft's slug is refused
exactly as a misspelt one is: the form is invalid, and the list page, its download and the
timeline answer 400 with a message saying so, the API a 400 naming the parameter. A list
is never silently left unfiltered, or silently emptied, by a name it does not know.
"""

import django_filters
from django import forms


class PublishedChoiceFilter(django_filters.ModelChoiceFilter):
    """A FilterSet's choice of one published `model` entry, by slug (or `to_field_name`)."""

    def __init__(self, model, to_field_name="slug", **kwargs):
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
