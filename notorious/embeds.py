"""The cards other sites embed (`/markets/<slug>/embed/`, `/companies/<slug>/embed/`) and
the oEmbed endpoint (`/oembed/?url=…`, https://oembed.com) that hands publishing tools a
card's iframe from the page's address alone. See notorious/core/embeds.py for the framing
rule and the iframe."""

from urllib.parse import urlsplit

from django import forms
from django.conf import settings
from django.http import JsonResponse
from django.urls import Resolver404, resolve
from django.utils.decorators import method_decorator
from django.views.decorators.http import require_safe
from django.views.generic import DetailView

from notorious.companies.models import Company
from notorious.companies.views import CompanyDetailView
from notorious.core import embeds
from notorious.core.sharing import SITE_NAME, absolute_url
from notorious.markets.history import year_ranges
from notorious.markets.models import Market
from notorious.markets.views import MarketDetailView
from notorious.reports.models import Report

# A company's card shows this many of its markets' strips; its page has the rest.
CARD_MARKETS = 5


@method_decorator(embeds.frameable, name="dispatch")
class CardView(DetailView):
    """A card: published entries only, even for editors (their previews are the pages)."""

    def get_queryset(self):
        return self.model.objects.published()


class MarketEmbedView(CardView):
    """A market's card: its name, its status as of the latest edition (as its page says
    it), its timeline strip and the editions they come from."""

    model = Market
    template_name = "embeds/market_embed.html"

    def get_queryset(self):
        return super().get_queryset().with_history_listings()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        record = Report.objects.edition_record()
        history = self.object.listing_history(record)
        editions = {report.year: report for report in record.editions}
        context.update(
            history=history,
            latest=record.latest_edition,
            last_listed=editions.get(history.last_year),
            listed_years=year_ranges(history.listed_years) if history.listed_years else "",
            record_years=year_ranges(record.years) if record.years else "",
        )
        return context


class CompanyEmbedView(CardView):
    """A company's card: how many of its group's markets the latest edition names (as its
    page says it), and the first few markets' timeline strips."""

    model = Company
    template_name = "embeds/company_embed.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        record = Report.objects.edition_record()
        family = Market.objects.published().for_company(self.object)
        counts = family.latest_edition_counts(record)
        markets = family.with_history_listings().order_by("name", "pk")[:CARD_MARKETS]
        markets = list(markets)
        for market in markets:
            market.history = market.listing_history(record)
        context.update(
            latest=record.latest_edition,
            markets=markets,
            market_count=counts["total"],
            markets_in_latest=counts["in_latest"],
            markets_not_entered_latest=counts["not_entered"],
            record_years=year_ranges(record.years) if record.years else "",
        )
        return context


# The pages that have a card: the page's view, and its entry's model.
EMBEDDABLE = {MarketDetailView: Market, CompanyDetailView: Company}


class OEmbedRequest(forms.Form):
    """An oEmbed request's parameters: the page's address, the format, the size limits."""

    url = forms.CharField(max_length=2000)
    format = forms.CharField(max_length=20, required=False)
    maxwidth = forms.IntegerField(min_value=1, max_value=100_000, required=False)
    maxheight = forms.IntegerField(min_value=1, max_value=100_000, required=False)


def problem(status, message):
    return JsonResponse({"error": message}, status=status)


def entry_at(url):
    """The published market or company whose page (or card) is at `url`, an address on
    this site; None for any other address."""
    try:
        parts = urlsplit(url)
    except ValueError:  # e.g. "https://[::1/": no address at all
        return None
    site = urlsplit(settings.SITE_URL)
    if parts.scheme not in ("http", "https") or parts.netloc.lower() != site.netloc.lower():
        return None
    path = parts.path if parts.path.endswith("/") else f"{parts.path}/"
    path = path.removesuffix("embed/")
    try:
        match = resolve(path)
    except Resolver404:
        return None
    model = EMBEDDABLE.get(getattr(match.func, "view_class", None))
    if model is None:
        return None
    return model.objects.published().filter(slug=match.kwargs.get("slug")).first()


@require_safe
def oembed(request):
    """`/oembed/?url=<a market's or company's page>&format=json[&maxwidth=…&maxheight=…]`:
    the card as an oEmbed "rich" response. 400 for parameters it cannot read, 404 for an
    address with no published card, 501 for a format other than JSON."""
    form = OEmbedRequest(request.GET)
    if not form.is_valid():
        fields = ", ".join(sorted(form.errors))
        return problem(400, f"These parameters are missing or not valid: {fields}.")
    if form.cleaned_data["format"] not in ("", "json"):
        response = problem(501, "Only the JSON format is available.")
        # The answer the oEmbed spec asks for, not a fault: Django would log any 5xx as an
        # error (and error reporting would page someone) unless told it is logged.
        response._has_been_logged = True
        return response
    entry = entry_at(form.cleaned_data["url"])
    if entry is None:
        return problem(404, "No market or company page of this site is at that address.")
    width, height = embeds.embed_size(
        entry, form.cleaned_data["maxwidth"], form.cleaned_data["maxheight"]
    )
    response = JsonResponse(
        {
            "type": "rich",
            "version": "1.0",
            "title": entry.name,
            "provider_name": SITE_NAME,
            "provider_url": absolute_url("/"),
            "html": embeds.iframe_html(entry, width, height),
            "width": width,
            "height": height,
        }
    )
    # Public facts: a publishing tool's page may ask from the reader's browser.
    response["Access-Control-Allow-Origin"] = "*"
    return response
