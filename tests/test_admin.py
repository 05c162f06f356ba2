"""The editors' admin: what an account in the Editors group can and cannot do."""

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from notorious.core.editors import CONTENT_MODELS, EDITORS_GROUP
from notorious.markets.models import Category, Kind, Market
from notorious.reports.models import Listing, Report

from .factories import (
    list_market,
    make_article,
    make_company,
    make_figure,
    make_listing,
    make_market,
    make_outlet,
    make_report,
)

pytestmark = pytest.mark.django_db

CONTENT_APPS = {"companies", "markets", "reports", "press", "figures"}


def content_admins():
    """Every registered admin for a content model, so a newly registered model is covered."""
    return [
        (model, model_admin)
        for model, model_admin in admin.site._registry.items()
        if model._meta.app_label in CONTENT_APPS
    ]


def admin_url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.fixture
def one_of_each():
    """One entry of every content model, linked together as an editor would link them."""
    parent = make_company("Alibaba Group", aliases="阿里巴巴")
    company = make_company("Taobao China Holding", parent=parent)
    report = make_report(2021, online_count_stated=42, physical_count_stated=35)
    market = make_market("Taobao", operator=company, aliases="淘宝")
    listing = make_listing(market, report, reasons="Named for counterfeit goods.")
    outlet = make_outlet("TSF")
    article = make_article(
        "Taobao named again", outlet=outlet, markets=[market], companies=[company], reports=[report]
    )
    figure = make_figure(source_report=report, source_article=article)
    objects = [parent, company, report, market, listing, outlet, article, figure]
    for obj in objects:
        obj.refresh_from_db()  # e.g. the figure's value as the Decimal the database returns
    return {type(obj): obj for obj in objects}


class TestEditorsGroup:
    def test_every_content_model_is_managed_by_editors(self):
        # The group's list and the admin's registry agree: no content model left out.
        registered = {(m._meta.app_label, m._meta.model_name) for m, _ in content_admins()}
        assert registered == set(CONTENT_MODELS)

    def test_group_has_exactly_the_content_permissions(self):
        group = Group.objects.get(name=EDITORS_GROUP)

        granted = {
            (p.content_type.app_label, p.codename)
            for p in group.permissions.select_related("content_type")
        }

        expected = {
            (app, f"{action}_{model}")
            for app, model in CONTENT_MODELS
            for action in ("add", "change", "delete", "view")
        }
        assert granted == expected

    def test_group_has_no_permission_over_accounts(self):
        group = Group.objects.get(name=EDITORS_GROUP)
        account_types = ContentType.objects.filter(app_label="auth")

        assert not group.permissions.filter(content_type__in=account_types).exists()
        assert Permission.objects.filter(content_type__in=account_types).exists()

    def test_editor_user_permissions(self, editor):
        for app, model in CONTENT_MODELS:
            for action in ("add", "change", "delete", "view"):
                assert editor.has_perm(f"{app}.{action}_{model}")
        for model in ("user", "group", "permission"):
            for action in ("add", "change", "delete", "view"):
                assert not editor.has_perm(f"auth.{action}_{model}")

    @pytest.mark.parametrize(
        "url",
        [
            "/admin/auth/user/",
            "/admin/auth/user/add/",
            "/admin/auth/group/",
            "/admin/auth/group/add/",
        ],
    )
    def test_editor_is_refused_account_pages(self, editor_client, url):
        assert editor_client.get(url).status_code == 403

    def test_editor_cannot_edit_their_own_account(self, editor_client, editor):
        response = editor_client.get(f"/admin/auth/user/{editor.pk}/change/")

        assert response.status_code == 403

    def test_admin_index_shows_content_not_accounts(self, editor_client):
        response = editor_client.get("/admin/")

        assert response.status_code == 200
        html = response.content.decode()
        assert "Notorious editors" in html
        assert admin_url(Market, "changelist") in html
        assert "/admin/auth/" not in html


