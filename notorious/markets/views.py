from notorious.core.views import PublishedDetailView

from .models import Market


class MarketDetailView(PublishedDetailView):
    model = Market
