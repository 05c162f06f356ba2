from django.db.models import Count, Prefetch, Q

from notorious.api import views as api
from notorious.api.downloads import DownloadMixin
from notorious.core.paging import Shortlist, coverage_url
from notorious.core.views import FilteredListView, PublishedDetailView
from notorious.markets.models import Market

from .filters import ArticleFilter, OutletFilter
from .models import Article, Outlet


def with_credits(articles):
    """Coverage with what lists show about each piece: outlet, republication credit."""
    return articles.select_related("outlet", "republishes")


class ArticleListView(DownloadMixin, FilteredListView):
    """`/coverage/`: published coverage, newest first, filtered from the URL."""

    model = Article
    filterset_class = ArticleFilter
    paginate_by = 30
    download_viewset = api.ArticleViewSet
    download_filename = "notorious-coverage"

    def get_base_queryset(self):
        return with_credits(Article.objects.published().newest_first()).prefetch_related(
            Prefetch("markets", queryset=Market.objects.published())
        )


class ArticleDetailView(PublishedDetailView):
    """`/coverage/<slug>/`: one article, what it is about, and the figures it reports."""

    model = Article

    def get_queryset(self):
        return with_credits(super().get_queryset())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        article = self.object
        context.update(
            markets=article.markets.published().select_related("operator"),
            companies=article.companies.published(),
            reports=article.reports.published(),
            cited_outlets=article.cited_outlets.published(),
            figures=article.figures.published().for_lists(),
        )
        return context


class OutletListView(DownloadMixin, FilteredListView):
    """`/coverage/outlets/`: the outlets whose coverage is on record."""

    model = Outlet
    filterset_class = OutletFilter
    paginate_by = 100
    download_viewset = api.OutletViewSet
    download_filename = "notorious-outlets"

    def get_base_queryset(self):
        published = Q(articles__is_published=True)
        return (
            Outlet.objects.published()
            .annotate(
                article_count=Count("articles", filter=published, distinct=True),
                republished_count=Count(
                    "republished_articles",
                    filter=Q(republished_articles__is_published=True),
                    distinct=True,
                ),
            )
            .order_by("name", "pk")
        )  # aggregates drop the default ordering


class OutletDetailView(PublishedDetailView):
    """`/coverage/outlets/<slug>/`: an outlet's articles, republications and citations."""

    model = Outlet

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        outlet = self.object
        context.update(
            articles=Shortlist(
                with_credits(outlet.articles.published().newest_first()),
                coverage_url(outlet=outlet.slug),
            ),
            republished=Shortlist(
                with_credits(outlet.republished_articles.published().newest_first()),
                coverage_url(outlet=outlet.slug),
            ),
            citing=Shortlist(with_credits(outlet.citing_articles.published().newest_first())),
        )
        return context