class TestEveryAdminPageLoads:
    def test_changelists(self, editor_client, one_of_each):
        for model, _ in content_admins():
            response = editor_client.get(admin_url(model, "changelist"))
            assert response.status_code == 200, model
            assert str(one_of_each[model]) in response.content.decode(), model

    def test_changelists_with_search_and_filters(self, editor_client, one_of_each):
        for model, model_admin in content_admins():
            url = admin_url(model, "changelist")
            assert editor_client.get(url, {"q": "taobao"}).status_code == 200, model
            assert editor_client.get(url, {"is_published__exact": "1"}).status_code == 200
            if model_admin.date_hierarchy:
                response = editor_client.get(url, {f"{model_admin.date_hierarchy}__year": 2026})
                assert response.status_code == 200, model

    def test_add_pages(self, editor_client, one_of_each):
        for model, _ in content_admins():
            response = editor_client.get(admin_url(model, "add"))
            assert response.status_code == 200, model

    def test_change_pages(self, editor_client, one_of_each):
        for model, _ in content_admins():
            obj = one_of_each[model]
            response = editor_client.get(admin_url(model, "change", obj.pk))
            assert response.status_code == 200, model
            # "View on site" goes through the admin's shortcut to the public page.
            assert "View on site" in response.content.decode(), model

    def test_every_editable_field_is_on_the_form(self, editor_client, one_of_each, rf, editor):
        # Fieldsets list fields by hand; a model field added later must not silently vanish.
        for model, model_admin in content_admins():
            request = rf.get("/")
            request.user = editor
            form_fields = set(model_admin.get_form(request, one_of_each[model]).base_fields)
            editable = {
                f.name
                for f in model._meta.get_fields()
                if getattr(f, "editable", False)
                and not f.auto_created
                and (f.concrete or f.many_to_many)
                and f.name not in ("created_at", "updated_at")
            }
            assert editable <= form_fields, (model, editable - form_fields)

    def test_view_on_site_redirects_to_the_public_address(self, editor_client, one_of_each):
        for model, _ in content_admins():
            obj = one_of_each[model]
            ct = ContentType.objects.get_for_model(model)
            response = editor_client.get(f"/admin/r/{ct.pk}/{obj.pk}/")
            assert response.status_code == 302, model
            assert response["Location"].endswith(obj.get_absolute_url()), model


class TestChangelistQueries:
    def test_no_query_per_row(self, editor_client, django_assert_max_num_queries):
        outlet = make_outlet("TSF")
        for n in range(15):
            operator = make_company(f"Operator {n}", parent=make_company(f"Owner {n}"))
            market = list_market(make_market(f"Market {n}", operator=operator), 2020, 2021)
            article = make_article(
                f"Story {n}", outlet=outlet, republishes=make_outlet(), markets=[market]
            )
            make_figure(source_report=Report.objects.get(year=2021), source_article=article)
        for model, _ in content_admins():
            url = admin_url(model, "changelist")
            assert editor_client.get(url).status_code == 200  # warm up session and caches

            with django_assert_max_num_queries(12):
                assert editor_client.get(url).status_code == 200, model


class TestAutocomplete:
    def test_every_autocomplete_field_answers_the_editor(self, editor_client, one_of_each):
        checked = 0
        for model, model_admin in content_admins():
            sources = [(model, model_admin.autocomplete_fields)]
            sources += [
                (inline.model, inline.autocomplete_fields) for inline in model_admin.inlines
            ]
            for source_model, fields in sources:
                for field_name in fields:
                    response = editor_client.get(
                        "/admin/autocomplete/",
                        {
                            "app_label": source_model._meta.app_label,
                            "model_name": source_model._meta.model_name,
                            "field_name": field_name,
                            "term": "",
                        },
                    )
                    assert response.status_code == 200, (source_model, field_name)
                    assert response.json()["results"], (source_model, field_name)
                    checked += 1
        assert checked >= 14

    def test_relations_all_use_autocomplete(self):
        for model, model_admin in content_admins():
            relations = {
                f.name
                for f in model._meta.get_fields()
                if (f.many_to_one or f.many_to_many) and not f.auto_created and f.editable
            }
            assert relations <= set(model_admin.autocomplete_fields), model

    def test_market_operator_found_by_alias(self, editor_client, one_of_each):
        response = editor_client.get(
            "/admin/autocomplete/",
            {
                "app_label": "markets",
                "model_name": "market",
                "field_name": "operator",
                "term": "阿里巴巴",
            },
        )

        assert [r["text"] for r in response.json()["results"]] == ["Alibaba Group"]

    def test_report_found_by_year(self, editor_client, one_of_each):
        make_report(2020, title="A report titled without its year")
        response = editor_client.get(
            "/admin/autocomplete/",
            {
                "app_label": "reports",
                "model_name": "listing",
                "field_name": "report",
                "term": "2020",
            },
        )

        assert [r["text"] for r in response.json()["results"]] == [
            "A report titled without its year"
        ]


