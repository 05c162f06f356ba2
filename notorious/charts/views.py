from urllib.parse import urlsplit

from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.cache import get_conditional_response, set_response_etag
from django.views.generic import TemplateView

from notorious.companies.models import Company
from notorious.core.page_cache import cached_for_generation
from notorious.markets.models import Market
from notorious.reports.models import Report

from . import data

# An image holds no script, and its styles are matplotlib's own attributes: nothing else
# may load from it, nor may it be framed.
IMAGE_POLICY = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'"
FORMATS = {"svg": "image/svg+xml", "png": "image/png"}


class ChartsView(TemplateView):
    """`/charts/`: the record's charts, each with its data table and downloads."""

    template_name = "charts/charts.html"

    def get_context_data(self, **kwargs):
        # One read of the edition record for the three charts, not one each.
        record = Report.objects.edition_record()
        return super().get_context_data(chart_names=list(data.CHARTS), record=record, **kwargs)


def _image(request, chart, extension):
    if extension not in FORMATS:
        raise Http404("Charts are drawn as .svg or .png.")

    def drawn():
        # matplotlib is imported by the image views only: pages never pay for it.
        from . import drawing

        return drawing.draw(chart, extension)

    key = f"chart-image:{chart.name}:{chart.slug}:{extension}"
    return _image_response(request, cached_for_generation(key, drawn), FORMATS[extension])


def _image_response(request, content, content_type):
    """An image answer: its own CSP, an ETag, and 304 to a client that has these bytes."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Security-Policy"] = IMAGE_POLICY
    set_response_etag(response)
    return get_conditional_response(request, etag=response["ETag"], response=response)


def chart_image(request, name, extension):
    """`/charts/<name>.svg` or `.png`: one of the record's charts as an image."""
    if name not in data.CHARTS:
        raise Http404("No chart has that name.")
    return _image(request, data.CHARTS[name](), extension)


def company_chart_image(request, slug, extension):
    """`/charts/companies/<slug>.svg` or `.png`: a published company's markets by edition."""
    company = get_object_or_404(Company.objects.published(), slug=slug)
    return _image(request, data.company_chart(company), extension)


def _share_image(request, key, card):
    """A share card (`share_images.ShareCard`, built by `card()`) drawn as PNG, kept under the
    content generation."""

    def drawn():
        from . import share_images  # matplotlib, for the image views only

        return share_images.draw(card(), urlsplit(settings.SITE_URL).netloc)

    return _image_response(request, cached_for_generation(f"share:{key}", drawn), "image/png")


def market_share_image(request, slug):
    """`/charts/share/markets/<slug>.png`: a published market's share image."""
    market = get_object_or_404(Market.objects.published().with_history_listings(), slug=slug)

    def card():
        from . import share_images

        record = Report.objects.edition_record()
        history = market.listing_history(record)
        return share_images.market_card(market, history, record)

    return _share_image(request, f"market:{market.pk}", card)


def company_share_image(request, slug):
    """`/charts/share/companies/<slug>.png`: a published company's share image."""
    company = get_object_or_404(Company.objects.published(), slug=slug)

    def card():
        from . import share_images

        record = Report.objects.edition_record()
        counts = Market.objects.published().for_company(company).latest_edition_counts(record)
        return share_images.company_card(company, counts)

    return _share_image(request, f"company:{company.pk}", card)


def edition_share_image(request, year):
    """`/charts/share/reports/<year>.png`: a published edition's share image."""
    report = get_object_or_404(Report.objects.published().with_entered_counts(), year=year)

    def card():
        from . import share_images

        return share_images.edition_card(report)

    return _share_image(request, f"edition:{report.pk}", card)
