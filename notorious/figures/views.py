from notorious.core.views import PublishedDetailView

from .models import Figure


class FigureDetailView(PublishedDetailView):
    """`/figures/<slug>/`: one figure, what it is about, and its sources."""

    model = Figure

    def get_queryset(self):
        return super().get_queryset().for_lists()
