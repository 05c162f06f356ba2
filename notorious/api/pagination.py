from django.core.paginator import Paginator
from rest_framework.pagination import PageNumberPagination


class Pagination(PageNumberPagination):
    """Pages of 50 by default; `?page_size=` up to 200 for clients that want fewer requests."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


class FromEitherEndPaginator(Paginator):
    """Reads a page past the middle of a list from its end, in the reverse order, then puts
    it back: the database reads and drops every row an OFFSET skips, so the last page of
    100,000 cost as much as sorting them all. The list's order must be total (end in a
    unique key), so that its reverse is its mirror image."""

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
    """`Pagination`, reading pages past the middle from the end (`FromEitherEndPaginator`)."""

    django_paginator_class = FromEitherEndPaginator
