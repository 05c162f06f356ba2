from django.core.paginator import Paginator
from django.http import Http404
from django.urls import reverse
from django.utils.http import urlencode
from django.views.generic import ListView, TemplateView

from notorious.api import views as api
from notorious.api.downloads import DownloadMixin
from notorious.core.paging import (
    SHORTLIST_LENGTH,
    InvalidPage,
    Shortlist,
    coverage_url,
    page_problem,
    requested_page,
)
from notorious.core.sharing import normalised_query, with_query
from notorious.core.views import PublishedDetailView
from notorious.markets.history import history_of_listings
from notorious.press.edition_article_count import stored_count
from notorious.press.models import Article

from .change_sets import GROUPS
from .changes import compare_editions, edition_turns
from .forms import CompareEditionsForm
from .models import Listing, Report

# An edition's page shows this many listings of each section at a time (`?page=`): with
# both sections, a page of 50 rows, each with its reasons rendered from Markdown.
LISTINGS_PER_PAGE = 25
# What an edition's rows do not show of each listing's market and its operator.
UNSHOWN_FIELDS = [
    f"{prefix}{name}"
    for prefix in ("market__", "market__operator__")
    for name in ("description", "search_vector", "aliases", "created_at", "updated_at")
]
# A group of changes a page, when the changes pages show one group (`?group=`).
CHANGES_PER_PAGE = 100


def cell_of(listing, year, record, listed):
    """What may be said of the listing's market in `year`, its edition (`listed`: the page's
    markets' `ListingQuerySet.listed_years`)."""
    market = listing.market
    return history_of_listings(record, market.kind, listed.get(market.pk, [])).cell_in(year)


class ReportListView(DownloadMixin, ListView):
    """`/reports/`: every published edition, with stated and entered counts."""

    model = Report
    template_name = "reports/report_list.html"
    download_viewset = api.ReportViewSet
    download_filename = "notorious-reports"

    def get_queryset(self):
        return Report.objects.published().with_entered_counts().order_by("-year")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # Newest first, with a row for each year between editions that has none on record.
        by_year = {report.year: report for report in context["object_list"]}
        years = range(max(by_year), min(by_year) - 1, -1) if by_year else ()
        context["rows"] = [(year, by_year.get(year)) for year in years]
        return context


