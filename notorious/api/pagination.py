from functools import partial

from django.core.paginator import Paginator
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination


class Pagination(PageNumberPagination):
    """Pages of 50 by default; `?page_size=` up to 200 for clients that want fewer requests."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200

    def get_page_size(self, request):
        """The page size asked for, at most `max_page_size`; one that is not a whole number
        of at least 1 is a 400 (DRF would quietly give the default), as the schema says."""
        value = request.query_params.get(self.page_size_query_param, "")
        if value == "":  # not asked, or an empty form field: the default
            return self.page_size
        if not value.isascii() or not value.isdigit() or int(value) < 1:
            raise ValidationError({self.page_size_query_param: ["A whole number from 1."]})
        return min(int(value), self.max_page_size)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["schema"]["minimum"] = 1
            parameter["allowEmptyValue"] = True  # an empty page is the first, as no page
            if parameter["name"] == self.page_query_param:
                parameter["schema"] = {"anyOf": [parameter["schema"], {"enum": ["last"]}]}
                parameter["description"] = "A page number from 1, or `last`."
            if parameter["name"] == self.page_size_query_param:
                parameter["description"] = (
                    f"Results per page: {self.page_size} unless asked, {self.max_page_size} "
                    "at most (a larger number gives that many)."
                )
        return parameters


class FromEitherEndPaginator(Paginator):
    """Reads a page past the middle of a list from its end, in the reverse order, then puts
    it back: the database reads and drops every row an OFFSET skips, so the last page of
    100,000 cost as much as sorting them all. The list's order must be total (end in a
    unique key), so that its reverse is its mirror image."""

    def __init__(self, *args, count=None, **kwargs):
        super().__init__(*args, **kwargs)
        if count is not None:  # the list's size, known without counting it
            self.count = count

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        if bottom <= self.count // 2:
            return super().page(number)
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        rows = list(self.object_list.reverse()[self.count - top : self.count - bottom])
        return self._get_page(rows[::-1], number, self)


class FromEitherEndPagination(Pagination):
    """`Pagination`, reading pages past the middle from the end (`FromEitherEndPaginator`),
    of a list whose size the view may know without counting it (`known_count`)."""

    def paginate_queryset(self, queryset, request, view=None):
        known_count = getattr(view, "known_count", None)
        count = known_count() if known_count is not None else None
        self.django_paginator_class = partial(FromEitherEndPaginator, count=count)
        return super().paginate_queryset(queryset, request, view)
