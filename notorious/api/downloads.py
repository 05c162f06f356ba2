"""CSV and JSON downloads of the site's list pages: `?format=csv` or `?format=json`.

A download holds every entry the page's filters select (all pages of it, in the page's
order), each as the API shows it (the API's serializers), so the page, its downloads and
`/api/` agree. Bad filters give a 400 with the same messages as the page.
"""

import copy
import csv
import io
import json

from django.http import HttpResponse

from notorious.reports.models import Report

FORMATS = ("csv", "json")
LIST_SEPARATOR = "; "


def csv_cell(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return LIST_SEPARATOR.join(str(item) for item in value)
    return str(value)


def render_csv(rows, fields):
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(fields)
    for row in rows:
        writer.writerow([csv_cell(row[field]) for field in fields])
    return buffer.getvalue()


def download_response(rows, fields, filename, fmt):
    """A CSV or JSON attachment of serialized `rows` (dicts with the keys `fields`)."""
    if fmt == "csv":
        # A byte-order mark, so spreadsheet programs read 淘宝 as UTF-8, not as mojibake.
        body = "\ufeff" + render_csv(rows, fields)
        content_type = "text/csv; charset=utf-8"
    else:
        body = json.dumps({"count": len(rows), "results": rows}, ensure_ascii=False, indent=2)
        content_type = "application/json"
    response = HttpResponse(body.encode("utf-8"), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response


def problem_response(problems):
    text = "The download was not made:\n" + "\n".join(f"- {problem}" for problem in problems)
    return HttpResponse(text + "\n", status=400, content_type="text/plain; charset=utf-8")


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
        viewset = self.download_viewset
        context = {
            "request": without_format(request),
            "edition_years": Report.objects.edition_years(),
        }
        serializer = viewset.serializer_class(entries, many=True, context=context)
        fields = list(serializer.child.fields)
        return download_response(serializer.data, fields, self.get_download_filename(), fmt)

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