class ReportDetailView(DownloadMixin, PublishedDetailView):
    """`/reports/<year>/`: an edition's sections, what it added and dropped, its coverage."""

    model = Report
    slug_field = "year"
    slug_url_kwarg = "year"
    download_viewset = api.ListingViewSet
    page_problems = ()

    def get_download_filename(self):
        return f"notorious-{self.kwargs['year']}-listings"

    def get_download_entries(self):
        """The edition's published listings (a draft edition is a 404 for readers)."""
        return self.get_download_source().filter(report=self.get_object())

    def get_queryset(self):
        # The count of its coverage as stored (None for an edition without a row yet).
        return super().get_queryset().with_entered_counts().annotate(coverage_count=stored_count())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        report = self.object
        record = Report.objects.edition_record()
        context.update(
            self.listing_pages(report, record),
            # A draft edition is not on the readers' record: its changes wait until it is.
            turns=edition_turns(report, record) if report.is_published else None,
            previous_edition=report.previous_edition(record),
            next_edition=report.next_edition(record),
            coverage=self.coverage(report),
            figures=report.figures.published().for_lists(),
            # The editions chart draws from the same record, not a second read of it.
            record=record,
            # Each page of the sections' listings is a page of its own.
            canonical_path=with_query(
                report.get_absolute_url(), normalised_query(self.request.GET, ["page"])
            ),
        )
        return context

    @staticmethod
    def coverage(report):
        """The edition's newest published articles (SHORTLIST_LENGTH of them) and how many
        it has: the count as stored (`press.edition_article_count`), counted only for an
        edition without one. The page's ids are taken first, from the indexes alone
        (article_newest_first and the link table's): walking the index reading whole
        article rows until 50 are linked cost 17 ms at 10,000 articles an edition, the
        ids 5 ms, and the 50 articles then one lookup by id."""
        articles = report.articles.published().newest_first()
        ids = list(articles.values_list("pk", flat=True)[:SHORTLIST_LENGTH])
        count = report.coverage_count
        if count is None and len(ids) == SHORTLIST_LENGTH:
            count = articles.count()
        shown = (
            Article.objects.filter(pk__in=ids)
            .newest_first()
            .select_related("outlet", "republishes")
        )
        return Shortlist(shown, coverage_url(report=report.year), count=count)

    def listing_pages(self, report, record):
        """Page `?page=` of each section's listings, LISTINGS_PER_PAGE a page: the nth page
        of both sections at once, so the page count is the longer section's. The counts
        and completeness come from `with_entered_counts` (SQL), not from the page."""
        paginator = Paginator(
            range(max(section.entered for section in report.sections)), LISTINGS_PER_PAGE
        )
        raw = self.request.GET.get("page")
        try:
            page = requested_page(paginator, raw)
        except InvalidPage:
            # Said on the page (with a 400), which shows the first page instead.
            self.page_problems = [page_problem(raw, paginator)]
            page = paginator.page(1)
        start = (page.number - 1) * LISTINGS_PER_PAGE
        sections = []
        rows_of_sections = self.section_rows(report, record, start)
        for section, rows in zip(report.sections, rows_of_sections, strict=True):
            shown = (start + 1, start + len(rows)) if rows else None
            sections.append((section, rows, shown))
        return {
            "sections": sections,
            "page_obj": page,
            "paginator": paginator,
            "is_paginated": paginator.num_pages > 1,
            "page_problems": self.page_problems,
        }

    @staticmethod
    def section_rows(report, record, start):
        """For each section of `report`, its listings from `start` (LISTINGS_PER_PAGE of
        them, by market name), each with its market's cell in the edition. The page's ids
        are taken first on narrow rows, so only the shown listings are read in full; their
        markets' histories come from one query of their listings' years."""
        listings = report.listings.published(of="report").order_by("market__name", "market__pk")
        end = start + LISTINGS_PER_PAGE
        pages = [
            list(listings.filter(section=section.section).values_list("pk", flat=True)[start:end])
            for section in report.sections
        ]
        shown = (
            report.listings.filter(pk__in=[pk for ids in pages for pk in ids])
            .select_related("market__operator")
            .defer(*UNSHOWN_FIELDS)
            .in_bulk()
        )
        markets = [listing.market_id for listing in shown.values()]
        listed = Listing.objects.for_histories().filter(market__in=markets).listed_years()
        return [
            [(shown[pk], cell_of(shown[pk], report.year, record, listed)) for pk in ids]
            for ids in pages
        ]

    def render_to_response(self, context, **response_kwargs):
        if self.page_problems:
            response_kwargs["status"] = 400
        return super().render_to_response(context, **response_kwargs)


class ChangeGroupMixin:
    """The changes pages' bound: each group's first CHANGES_SHOWN changes with its count,
    or with `?group=<name>` that one group, CHANGES_PER_PAGE a page (`?page=`)."""

    page_problems = ()

    def get_context_data(self, **kwargs):
        return super().get_context_data(changes_per_page=CHANGES_PER_PAGE, **kwargs)

    def read_changes(self, compare, *args):
        """`compare(*args, shown=..., more_url=...)` (`compare_editions`), bounded as the
        query string asks; problems with `?group=` or `?page=` go in `self.page_problems`."""
        name = self.request.GET.get("group")
        self.page_problems = []
        if name is not None and name not in GROUPS:
            self.page_problems.append(
                f"There is no group “{name[:20]}”: the groups are {', '.join(GROUPS)}."
            )
        if name not in GROUPS:
            return compare(*args, more_url=self.group_url), None
        changes = compare(*args, shown=0)
        listings = changes.sets.listings(name, changes.groups[name].count)
        paginator = Paginator(listings, CHANGES_PER_PAGE, allow_empty_first_page=True)
        raw = self.request.GET.get("page")
        try:
            page = requested_page(paginator, raw)
        except InvalidPage:
            self.page_problems.append(f"{page_problem(raw, paginator)} The first page is shown.")
            page = paginator.page(1)
        group = changes.groups[name]
        group.entries = changes.sets.changes(name, page.object_list)
        return changes, {
            "group": group,
            "page_obj": page,
            "paginator": paginator,
            "is_paginated": paginator.num_pages > 1,
            "shown": (page.start_index(), page.end_index()),
        }

    def canonical_path(self, path, pairs=()):
        """One address for one changes page: `path` with `pairs` (the compared years) and,
        when a group is shown, its name and page; other parameters are dropped."""
        group = self.request.GET.get("group") in GROUPS
        extra = normalised_query(self.request.GET, ["group", "page"]) if group else ""
        return with_query(path, "&".join(filter(None, [urlencode(list(pairs)), extra])))

    def group_url(self, name):
        query = self.request.GET.copy()
        query.pop("page", None)
        query["group"] = name
        return f"{self.request.path}?{query.urlencode()}"


