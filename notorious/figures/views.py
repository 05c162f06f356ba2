from notorious.core.views import PublishedDetailView

from .models import Figure


class FigureDetailView(PublishedDetailView):
    """`/figures/<slug>/`: one figure, with its sources."""

    model = Figure

    def get_queryset(self):
        return super().get_queryset().select_related("source_report", "source_article__outlet")