class TestPublishActions:
    @pytest.mark.parametrize(
        "action, before, after", [("publish", False, True), ("unpublish", True, False)]
    )
    def test_actions_flip_the_flag_on_every_model(
        self, editor_client, one_of_each, action, before, after
    ):
        for model, _ in content_admins():
            obj = one_of_each[model]
            model.objects.filter(pk=obj.pk).update(is_published=before)

            response = editor_client.post(
                admin_url(model, "changelist"),
                {"action": action, "_selected_action": [obj.pk]},
                follow=True,
            )

            assert response.status_code == 200, model
            obj.refresh_from_db()
            assert obj.is_published is after, model
            assert f"1 {model._meta.verbose_name} " in response.content.decode(), model

    def test_publish_leaves_unselected_entries_alone(self, editor_client):
        chosen = make_market("Chosen", is_published=False)
        other = make_market("Other", is_published=False)

        editor_client.post(
            admin_url(Market, "changelist"), {"action": "publish", "_selected_action": [chosen.pk]}
        )

        assert Market.objects.get(pk=chosen.pk).is_published
        assert not Market.objects.get(pk=other.pk).is_published


class TestMarketPage:
    def test_derived_facts_on_the_change_page(self, editor_client):
        # Complete editions (each lists exactly the one market it states), 2020 with none.
        for year in (2018, 2019, 2020, 2021):
            make_report(year, online_count_stated=0 if year == 2020 else 1)
        market = list_market(make_market("Gap Market"), 2018, 2019, 2021)

        response = editor_client.get(admin_url(Market, "change", market.pk))
        html = response.content.decode()

        assert "first year listed" in html.lower()
        assert "3 (2018, 2019, 2021)" in html
        assert "1 consecutive edition up to the latest" in html
        assert "Yes (the 2021 edition)" in html
        assert "<strong>2020</strong>: Not listed" in html
        assert "<strong>2021</strong>: Returning" in html
        # Editions before 2018 are not on record: the first listing is only the first entered.
        assert "2018 (first entered; earlier editions are incomplete)" in html
        assert "first entered in 2018 (earlier editions are incomplete or not on record" in html

    def test_incomplete_editions_qualify_what_the_page_says(self, editor_client):
        make_report(2020, online_count_stated=1)
        make_report(2021, online_count_stated=39)
        market = list_market(make_market("Once"), 2020)

        html = editor_client.get(admin_url(Market, "change", market.pk)).content.decode()

        assert "<strong>2021</strong>: Not entered" in html
        assert "Not entered (the 2021 edition is incomplete)" in html
        assert "not entered in the latest edition (its section is incomplete)" in html

    def test_editors_see_drafts_and_what_readers_see(self, editor_client):
        for year in (2020, 2021):
            make_report(year)
        market = list_market(make_market("Drafted"), 2020)
        make_listing(market, Report.objects.get(year=2021), is_published=False)

        html = editor_client.get(admin_url(Market, "change", market.pk)).content.decode()

        assert "Yes (the 2021 edition)" in html  # editors' view counts the draft listing
        assert "<strong>2021</strong>: Continuing (draft, readers do not see it)" in html
        # What readers see: the 2021 edition's count is not recorded, so it is incomplete.
        assert "not entered in the latest edition (its section is incomplete)" in html

    def test_search_by_alias(self, editor_client):
        make_market("WeChat", aliases="Weixin\n微信", category=Category.SOCIAL_COMMERCE)
        make_market("Taobao")

        response = editor_client.get(admin_url(Market, "changelist"), {"q": "微信"})

        assert list(response.context["cl"].result_list.values_list("name", flat=True)) == ["WeChat"]

    def test_changelist_filter_by_edition(self, editor_client):
        make_report(2020)
        list_market(make_market("Listed 2020"), 2020)
        list_market(make_market("Listed 2021"), 2021)

        response = editor_client.get(admin_url(Market, "changelist"), {"listed_in": "2021"})

        names = [m.name for m in response.context["cl"].result_list]
        assert names == ["Listed 2021"]

    def test_new_listing_rows_start_in_the_market_section(self, editor_client):
        market = make_market("A Physical Market", kind=Kind.PHYSICAL)

        response = editor_client.get(admin_url(Market, "change", market.pk))

        formset = response.context["inline_admin_formsets"][0].formset
        assert formset.empty_form["section"].initial == Kind.PHYSICAL


