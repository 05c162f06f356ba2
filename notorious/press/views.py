from notorious.core.views import PublishedDetailView

from .models import Article, Outlet


class ArticleDetailView(PublishedDetailView):
    model = Article


class OutletDetailView(PublishedDetailView):
    model = Outlet
