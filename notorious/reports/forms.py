from django import forms

from notorious.companies.models import Company
from notorious.markets.models import Market


class TimelineFilterForm(forms.Form):
    """The timeline's filters, read from the query string (all optional)."""

    company = forms.ModelChoiceField(
        queryset=Company.objects.published(),
        to_field_name="slug",
        required=False,
        empty_label="Any company",
        label="Company (with its subsidiaries)",
    )
    market = forms.ModelChoiceField(
        queryset=Market.objects.published(),
        to_field_name="slug",
        required=False,
        empty_label="Any market",
    )
    order = forms.ChoiceField(
        choices=[("oldest", "Oldest first"), ("newest", "Newest first")],
        required=False,
        label="Order",
    )

    def timeline_arguments(self):
        """Keyword arguments for `build_timeline` from the cleaned filters."""
        from notorious.press.models import Article

        company = self.cleaned_data.get("company")
        market = self.cleaned_data.get("market")
        markets = Market.objects.published()
        articles = Article.objects.published()
        if company:
            markets = markets.for_company(company)
            articles = articles.about_company(company)
        if market:
            markets = markets.filter(pk=market.pk)
            articles = articles.about_market(market)
        return {
            "markets": markets,
            "articles": articles,
            "newest_first": self.cleaned_data.get("order") == "newest",
        }
