"""Validation an editor meets when saving: clear messages on the field at fault."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from notorious.companies.models import Company
from notorious.figures.models import Figure
from notorious.markets.models import Category, Kind, Market
from notorious.press.models import Article
from notorious.reports.models import Listing, Report

from .factories import make_company, make_market, make_report

pytestmark = pytest.mark.django_db


def errors_of(instance):
    """The message dict full_clean() raises, failing the test when it raises nothing."""
    with pytest.raises(ValidationError) as caught:
        instance.full_clean()
    return caught.value.message_dict


class TestReport:
    @pytest.mark.parametrize("year", [1999, 2101])
    def test_year_out_of_range(self, year):
        errors = errors_of(Report(year=year))

        assert "year" in errors
        assert any("2000" in m or "2100" in m for m in errors["year"])

    def test_year_in_range_is_accepted(self):
        Report(year=2021, published_on=datetime.date(2022, 2, 17)).full_clean()

    def test_publication_before_the_reviewed_year(self):
        errors = errors_of(Report(year=2021, published_on=datetime.date(2020, 12, 31)))

        assert errors["published_on"] == [
            "The 2021 review cannot have been published before 2021: an edition is "
            "published after the year it reviews."
        ]

    def test_publication_in_the_future(self):
        tomorrow = datetime.date.today() + datetime.timedelta(days=1)

        errors = errors_of(Report(year=tomorrow.year - 1, published_on=tomorrow))

        assert "future" in errors["published_on"][0]

    @pytest.mark.parametrize("field", ["online_count_stated", "physical_count_stated"])
    def test_negative_counts_rejected(self, field):
        errors = errors_of(Report(year=2021, **{field: -1}))

        assert field in errors
        assert "greater than or equal to 0" in errors[field][0]

    def test_duplicate_year_is_a_message(self):
        make_report(2021)

        errors = errors_of(Report(year=2021))

        assert "already exists" in errors["year"][0]


class TestListing:
    def test_section_must_match_the_market_kind(self):
        report = make_report(2021)
        market = make_market("WeChat", kind=Kind.ONLINE)

        errors = errors_of(Listing(report=report, market=market, section=Kind.PHYSICAL))

        assert len(errors["section"]) == 1
        assert "WeChat" in errors["section"][0]
        assert "belongs in the online section" in errors["section"][0]

    def test_matching_section_is_accepted(self):
        report = make_report(2021)
        market = make_market("Physical Place", kind=Kind.PHYSICAL)

        Listing(report=report, market=market, section=Kind.PHYSICAL).full_clean()

    def test_quotation_page_without_quotation(self):
        report = make_report(2021)
        market = make_market()

        errors = errors_of(
            Listing(report=report, market=market, section=market.kind, quotation_page=12)
        )

        assert errors["quotation_page"] == ["A page number needs a quotation."]

    def test_same_market_twice_in_one_edition(self):
        report = make_report(2021)
        market = make_market()
        Listing.objects.create(report=report, market=market, section=market.kind)

        errors = errors_of(Listing(report=report, market=market, section=market.kind))

        assert errors["__all__"] == ["This market is already listed in this edition."]


class TestAliases:
    def test_trimmed_deduplicated_and_name_dropped(self):
        market = Market(
            name="WeChat",
            slug="wechat",
            kind=Kind.ONLINE,
            category=Category.SOCIAL_COMMERCE,
            aliases="  Weixin \n微信\nweixin\n\n wechat \n微信 ; Wei  Xin",
        )

        market.full_clean()

        assert market.aliases == "Weixin\n微信\nWei Xin"
        assert market.alias_list == ["Weixin", "微信", "Wei Xin"]

    def test_company_aliases_cleaned_too(self):
        company = Company(name="Tencent", slug="tencent", aliases="腾讯\n 腾讯 \nTENCENT")

        company.full_clean()

        assert company.alias_list == ["腾讯"]


class TestUniqueNames:
    def test_market_name_duplicate_up_to_case(self):
        make_market("WeChat")

        errors = errors_of(
            Market(name="wechat", slug="wechat-2", kind=Kind.ONLINE, category=Category.ECOMMERCE)
        )

        assert errors["__all__"] == [
            "A market with this name already exists (names are compared regardless of case)."
        ]

    def test_company_name_duplicate_up_to_case(self):
        make_company("Alibaba Group")

        errors = errors_of(Company(name="ALIBABA GROUP", slug="alibaba-group-2"))

        assert errors["__all__"] == [
            "A company with this name already exists (names are compared regardless of case)."
        ]

    def test_a_different_name_is_accepted(self):
        make_market("WeChat")

        Market(
            name="WeChat Pay", slug="wechat-pay", kind=Kind.ONLINE, category=Category.ECOMMERCE
        ).full_clean()


class TestCompanyParent:
    def test_own_parent_rejected(self):
        company = make_company("Loop")
        company.parent = company

        errors = errors_of(company)

        assert errors["parent"] == ["A company cannot own itself, even indirectly."]

    def test_indirect_cycle_rejected(self):
        top = make_company("Top")
        middle = make_company("Middle", parent=top)
        bottom = make_company("Bottom", parent=middle)
        top.parent = bottom

        errors = errors_of(top)

        assert errors["parent"] == ["A company cannot own itself, even indirectly."]

    def test_a_chain_without_cycle_is_accepted(self):
        top = make_company("Alibaba Group")
        child = make_company("Taobao China Holding", parent=top)

        child.full_clean()
        assert child.parent_chain == [top]


class TestMarket:
    def test_online_market_in_physical_category(self):
        errors = errors_of(
            Market(
                name="Online",
                slug="online",
                kind=Kind.ONLINE,
                category=Category.PHYSICAL_MARKETPLACE,
            )
        )

        assert "physical marketplace" in errors["category"][0]

    def test_kind_change_conflicting_with_listings(self):
        market = make_market("Switcher", kind=Kind.ONLINE)
        Listing.objects.create(report=make_report(2021), market=market, section=Kind.ONLINE)
        market.kind = Kind.PHYSICAL
        market.category = Category.PHYSICAL_MARKETPLACE

        errors = errors_of(market)

        assert "2021" in errors["kind"][0]


class TestFigure:
    def test_a_figure_needs_a_source(self):
        errors = errors_of(Figure(slug="orphan", value=75, unit="%", measures="Something"))

        assert errors["__all__"] == ["A figure needs a source: a report, an article or both."]


def test_an_article_cannot_take_the_outlet_lists_address(db):
    article = Article(headline="Outlets", slug="outlets")
    with pytest.raises(ValidationError) as excinfo:
        article.full_clean()
    assert "taken by the outlet list" in str(excinfo.value.message_dict["slug"])
