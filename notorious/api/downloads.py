"""CSV and JSON downloads of the site's list pages: `?format=csv` or `?format=json`.

A download holds the entries the page's filters select (in the page's order), each as the
API shows it (the API's serializers), so the page, its downloads and `/api/` agree:
statuses with their `confirmed` flags, editions with each section's completeness. Bad
filters give a 400 with the same messages as the page.

Every download is bounded: at most `settings.DOWNLOAD_MAX_ROWS` rows a file, the rest on
further pages (`?page=2`, see `DownloadPage`), and streamed, rows fetched and serialized
CHUNK_ROWS at a time, so neither the server's memory nor one request's work grows with the
dataset. A partial file says so: the JSON envelope holds the total `count`, `page`, `pages`,
the `cap` and the `next` page's address; a CSV cannot carry such lines without breaking
parsers, so its file name says "page-2-of-3" and its headers carry `X-Total-Count` and
`Link: <…>; rel="next"`. The whole dataset is `manage.py export_dataset` (docs/api.md).

A CSV row is flat: a nested object (an edition's sections) spreads over dotted columns
(`sections.online.complete`), and a market's timeline is one cell, "2019: New; 2020: First
entered; 2021: Not entered", in the pages' words (which say whether a status is confirmed).
"""

import copy
import csv
import io
import json

from django.http import HttpResponse, StreamingHttpResponse
from django.utils.text import slugify
from rest_framework import serializers

from notorious import search
from notorious.api import views as api
from notorious.api.download_pages import DownloadPage, PageProblem
from notorious.core.spreadsheet import escape_cell
from notorious.reports.models import Report

FORMATS = ("csv", "json")
LIST_SEPARATOR = "; "
# Rows fetched, serialized and written at a time: what a download holds in memory.
CHUNK_ROWS = 500


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


def csv_text(lines):
    """`lines` (lists of cells) as CSV text."""
    buffer = io.StringIO(newline="")
    csv.writer(buffer).writerows(lines)
    return buffer.getvalue()


def csv_chunks(rows, columns):
    """The CSV file of serialized `rows`, piece by piece: a byte-order mark (so spreadsheet
    programs read 淘宝 as UTF-8, not as mojibake) and the header, then CHUNK_ROWS rows at a
    time, every cell escaped."""
    yield "\ufeff" + csv_text([columns])
    batch = []
    for row in rows:
        batch.append([csv_cell(column_value(row, column)) for column in columns])
        if len(batch) == CHUNK_ROWS:
            yield csv_text(batch)
            batch = []
    yield csv_text(batch)


def json_chunks(value, indent="\n"):
    """`value` as JSON, piece by piece: a dict as an object, an iterator (serialized rows
    being fetched) as an array written item by item, anything else as it is."""
    deeper = indent + "  "
    if isinstance(value, dict):
        yield "{"
        for index, (key, item) in enumerate(value.items()):
            yield f"{',' if index else ''}{deeper}{json.dumps(key)}: "
            yield from json_chunks(item, deeper)
        yield indent + "}"
    elif hasattr(value, "__next__"):
        yield "["
        for index, item in enumerate(value):
            yield f"{',' if index else ''}{deeper}{json.dumps(item, ensure_ascii=False)}"
        yield indent + "]"
    else:
        yield json.dumps(value, ensure_ascii=False)


