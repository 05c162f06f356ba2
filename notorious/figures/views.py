from notorious.core.views import PublishedDetailView

from .models import Figure


class FigureDetailView(PublishedDetailView):
    model = Figure
