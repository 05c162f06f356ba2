"""`/timeline/` (one row per edition) and `/timeline/events/` (every event, a page at a
time, or all of them as CSV)."""

from django.core.paginator import Paginator
from django.views.generic import TemplateView

from notorious.api.download_pages import DownloadPage, PageProblem
from notorious.api.downloads import download_response, problem_response
from notorious.core.filters import applied_filters, filter_problems
from notorious.core.paging import InvalidPage, page_problem, requested_page
from notorious.core.sharing import absolute_url, normalised_query, with_query

from .forms import TimelineFilterForm
from .timeline import build_timeline, with_articles
from .timeline_editions import edition_rows

# The timeline's events a page, and the undated articles its last page lists.
EVENTS_PER_PAGE = 200
UNDATED_SHOWN = 50


class TimelineView(TemplateView):
    """`/timeline/`: one row per edition (its date, listings, turns and that month's
    coverage), each opening to its details; filterable like the full list of events."""

    template_name = "reports/timeline_editions.html"

    def get(self, request, *args, **kwargs):
        form = TimelineFilterForm(request.GET)
        problems = filter_problems(form)
        rows = edition_rows(**form.timeline_arguments()) if form.is_valid() else None
        context = self.get_context_data(
            form=form,
            edition_rows=rows,
            filtered=any(request.GET.get(name) for name in form.fields),
            filter_problems=problems,
            canonical_path=with_query(request.path, normalised_query(request.GET, form.fields)),
            applied_filters=applied_filters(form),
        )
        return self.render_to_response(context, status=400 if problems else 200)


class TimelineEventsView(TemplateView):
    """`/timeline/events/`: every event (editions, markets' turns and coverage) in date
    order, a page at a time, filterable: the facts behind `/timeline/`'s rows."""

    template_name = "reports/timeline.html"

    def get(self, request, *args, **kwargs):
        form = TimelineFilterForm(request.GET)
        problems = filter_problems(form)
        if "format" in request.GET:
            return self.download(request, form, problems)
        context = {"form": form, "timeline": None}
        if form.is_valid():
            timeline = build_timeline(**form.timeline_arguments())
            paginator = Paginator(timeline.events, EVENTS_PER_PAGE, allow_empty_first_page=True)
            raw = request.GET.get("page")
            try:
                page = requested_page(paginator, raw)
            except InvalidPage:
                problems.append(page_problem(raw, paginator))
            else:
                context.update(self.page_context(timeline, paginator, page))
        context = self.get_context_data(
            **context,
            filtered=any(request.GET.get(name) for name in form.fields),
            filter_problems=problems,
            canonical_path=with_query(
                request.path, normalised_query(request.GET, [*form.fields, "page"])
            ),
            applied_filters=applied_filters(form),
        )
        return self.render_to_response(context, status=400 if problems else 200)

    def download(self, request, form, problems):
        """`?format=csv`: every dated event the filters select, in order, as CSV (a page
        of DOWNLOAD_MAX_ROWS at a time, `?page=`), read TIMELINE_CSV_CHUNK events a query."""
        fmt = request.GET["format"]
        if fmt != "csv":
            problems.append(f"Unknown format “{fmt[:20]}”: use csv.")
        if problems:
            return problem_response(problems)
        events = build_timeline(**form.timeline_arguments()).events
        try:
            page = DownloadPage.from_request(request, len(events))
        except PageProblem as problem:
            return problem_response([str(problem)])
        rows = (
            timeline_row(event, request)
            for start in range(page.start, page.end, TIMELINE_CSV_CHUNK)
            for event in with_articles(events[start : min(start + TIMELINE_CSV_CHUNK, page.end)])
        )
        return download_response(rows, TIMELINE_COLUMNS, "notorious-timeline", "csv", page)

    def page_context(self, timeline, paginator, page):
        """One page of events (their articles fetched), and on the last page the coverage
        with no date, the first UNDATED_SHOWN of it."""
        last = not page.has_next()
        undated = timeline.undated_articles
        return {
            "timeline": timeline,
            "events": with_articles(page.object_list),
            "page_obj": page,
            "paginator": paginator,
            "is_paginated": paginator.num_pages > 1,
            "undated_articles": undated[:UNDATED_SHOWN] if last else (),
            "undated_count": undated.count() if last else 0,
        }


TIMELINE_CSV_CHUNK = 1000
TIMELINE_COLUMNS = [
    "date",
    "date_recorded",
    "event",
    "confirmed",
    "edition",
    "market",
    "market_url",
    "article",
    "article_url",
    "note",
]


def timeline_row(event, request):
    """One event of the timeline's CSV: what the page's line says, cell by cell."""
    url = absolute_url
    return {
        "date": event.date.isoformat() if event.date_known else "",
        "date_recorded": "yes" if event.date_known else "no",
        "event": event.label,
        "confirmed": "yes" if event.confirmed else "no",
        "edition": event.report.year if event.report else (event.year or ""),
        "market": event.market.name if event.market else "",
        "market_url": url(event.market.get_absolute_url()) if event.market else "",
        "article": event.article.headline if event.article else "",
        "article_url": url(event.article.get_absolute_url()) if event.article else "",
        "note": event.note,
    }