def inline_post_data(obj_fields, prefix, rows, initial=0):
    data = dict(obj_fields)
    data.update(
        {
            f"{prefix}-TOTAL_FORMS": str(len(rows)),
            f"{prefix}-INITIAL_FORMS": str(initial),
            f"{prefix}-MIN_NUM_FORMS": "0",
            f"{prefix}-MAX_NUM_FORMS": "1000",
        }
    )
    for i, row in enumerate(rows):
        for key, value in row.items():
            data[f"{prefix}-{i}-{key}"] = value
    return data


REPORT_FIELDS = {
    "year": "2021",
    "title": "",
    "is_published": "on",
    "published_on": "2022-02-17",
    "published_on_precision": "day",
    "publisher": "Office of the United States Trade Representative (USTR)",
    "source_url": "",
    "online_count_stated": "42",
    "physical_count_stated": "35",
    "issue_focus": "",
    "summary": "",
}


class TestReportPage:
    def test_a_listing_added_from_the_edition_page_is_saved_in_it(self, editor_client):
        report = make_report(2021)
        market = make_market("WeChat")
        add_url = admin_url(Listing, "add")
        assert (
            f"{add_url}?report={report.pk}"
            in editor_client.get(admin_url(Report, "change", report.pk)).content.decode()
        )

        response = editor_client.post(
            f"{add_url}?report={report.pk}",
            {
                "report": str(report.pk),
                "market": str(market.pk),
                "section": "online",
                "reasons": "Counterfeits sold through mini-programs.",
                "is_published": "on",
            },
        )

        assert response.status_code == 302, response.context and response.context["errors"]
        listing = Listing.objects.get(report=report)
        assert listing.market == market
        assert listing.reasons == "Counterfeits sold through mini-programs."

    def test_a_listing_in_the_wrong_section_is_refused_with_a_message(self, editor_client):
        report = make_report(2021)
        market = make_market("Online Only")

        response = editor_client.post(
            admin_url(Listing, "add"),
            {"report": str(report.pk), "market": str(market.pk), "section": "physical"},
        )

        assert response.status_code == 200
        assert "belongs in the online section" in response.content.decode()
        assert not Listing.objects.exists()

    def test_entered_counts_beside_stated_counts(self, editor_client):
        report = make_report(2021, online_count_stated=42, physical_count_stated=35)
        make_listing(make_market("One"), report)
        make_listing(make_market("Two"), report, is_published=False)
        # Published, but readers cannot see it while its market is a draft.
        make_listing(make_market("Draft", is_published=False), report)
        make_listing(make_market("Three", kind=Kind.PHYSICAL), report)

        html = editor_client.get(admin_url(Report, "change", report.pk)).content.decode()

        assert "3 of 42 entered, drafts included: incomplete. Readers see 1 of 42" in html
        assert "1 of 35 entered, drafts included: incomplete. Readers see the same." in html
        assert 'value="42"' in html

    def test_publication_date_error_is_shown(self, editor_client):
        response = editor_client.post(
            admin_url(Report, "add"),
            {**REPORT_FIELDS, "published_on": "2020-05-01"},
        )

        assert response.status_code == 200
        assert "cannot have been published before 2021" in response.content.decode()
        assert not Report.objects.exists()


