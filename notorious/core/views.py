"""Views shared by every app."""

from django.http import HttpResponse
from django.urls import reverse
from django.views.generic import DetailView, TemplateView, View

from notorious import search
from notorious.api.downloads import SearchDownloadMixin


class PublishedDetailView(DetailView):
    """A detail page readers see once published; staff may preview drafts (others get a 404)."""

    def get_queryset(self):
        return super().get_queryset().visible_to(self.request.user)


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
            max_query_length=search.MAX_QUERY_LENGTH,
            results_per_group=search.RESULTS_PER_GROUP,
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
            f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}",
            "",
        ]
        return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
