"""The site's own pages, which belong to no one app: home, search and robots.txt."""

from django.http import HttpResponse, HttpResponseRedirect
from django.templatetags.static import static
from django.urls import reverse
from django.views.generic import TemplateView, View

from notorious import search, search_text
from notorious.api.downloads import SearchDownloadMixin
from notorious.core.sharing import absolute_url
from notorious.press.models import Article
from notorious.reports.changes import edition_turns
from notorious.reports.models import Report

HOME_COVERAGE = 5
# How many markets of each group of the latest edition's turns the home page names: a
# glance, each group's count and a link to all of it with their reasons (the edition's
# changes page), not the edition page's longer lists.
HOME_TURNS_SHOWN = 10


class HomeView(TemplateView):
    """The latest edition at a glance: what it added and dropped, and the latest coverage."""

    template_name = "core/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # One query for both: the record holds the editions, counts and all.
        record = Report.objects.edition_record()
        latest = record.latest_edition
        if latest:
            context["turns"] = edition_turns(latest, record, shown=HOME_TURNS_SHOWN)
        context.update(
            record=record,
            latest=latest,
            latest_coverage=Article.objects.published()
            .newest_first()
            .select_related("outlet", "republishes")[:HOME_COVERAGE],
            edition_count=len(record.years),
        )
        return context


class SearchView(SearchDownloadMixin, TemplateView):
    """`/search/?q=`: companies, the markets they run, markets and coverage (see `search`);
    `&format=csv|json` downloads every match (see `SearchDownloadMixin`)."""

    template_name = "search/results.html"

    def get_context_data(self, **kwargs):
        raw_query = self.request.GET.get("q", "")
        results = search.search(raw_query)
        return super().get_context_data(
            results=results,
            # The header's search box shows what was searched (cleaned, so a NUL byte or
            # a 10,000-character paste is not echoed back).
            search_query=results.query,
            asked=bool(raw_query.strip()),
            max_query_length=search_text.MAX_QUERY_LENGTH,
            results_per_group=search.RESULTS_PER_GROUP,
            strips_shown=search.STRIPS_SHOWN,
            markets_shown=search.MARKETS_SHOWN,
            **kwargs,
        )


class RobotsTxtView(View):
    """`/robots.txt`: crawlers keep out of the admin and of search results (an endless
    space of pages that only repeat the entries); the sitemap lists everything else."""

    def get(self, request):
        lines = [
            "User-agent: *",
            f"Disallow: {reverse('admin:index')}",
            f"Disallow: {reverse('search')}",
            "",
            f"Sitemap: {absolute_url(reverse('sitemap'))}",
            "",
        ]
        return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")


def favicon(request):
    """`/favicon.ico`, which browsers and crawlers ask for whatever the page links: the SVG
    icon's address (hashed, so looked up per request rather than at import)."""
    return HttpResponseRedirect(static("favicon.svg"))
