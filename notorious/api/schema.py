"""The OpenAPI schema says all the API does, so that a client generated from it, or a tool
testing against it (schemathesis, in tests/test_api_schema.py), meets no surprise:

- every status an operation answers: 200, and the JSON problems (RFC 9457) of
  `notorious.core.errors` for 400 (a list's bad query value), 404, 429 and 503;
- every filter's constraints: the values a choice takes (ISO 3166 codes, languages, the
  published editions' years and outlets' slugs, read from the database when the schema is
  generated), the published slugs a market, company or article filter takes (up to
  `ENUM_LIMIT` of them; past that, the slug pattern), the years' bounds, `page` and
  `page_size` from 1;
- that an empty query value leaves a filter unused (`allowEmptyValue`), as the filter forms
  send it.
"""

from django.db import DatabaseError
from django_filters import filters
from drf_spectacular.contrib.django_filters import DjangoFilterExtension
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers

from notorious.core.errors import PROBLEM_CONTENT_TYPE
from notorious.core.filters import PublishedChoiceFilter, PublishedLookupFilter

# A filter whose published entries are more than this many is described by the slug pattern
# rather than by the list of its values: the schema stays readable at any size.
ENUM_LIMIT = 5000
SLUG_PATTERN = r"^[-a-zA-Z0-9_]+$"
NO_NULL_PATTERN = r"^[^\u0000]*$"

ERRORS = {
    "400": "A query parameter has a value this operation does not take (`errors` names each, "
    "with its messages).",
    "404": "Nothing here: no published entry has this identifier, or the page is past the last.",
    "429": "Too many requests from this client: try again after `Retry-After` seconds.",
    "503": "The database is briefly unavailable: try again after `Retry-After` seconds.",
}


class ProblemSerializer(serializers.Serializer):
    """An error, as RFC 9457 describes it."""

    type = serializers.CharField(help_text='"about:blank": the status says what went wrong.')
    title = serializers.CharField(help_text='The status\'s phrase, e.g. "Not Found".')
    status = serializers.IntegerField(help_text="The HTTP status.")
    detail = serializers.CharField(help_text="What went wrong, for a person to read.")
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="For a 400: each query parameter in error, with its messages.",
    )
    retry_after = serializers.IntegerField(
        required=False, help_text="For a 429: the seconds to wait (as Retry-After)."
    )


class AutoSchema(SpectacularAutoSchema):
    """drf-spectacular's, with the error answers every operation may give."""

    def _resolve_path_parameters(self, variables):
        parameters = super()._resolve_path_parameters(variables)
        for parameter in parameters:
            if parameter["schema"].get("type") == "string":  # a slug, as its URL converter takes
                parameter["schema"]["pattern"] = SLUG_PATTERN
        return parameters

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        statuses = ["400", "404", "429", "503"] if self._is_list_view() else ["404", "429", "503"]
        for status in statuses:
            response = OpenApiResponse(ProblemSerializer, description=ERRORS[status])
            responses[status] = self._get_response_for_code(
                response, status, [PROBLEM_CONTENT_TYPE], direction
            )
        return responses


def from_database(read):
    """`read()`, or nothing where the database cannot be read: the schema is also built where
    there is none (`manage.py check --deploy` at build time), and then gives a filter's type
    and pattern without its values."""
    try:
        return read()
    except DatabaseError:
        return []


def published_values(queryset, field, limit=None):
    """The published entries' identifiers (slugs, or years), sorted; none if more than
    `limit`, or if the database cannot be read."""

    def read():
        if limit is not None and queryset.count() > limit:
            return []
        return sorted(queryset.order_by().values_list(field, flat=True).distinct())

    return from_database(read)


def filter_value_schema(filter_field, schema):
    """The schema of the values `filter_field` takes, its constraints included."""
    if isinstance(filter_field, PublishedChoiceFilter):
        field = filter_field.extra.get("to_field_name", "slug")
        values = published_values(filter_field.queryset(None), field)
        schema = {"type": "integer" if field == "year" else "string"}
    elif isinstance(filter_field, PublishedLookupFilter):
        queryset = filter_field.extra["model"].objects.published()
        values = published_values(queryset, "slug", limit=ENUM_LIMIT)
        schema = {"type": "string", "pattern": SLUG_PATTERN}
    elif isinstance(filter_field, filters.ChoiceFilter) and schema.get("type") != "array":
        choices = from_database(lambda: list(filter_field.field.choices))
        values = [value for value, _label in choices if value not in ("", None)]
        if values and all(str(value).isdigit() for value in values):  # years, as text or not
            values = [int(value) for value in values]
            schema = {"type": "integer"}
        else:
            schema = {"type": "string"}
    elif isinstance(filter_field, filters.CharFilter):
        return {**schema, "pattern": NO_NULL_PATTERN}  # text, which cannot hold a NUL
    elif isinstance(filter_field, filters.NumberFilter) and "min_value" in filter_field.extra:
        return {
            "type": "integer",
            "minimum": filter_field.extra["min_value"],
            "maximum": filter_field.extra["max_value"],
        }
    else:
        return schema
    if values:  # none when nothing is published yet: then the type alone
        schema.pop("pattern", None)
        schema["enum"] = sorted(values, key=str)
    return schema


class FilterParameters(DjangoFilterExtension):
    """drf-spectacular's description of the filters, with their constraints."""

    priority = 1

    def resolve_filter_field(self, auto_schema, model, filterset_class, field_name, filter_field):
        parameters = super().resolve_filter_field(
            auto_schema, model, filterset_class, field_name, filter_field
        )
        for parameter in parameters:
            parameter["schema"] = filter_value_schema(filter_field, parameter["schema"])
            parameter["allowEmptyValue"] = True
        return parameters
