from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.cache import get_conditional_response, set_response_etag
from django.views.generic import TemplateView

from notorious.companies.models import Company
from notorious.core.page_cache import cached_for_generation

from . import data

# An image holds no script, and its styles are matplotlib's own attributes: nothing else
# may load from it, nor may it be framed.
IMAGE_POLICY = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'"
FORMATS = {"svg": "image/svg+xml", "png": "image/png"}


class ChartsView(TemplateView):
    """`/charts/`: the record's charts, each with its data table and downloads."""

    template_name = "charts/charts.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(chart_names=list(data.CHARTS), **kwargs)


def _image(request, chart, extension):
    if extension not in FORMATS:
        raise Http404("Charts are drawn as .svg or .png.")

    def drawn():
        # matplotlib is imported by the image views only: pages never pay for it.
        from . import drawing

        return drawing.draw(chart, extension)

    key = f"chart-image:{chart.name}:{chart.slug}:{extension}"
    response = HttpResponse(cached_for_generation(key, drawn), content_type=FORMATS[extension])
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
