from django.core.paginator import PageNotAnInteger, Paginator
from django.db.models import Count, IntegerField, OuterRef, Prefetch, Subquery
from django.db.models.functions import Coalesce

from notorious.api import views as api
from notorious.api.downloads import DownloadMixin
from notorious.core.paging import Shortlist, coverage_url
from notorious.core.views import FilteredListView, PublishedDetailView
from notorious.markets.models import Market

from .article_count import stored_published_count
from .filters import ArticleFilter, OutletFilter
from .models import Article, Outlet


def count_of(queryset, field):
    """How many of `queryset` have `field` pointing to the outer row, as a subquery."""
    counted = (
        queryset.filter(**{field: OuterRef("pk")})
        .order_by()
        .values(field)
        .annotate(count=Count("pk"))
        .values("count")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


# More entries than any list holds, and a LIMIT PostgreSQL takes (a bigint).
MAX_COUNTED = 10**15


class IdsFirstPaginator(Paginator):
    """Takes a page's ids first, then only those rows: the offset is walked in an index (an
    index-only scan of `article_newest_first`), not by fetching every row before the page
    (the last page of 194,000 articles: 1.5 s, against milliseconds).

    `count`, when given, is the number of entries, known without counting them. With
    `count_ahead`, a numbered page counts its list only that far past its own start: all of
    it when it ends sooner, else `count` is that far and `more_than_count` is true (the last
    page, asked for as `?page=last`, still counts everything)."""

    more_than_count = False

    def __init__(self, *args, count=None, count_ahead=None, **kwargs):
        super().__init__(*args, **kwargs)
        if count is not None:
            self.count = count
        self.count_ahead = count_ahead

    def page(self, number):
        if self.count_ahead is not None and "count" not in self.__dict__:
            self.count_to(self.validate_number_format(number))
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            # The last page holds the rest, orphans included. Its bound is not cut to the
            # count: LIMIT 1 would tempt PostgreSQL to walk the whole newest-first index for
            # a rare word's one match (2.7 s at 194,000 articles) instead of sorting matches.
            top += self.orphans
        ids = self.object_list.values("pk")[bottom:top]
        return self._get_page(self.object_list.filter(pk__in=ids), number, self)

    def validate_number_format(self, number):
        """`number` as a whole number, or PageNotAnInteger (as `validate_number` says)."""
        try:
            return int(number)
        except (TypeError, ValueError):
            raise PageNotAnInteger(self.error_messages["invalid_page"]) from None

    def count_to(self, number):
        """Count the entries up to `count_ahead` past the start of page `number`. A page
        before the first, or past any list's end, is left to the whole count (which the
        message saying there is no such page states)."""
        bound = (number - 1) * self.per_page + self.count_ahead
        if number < 1 or bound > MAX_COUNTED:
            return
        counted = self.object_list.order_by()[: bound + 1].count()
        self.count, self.more_than_count = min(counted, bound), counted > bound


def with_credits(articles):
    """Coverage with what lists show about each piece: outlet, republication credit."""
    return articles.select_related("outlet", "republishes")


class ArticleListView(DownloadMixin, FilteredListView):
    """`/coverage/`: published coverage, newest first, filtered from the URL."""

    model = Article
    filterset_class = ArticleFilter
    paginate_by = 30
    paginator_class = IdsFirstPaginator
    download_viewset = api.ArticleViewSet
    download_filename = "notorious-coverage"

    def get_base_queryset(self):
        return with_credits(Article.objects.published().newest_first()).prefetch_related(
            Prefetch("markets", queryset=Market.objects.published())
        )

    # How far past a page's start coverage matched by a word is counted: a common word's
    # 40,000 matches at 200,000 articles took 90-300 ms to count (each article's text read),
    # its first 1,000 a few (the page then says "more than 1,000").
    count_ahead = 1000

    def get_paginator(self, queryset, per_page, **kwargs):
        # All coverage: the stored count (one row), not a count of every article.
        count = stored_published_count() if self.unfiltered() else None
        words = self.filterset.form.is_valid() and self.filterset.form.cleaned_data.get("q")
        count_ahead = self.count_ahead if words and count is None else None
        return super().get_paginator(
            queryset, per_page, count=count, count_ahead=count_ahead, **kwargs
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
        # Each count a subquery on the articles' own index, for the outlets on the page only
        # (two joins of every article, grouped, took 0.7-2.8 s at 200,000 articles).
        return Outlet.objects.published().annotate(
            article_count=count_of(Article.objects.published(), "outlet"),
            republished_count=count_of(Article.objects.published(), "republishes"),
        )


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