class TestArticleForm:
    def test_article_links_markets_companies_and_reports(self, editor_client):
        market = make_market("WeChat")
        company = make_company("Tencent")
        report = make_report(2021)
        outlet = make_outlet("TSF")

        response = editor_client.post(
            reverse("admin:press_article_add"),
            {
                "headline": "WeChat named again",
                "slug": "wechat-named-again",
                "is_published": "on",
                "outlet": str(outlet.pk),
                "republishes": "",
                "cited_outlets": [],
                "url": "",
                "published_on": "2022-02-18",
                "language": "",
                "author": "",
                "summary": "A summary.",
                "markets": [str(market.pk)],
                "companies": [str(company.pk)],
                "reports": [str(report.pk)],
            },
        )

        assert response.status_code == 302
        article = market.articles.get()
        assert list(article.companies.all()) == [company]
        assert list(article.reports.all()) == [report]


class TestCompanyPage:
    def test_markets_operated_including_subsidiaries(self, editor_client):
        group = make_company("Alibaba Group")
        subsidiary = make_company("Taobao China Holding", parent=group)
        make_market("Taobao", operator=subsidiary)
        make_market("Alibaba.com", operator=group)

        html = editor_client.get(admin_url(type(group), "change", group.pk)).content.decode()

        assert "Taobao</a> (via Taobao China Holding)" in html
        assert "Alibaba.com</a>" in html

    def test_cycle_rejected_in_the_form(self, editor_client):
        top = make_company("Top")
        bottom = make_company("Bottom", parent=top)

        response = editor_client.post(
            admin_url(type(top), "change", top.pk),
            {
                "name": "Top",
                "slug": "top",
                "aliases": "",
                "is_published": "on",
                "country": "",
                "parent": str(bottom.pk),
                "website": "",
                "description": "",
            },
        )

        assert response.status_code == 200
        assert "cannot own itself" in response.content.decode()
        top.refresh_from_db()
        assert top.parent is None

    def test_duplicate_name_rejected_with_a_message(self, editor_client):
        make_company("Tencent")

        response = editor_client.post(
            reverse("admin:companies_company_add"),
            {"name": "TENCENT", "slug": "tencent-2", "aliases": "", "country": "", "parent": ""},
        )

        assert response.status_code == 200
        assert "already exists" in response.content.decode()


def test_market_kind_must_suit_category_in_the_form(editor_client):
    response = editor_client.post(
        reverse("admin:markets_market_add"),
        inline_post_data(
            {
                "name": "Silk Market",
                "slug": "silk-market",
                "kind": Kind.ONLINE,
                "category": Category.PHYSICAL_MARKETPLACE,
            },
            "listings",
            [],
        ),
    )

    assert response.status_code == 200
    assert not Market.objects.filter(slug="silk-market").exists()


class TestChangelistFilters:
    def filter_choices(self, response, title):
        changelist = response.context["cl"]
        spec = next(s for s in changelist.filter_specs if str(s.title).lower() == title)
        return [str(choice["display"]) for choice in spec.choices(changelist)]

    def test_language_filter_offers_only_languages_in_use(self, editor_client):
        make_article("A Chinese story", language="zh-hant")
        make_article("An English story", language="en")
        make_article("A story in no stated language")

        response = editor_client.get(reverse("admin:press_article_changelist"))

        assert self.filter_choices(response, "language") == [
            "All",
            "English",
            "Traditional Chinese",
        ]

    def test_language_filter_filters(self, editor_client):
        make_article("A Chinese story", language="zh-hant")
        make_article("An English story", language="en")

        response = editor_client.get(
            reverse("admin:press_article_changelist"), {"language__exact": "zh-hant"}
        )

        assert [a.headline for a in response.context["cl"].result_list] == ["A Chinese story"]

    def test_country_filter_offers_only_countries_in_use(self, editor_client):
        make_market("Taobao", country="CN")
        make_market("Silk Market", kind=Kind.PHYSICAL, country="CN")
        make_market("Somewhere Else", country="RU")

        response = editor_client.get(admin_url(Market, "changelist"))

        assert self.filter_choices(response, "country") == ["All", "China", "Russia"]