class EditionChangesView(ChangeGroupMixin, TemplateView):
    """`/reports/<year>/changes/`: what the edition changed since the previous published one."""

    template_name = "reports/changes.html"

    def get(self, request, *args, **kwargs):
        # The published editions as the record holds them: one read of them, not two.
        record = Report.objects.edition_record()
        editions = list(record.editions)
        by_year = {report.year: report for report in editions}
        report = by_year.get(kwargs["year"])
        if report is None:
            raise Http404("No published edition reviews that year.")
        earlier = [edition for edition in editions if edition.year < report.year]
        previous = earlier[-1] if earlier else None
        query = {"to": str(report.year), "from": str(previous.year) if previous else ""}
        changes, group = None, None
        if previous:
            changes, group = self.read_changes(compare_editions, previous, report, record)
        context = self.get_context_data(
            report=report,
            changes=changes,
            group_page=group,
            page_problems=self.page_problems,
            form=CompareEditionsForm(query, editions),
            edition_count=len(editions),
            canonical_path=self.canonical_path(request.path),
        )
        return self.render_to_response(context, status=400 if self.page_problems else 200)


class CompareEditionsView(ChangeGroupMixin, TemplateView):
    """`/compare/?from=<year>&to=<year>`: what changed between any two published editions."""

    template_name = "reports/changes.html"

    def get(self, request, *args, **kwargs):
        # The published editions as the record holds them: one read of them, not two.
        record = Report.objects.edition_record()
        editions = list(record.editions)
        form = CompareEditionsForm(request.GET, editions)
        changes, group, swap_url = None, None, None
        problems, canonical = [], request.path
        if len(editions) < 2:
            pass  # the page says why there is nothing to compare
        elif form.is_valid():
            earlier, later = form.reports()
            changes, group = self.read_changes(compare_editions, earlier, later, record)
            problems = self.page_problems
            # An edition compared with the one before it is its changes page: one canonical.
            previous = [edition for edition in editions if edition.year < later.year][-1]
            if previous.pk == earlier.pk:
                canonical = self.canonical_path(reverse("reports:changes", args=[later.year]))
            else:
                pairs = [("from", earlier.year), ("to", later.year)]
                canonical = self.canonical_path(request.path, pairs)
        else:
            problems = _problems(form)
            if form.reversed_order:
                swap_url = (
                    reverse("compare")
                    + "?"
                    + urlencode({"from": form.cleaned_data["to"], "to": form.cleaned_data["from"]})
                )
        context = self.get_context_data(
            changes=changes,
            group_page=group,
            form=form,
            edition_count=len(editions),
            swap_url=swap_url,
            canonical_path=canonical,
            form_problems=problems if changes is None else [],
            page_problems=problems if changes is not None else [],
        )
        return self.render_to_response(context, status=400 if problems else 200)


def _problems(form):
    problems = list(form.non_field_errors())
    for name, errors in form.errors.items():
        if name != "__all__":
            problems += [f"{form.fields[name].label}: {error}" for error in errors]
    return problems