def streamed(chunks, content_type, filename):
    """A streamed attachment named `filename` of the text `chunks`."""
    response = StreamingHttpResponse(
        (chunk.encode("utf-8") for chunk in chunks), content_type=content_type
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def download_response(rows, columns, filename, fmt, page):
    """A streamed CSV or JSON attachment of one page of serialized `rows` (an iterator);
    the file, its name and its headers say which part of the whole it is."""
    if fmt == "csv":
        response = streamed(
            csv_chunks(rows, columns), "text/csv; charset=utf-8", page.filename(filename, "csv")
        )
    else:
        response = streamed(
            json_chunks({**page.envelope(), "results": rows}),
            "application/json",
            page.filename(filename, "json"),
        )
    for header, value in page.headers().items():
        response[header] = value
    return response


def problem_response(problems):
    text = "The download was not made:\n" + "\n".join(f"- {problem}" for problem in problems)
    return HttpResponse(text + "\n", status=400, content_type="text/plain; charset=utf-8")


def serializer_context(request):
    """What the API's serializers need, read once per download."""
    return {
        "request": without_format(request),
        "edition_record": Report.objects.edition_record(),
    }


def chunks_in_order(queryset, pks):
    """The entries of `queryset` with primary keys `pks`, in the order of `pks`, as lists of
    at most CHUNK_ROWS read at a time (with the queryset's prefetches), so memory does not
    grow with the number of rows. A key the queryset does not hold is left out."""
    for start in range(0, len(pks), CHUNK_ROWS):
        chunk = pks[start : start + CHUNK_ROWS]
        found = queryset.in_bulk(chunk)
        yield [found[pk] for pk in chunk if pk in found]


def serialized_rows(viewset, pks, context):
    """The entries with primary keys `pks` as the API's `viewset` shows them, in the order
    of `pks`: fetched from the API's queryset (published only, with its prefetches)."""
    for entries in chunks_in_order(viewset().get_queryset(), pks):
        yield from viewset.serializer_class(entries, many=True, context=context).data


def columns_of(viewset, context):
    return csv_columns(viewset.serializer_class(context=context).fields)


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
    filters), in its order; override `get_download_entries` for anything else. `?page=`
    picks a page of the download (DOWNLOAD_MAX_ROWS rows each), not of the HTML list.
    """

    download_viewset = None
    download_filename = "notorious"

    def get(self, request, *args, **kwargs):
        fmt = request.GET.get("format")
        if fmt is None:
            return super().get(request, *args, **kwargs)
        if fmt not in FORMATS:
            return problem_response([f"Unknown format “{fmt[:20]}”: use csv or json."])
        entries = self.get_download_entries()
        problems = getattr(self, "filter_problems", ())
        if problems:
            return problem_response(problems)
        pks = entries.prefetch_related(None).values_list("pk", flat=True)
        try:
            page = DownloadPage.from_request(request, pks.count())
        except PageProblem as problem:
            return problem_response([str(problem)])
        # dict.fromkeys: the page's order, without the repeats a join can bring.
        page_pks = list(dict.fromkeys(pks[page.start : page.end]))
        context = serializer_context(request)
        rows = self.get_download_rows(page_pks, context)
        return download_response(
            rows, self.get_download_columns(context), self.get_download_filename(), fmt, page
        )

    def get_download_rows(self, pks, context):
        """The entries with these keys, in this order, as rows (dicts) of the download."""
        return serialized_rows(self.download_viewset, pks, context)

    def get_download_columns(self, context):
        return columns_of(self.download_viewset, context)

    def get_download_filename(self):
        return self.download_filename

    def get_download_source(self):
        """The API's queryset for these entries: published only, with its prefetches."""
        return self.download_viewset().get_queryset()

    def get_download_entries(self):
        """The entries to download, in order (a queryset; only their keys are read)."""
        selected = self.get_queryset()
        if getattr(self, "filter_problems", ()):
            return selected.none()
        return selected


class SearchDownloadMixin:
    """`/search/?q=…&format=json` (all three groups) or `&format=csv|json&group=companies|
    markets|coverage` (one group): the matches in the results page's order, as the API
    shows each entry, DOWNLOAD_MAX_ROWS a page. A CSV holds one kind of entry, so it needs
    a group; the three-group JSON holds the first page of each group, whose `next` is that
    group's own download."""

    search_groups = {
        # group -> (SearchSelection attribute, API viewset name)
        "companies": ("company_ids", "CompanyViewSet"),
        "markets": ("market_ids", "MarketViewSet"),
        "coverage": ("article_ids", "ArticleViewSet"),
    }

    def download_problems(self, fmt, group):
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
        elif group is None and "page" in self.request.GET:
            problems.append(
                "The three-group download holds the first page of each group: add "
                "group=companies, group=markets or group=coverage to download a further page."
            )
        return problems

    def get(self, request, *args, **kwargs):
        fmt = request.GET.get("format")
        if fmt is None:
            return super().get(request, *args, **kwargs)
        group = request.GET.get("group")
        problems = self.download_problems(fmt, group)
        selection = None
        if not problems:
            selection = search.search_selection(request.GET.get("q", ""))
            if not selection.query:
                problems.append(selection.message or "Nothing was searched for: add q=…")
        if problems:
            return problem_response(problems)
        filename = "-".join(
            part for part in ("notorious-search", slugify(selection.query)[:40], group) if part
        )
        context = serializer_context(request)
        if group is not None:
            pks, viewset = self.group_entries(selection, group)
            try:
                page = DownloadPage.from_request(request, len(pks))
            except PageProblem as problem:
                return problem_response([str(problem)])
            rows = serialized_rows(viewset, pks[page.start : page.end], context)
            return download_response(rows, columns_of(viewset, context), filename, fmt, page)
        body = {"query": selection.query}
        for name in self.search_groups:
            pks, viewset = self.group_entries(selection, name)
            page = DownloadPage(request, len(pks), 1, extra={"group": name})
            rows = serialized_rows(viewset, pks[: page.end], context)
            body[name] = {**page.envelope(), "results": rows}
        return streamed(json_chunks(body), "application/json", f"{filename}.json")

    def group_entries(self, selection, name):
        """One group's matches (primary keys, in rank order) and the API viewset for them."""
        attribute, viewset_name = self.search_groups[name]
        return getattr(selection, attribute), getattr(api, viewset_name)
