"""CSV and JSON downloads of the site's list pages: `?format=csv` or `?format=json`.

A download holds every entry the page's filters select (all pages of it, in the page's
order), each as the API shows it (the API's serializers), so the page, its downloads and
`/api/` agree: statuses with their `confirmed` flags, editions with each section's
completeness. Bad filters give a 400 with the same messages as the page.

A CSV row is flat: a nested object (an edition's sections) spreads over dotted columns
(`sections.online.complete`), and a market's timeline is one cell, "2019: New; 2020: First
entered; 2021: Not entered", in the pages' words (which say whether a status is confirmed).
"""

import copy
import csv
import io
import json

from django.http import HttpResponse
from django.utils.text import slugify
from rest_framework import serializers

from notorious import search
from notorious.api import views as api
from notorious.core.spreadsheet import escape_cell
from notorious.reports.models import Report

FORMATS = ("csv", "json")
LIST_SEPARATOR = "; "


def csv_cell(value):
    """`value` as a CSV cell, escaped so a spreadsheet never runs it as a formula."""
    return escape_cell(plain_cell(value))


def plain_cell(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return LIST_SEPARATOR.join(csv_item(item) for item in value)
    return str(value)


def csv_item(item):
    """One item of a list cell; a timeline year (a dict) as "2020: First entered"."""
    if isinstance(item, dict):
        return f"{item['year']}: {item['label']}"
    return str(item)


def csv_columns(fields, prefix=""):
    """The CSV columns for a serializer's `fields`: a nested object spreads over dotted
    columns (`sections.online.stated`), so the header is the same with or without rows."""
    columns = []
    for name, field in fields.items():
        if isinstance(field, serializers.Serializer):
            columns += csv_columns(field.fields, f"{prefix}{name}.")
        else:
            columns.append(f"{prefix}{name}")
    return columns


def column_value(row, column):
    for key in column.split("."):
        row = row[key]
    return row


def render_csv(rows, columns):
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([csv_cell(column_value(row, column)) for column in columns])
    return buffer.getvalue()


def download_response(rows, columns, filename, fmt):
    """A CSV or JSON attachment of serialized `rows` (with the CSV `columns`)."""
    if fmt != "csv":
        return json_response({"count": len(rows), "results": rows}, filename)
    # A byte-order mark, so spreadsheet programs read 淘宝 as UTF-8, not as mojibake.
    body = "\ufeff" + render_csv(rows, columns)
    response = HttpResponse(body.encode("utf-8"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def json_response(data, filename):
    """A JSON attachment of `data` (any JSON-ready structure)."""
    body = json.dumps(data, ensure_ascii=False, indent=2)
    response = HttpResponse(body.encode("utf-8"), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="{filename}.json"'
    return response


def problem_response(problems):
    text = "The download was not made:\n" + "\n".join(f"- {problem}" for problem in problems)
    return HttpResponse(text + "\n", status=400, content_type="text/plain; charset=utf-8")


def serialize(viewset, entries, request):
    """`entries` as the API's `viewset` shows them: (rows as dicts, CSV columns)."""
    context = {
        "request": without_format(request),
        "edition_record": Report.objects.edition_record(),
    }
    serializer = viewset.serializer_class(entries, many=True, context=context)
    return serializer.data, csv_columns(serializer.child.fields)


def in_order(viewset, pks):
    """The entries with primary keys `pks`, from the API's queryset (published only, with
    its prefetches), in the order of `pks`."""
    found = viewset().get_queryset().in_bulk(pks)
    return [found[pk] for pk in pks if pk in found]


def without_format(request):
    """The request minus `?format=`, which DRF would otherwise copy into every API link."""
    plain = copy.copy(request)
    plain.GET = request.GET.copy()
    plain.GET.pop("format", None)
    return plain


class DownloadMixin:
    """Adds `?format=csv` / `?format=json` to a list view (put it first among the bases).

    `download_viewset` is the API viewset whose serializer and queryset (with its
    prefetches) render the entries; `download_filename` names the file. By default the
    entries are what `get_queryset()` selects (for a `FilteredListView`, after its
    filters), in its order; override `get_download_entries` for anything else.
    """

    download_viewset = None
    download_filename = "notorious"

    def get(self, request, *args, **kwargs):
        fmt = request.GET.get("format")
        if fmt is None:
            return super().get(request, *args, **kwargs)
        if fmt not in FORMATS:
            return problem_response([f"Unknown format “{fmt}”: use csv or json."])
        entries = self.get_download_entries()
        problems = getattr(self, "filter_problems", ())
        if problems:
            return problem_response(problems)
        rows, columns = serialize(self.download_viewset, entries, request)
        return download_response(rows, columns, self.get_download_filename(), fmt)

    def get_download_filename(self):
        return self.download_filename

    def get_download_source(self):
        """The API's queryset for these entries: published only, with its prefetches."""
        return self.download_viewset().get_queryset()

    def get_download_entries(self):
        selected = self.get_queryset()
        if getattr(self, "filter_problems", ()):
            return []
        # dict.fromkeys: the page's order, without the repeats a join can bring.
        order = list(dict.fromkeys(selected.prefetch_related(None).values_list("pk", flat=True)))
        found = self.get_download_source().in_bulk(order)
        return [found[pk] for pk in order if pk in found]


class SearchDownloadMixin:
    """`/search/?q=…&format=json` (all three groups) or `&format=csv|json&group=companies|
    markets|coverage` (one group): every match, in the results page's order, as the API
    shows each entry. A CSV holds one kind of entry, so it needs a group."""

    search_groups = {
        # group -> (SearchSelection attribute, API viewset name)
        "companies": ("company_ids", "CompanyViewSet"),
        "markets": ("market_ids", "MarketViewSet"),
        "coverage": ("article_ids", "ArticleViewSet"),
    }

    def get(self, request, *args, **kwargs):
        fmt = request.GET.get("format")
        if fmt is None:
            return super().get(request, *args, **kwargs)
        group = request.GET.get("group")
        problems = []
        if fmt not in FORMATS:
            problems.append(f"Unknown format “{fmt[:20]}”: use csv or json.")
        if group is not None and group not in self.search_groups:
            problems.append(f"Unknown group “{group[:20]}”: use companies, markets or coverage.")
        elif group is None and fmt == "csv":
            problems.append(
                "A CSV file holds one kind of entry: add group=companies, group=markets or "
                "group=coverage (or download JSON, which holds all three)."
            )
        selection = None
        if not problems:
            selection = search.search_selection(request.GET.get("q", ""))
            if not selection.query:
                problems.append(selection.message or "Nothing was searched for: add q=…")
        if problems:
            return problem_response(problems)

        def rows_of(name):
            attribute, viewset_name = self.search_groups[name]
            viewset = getattr(api, viewset_name)
            return serialize(viewset, in_order(viewset, getattr(selection, attribute)), request)

        filename = "-".join(
            part for part in ("notorious-search", slugify(selection.query)[:40], group) if part
        )
        if group is not None:
            rows, columns = rows_of(group)
            return download_response(rows, columns, filename, fmt)
        body = {"query": selection.query}
        for name in self.search_groups:
            rows, _ = rows_of(name)
            body[name] = {"count": len(rows), "results": rows}
        return json_response(body, filename)
