from django import forms
from django.utils.safestring import mark_safe

from notorious.companies.models import Company
from notorious.core.escaping import text
from notorious.core.filters import FilterForm, PublishedLookupField
from notorious.core.numbers import parse_number
from notorious.markets.models import Market
from notorious.press.models import Article


class TimelineFilterForm(FilterForm):
    """The timeline's filters, read from the query string (all optional)."""

    company = PublishedLookupField(
        Company, "companies", required=False, label="Company (with its subsidiaries)"
    )
    market = PublishedLookupField(Market, "markets", required=False)
    order = forms.ChoiceField(
        choices=[("oldest", "Oldest first"), ("newest", "Newest first")],
        required=False,
        label="Order",
    )

    def timeline_arguments(self):
        """Keyword arguments for `build_timeline` from the cleaned filters."""
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
            # All published markets as None: their turns are counted already (`turn_counts`).
            "markets": markets if company or market else None,
            "articles": articles,
            "newest_first": self.cleaned_data.get("order") == "newest",
        }


def _attributes(attrs):
    """A widget's attributes as Django's django/forms/widgets/attrs.html writes them."""
    return "".join(
        f" {name}" if value is True else f' {name}="{text(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


class EditionSelect(forms.Select):
    """Django's select of the editions (choices without groups), the same markup written in
    Python: its templates include a template, with its attributes', for every option, and
    the changes pages' two selects of 24 editions were more of the page's time than their
    60 changes."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        options = "".join(
            f'\n  <option value="{text(option["value"])}"{_attributes(option["attrs"])}>'
            f"{text(option['label'])}</option>\n"
            for _group, options, _index in widget["optgroups"]
            for option in options
        )
        return mark_safe(
            f'<select name="{text(widget["name"])}"{_attributes(widget["attrs"])}>'
            f"{options}\n</select>"
        )


class EditionField(forms.ChoiceField):
    """A published edition, chosen by the year it reviews."""

    widget = EditionSelect

    def validate(self, value):
        try:
            super().validate(value)
        except forms.ValidationError:
            # Echo only the start of what was sent: the address may hold anything.
            shown = value if len(value) <= 12 else value[:12] + "…"
            raise forms.ValidationError(
                f"“{shown}” is not the year of a published edition.", code="invalid_choice"
            ) from None

    def to_python(self, value):
        return " ".join(super().to_python(value).split())


class CompareEditionsForm(forms.Form):
    """Two published editions to compare, `from` the earlier `to` the later, read from the
    query string. A missing `to` is the latest edition; a missing `from` the edition before
    `to` (with neither given, the latest two are compared)."""

    def __init__(self, query, editions):
        """`editions`: the published editions, oldest first."""
        self.editions = {report.year: report for report in editions}
        years = sorted(self.editions)
        data = {"from": query.get("from", "").strip(), "to": query.get("to", "").strip()}
        if not data["to"] and years:
            data["to"] = str(years[-1])
        to_year = parse_number(data["to"])
        if not data["from"] and to_year is not None:
            earlier = [year for year in years if year < to_year]
            if earlier:
                data["from"] = str(earlier[-1])
        super().__init__(data)
        choices = [(str(year), f"{year} review") for year in reversed(years)]
        self.fields["from"] = EditionField(label="From the edition", choices=choices)
        self.fields["to"] = EditionField(label="To the edition", choices=choices)

    def clean(self):
        cleaned = super().clean()
        from_year, to_year = cleaned.get("from"), cleaned.get("to")
        if from_year and to_year:
            if from_year == to_year:
                raise forms.ValidationError(
                    f"Both are the {from_year} review: choose two different editions.",
                    code="same",
                )
            if int(from_year) > int(to_year):
                raise forms.ValidationError(
                    f"The {from_year} review is later than the {to_year} review: the first "
                    "edition must be the earlier one.",
                    code="order",
                )
        return cleaned

    @property
    def reversed_order(self):
        """Whether the only problem is that the editions came in the wrong order."""
        return self.has_error("__all__", "order") and not any(
            self.has_error(name) for name in self.fields
        )

    def reports(self):
        """The two editions chosen (call after `is_valid()`)."""
        return (
            self.editions[int(self.cleaned_data["from"])],
            self.editions[int(self.cleaned_data["to"])],
        )
