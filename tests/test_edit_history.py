"""Nothing an editor does is lost: every change recorded with who, when and what; the
diff on the admin's History page; reverting to an earlier version; recovering a deleted
entry with what its deletion took along."""

import datetime

import pytest
from django.utils import timezone

from notorious.companies.models import Company
from notorious.markets.models import Market
from notorious.press.models import Article, Outlet
from notorious.reports.models import Listing, Report
from notorious.search import search

from .admin_forms import admin_url, editors_group, form_data, messages_of
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


def change(client, obj, **fields):
    """Open the entry's change page, change `fields`, save; the response."""
    url = admin_url(obj, "change", obj.pk)
    data = form_data(client.get(url))
    data.update(fields)
    response = client.post(url, data)
    assert response.status_code == 302, response.context and response.context["errors"]
    return response


def records(obj):
    return list(obj.edit_history.order_by("history_date"))


class TestEveryChangeIsRecorded:
    def test_who_when_and_what(self, alice):
        user, client = alice
        market = make_market("Taobao", description="Sells everything.")
        before = timezone.now()

        change(client, market, description="Named for counterfeit goods.", city="Hangzhou")

        created, changed = records(market)
        assert created.history_type == "+"
        assert changed.history_type == "~"
        assert changed.history_user == user
        assert before <= changed.history_date <= timezone.now()
        delta = changed.diff_against(created, excluded_fields=["updated_at"])
        assert {(c.field, c.old, c.new) for c in delta.changes} == {
            ("description", "Sells everything.", "Named for counterfeit goods."),
            ("city", "", "Hangzhou"),
        }

    def test_each_content_model_keeps_a_history(self, alice):
        _, client = alice
        report = make_report(2021)
        market = make_market("Taobao")
        entries = [
            make_company("Alibaba Group"),
            market,
            report,
            make_listing(market, report),
            make_outlet("TSF"),
            make_article("Taobao named"),
            make_figure(source_report=report),
        ]
        for obj in entries:
            change(client, obj)
            history = records(obj)
            assert [r.history_type for r in history][-1] == "~", obj
            assert history[-1].history_user.username == "alice", obj

    def test_one_save_is_one_record_whatever_updates_the_search_vector(self, alice):
        # save() rebuilds the stored search vector with a queryset update, which must not
        # add a record of its own.
        market = make_market("Taobao")
        assert len(records(market)) == 1
        market.description = "Counterfeit handbags."
        market.save()
        assert len(records(market)) == 2

    def test_article_links_are_recorded(self, alice):
        _, client = alice
        taobao, wechat = make_market("Taobao"), make_market("WeChat")
        article = make_article("Two platforms", markets=[taobao])

        change(client, article, markets=[str(taobao.pk), str(wechat.pk)])

        latest = article.edit_history.latest("history_date")
        assert set(latest.markets.values_list("market", flat=True)) == {taobao.pk, wechat.pk}
        first = article.edit_history.earliest("history_date")
        assert list(first.markets.values_list("market", flat=True)) == []

    def test_publish_action_is_recorded_with_who_and_why(self, alice):
        user, client = alice
        market = make_market("Draft", is_published=False)

        client.post(
            admin_url(Market, "changelist"), {"action": "publish", "_selected_action": [market.pk]}
        )

        latest = market.edit_history.latest("history_date")
        assert latest.is_published is True
        assert latest.history_user == user
        assert latest.history_change_reason == "Published"


class TestHistoryPage:
    def test_shows_each_change_field_by_field(self, alice):
        _, client = alice
        market = make_market("Taobao", description="Sells everything.")
        change(client, market, description="Named for counterfeit goods.")

        response = client.get(admin_url(Market, "history", market.pk))

        assert response.status_code == 200
        html = response.content.decode()
        assert "<strong>Description:</strong>" in html
        assert "Sells everything." in html
        assert "Named for counterfeit goods." in html
        assert "alice" in html
        # Every save changes `updated_at`; the list does not repeat it as a change.
        assert "Updated at:" not in html
        # Editors may not open account pages, so the author is not a link to one.
        assert "/admin/auth/user/" not in html
        # Nothing the Content Security Policy would block.
        assert " style=" not in html

    def test_administrators_see_the_author_as_a_link(self, alice, admin_client):
        user, client = alice
        market = make_market("Taobao")
        change(client, market, city="Hangzhou")

        html = admin_client.get(admin_url(Market, "history", market.pk)).content.decode()

        assert f'<a href="/admin/auth/user/{user.pk}/change/">alice</a>' in html

    def test_shows_link_changes_on_an_article(self, alice):
        _, client = alice
        article = make_article("Two platforms")
        change(client, article, markets=[str(make_market("WeChat").pk)])

        html = client.get(admin_url(Article, "history", article.pk)).content.decode()

        assert "<strong>Markets:</strong>" in html
        assert "WeChat" in html

    def test_change_page_links_to_history(self, alice):
        _, client = alice
        market = make_market("Taobao")

        html = client.get(admin_url(Market, "change", market.pk)).content.decode()

        assert admin_url(Market, "history", market.pk) in html


class TestRevert:
    def test_restores_an_earlier_version(self, alice):
        user, client = alice
        market = make_market("Taobao", description="Counterfeit handbags and shoes.")
        change(client, market, description="Vandalised.", city="Nowhere")
        first = records(market)[0]
        url = admin_url(Market, "simple_history", market.pk, first.history_id)

        page = client.get(url)
        assert page.status_code == 200
        assert "Revert" in page.content.decode()
        count = len(records(market))
        response = client.post(url, form_data(page))

        assert response.status_code == 302
        market.refresh_from_db()
        assert market.description == "Counterfeit handbags and shoes."
        assert market.city == ""
        # The revert is itself one recorded change, saying what it did.
        history = records(market)
        assert len(history) == count + 1
        assert history[-1].history_user == user
        assert history[-1].history_change_reason.startswith("Reverted to the version of ")

    def test_reverted_text_is_searchable_again(self, alice):
        _, client = alice
        market = make_market("Taobao", description="Counterfeit handbags.")
        change(client, market, description="Nothing to see.")
        assert search("handbags").market_count == 0
        url = admin_url(Market, "simple_history", market.pk, records(market)[0].history_id)

        client.post(url, form_data(client.get(url)))

        assert [m.name for m in search("handbags").markets] == ["Taobao"]

    def test_restores_an_articles_links(self, alice):
        _, client = alice
        taobao, wechat = make_market("Taobao"), make_market("WeChat")
        article = make_article("Two platforms", markets=[taobao, wechat])
        [with_both] = [r for r in records(article) if r.markets.count() == 2][-1:]
        change(client, article, markets=[str(wechat.pk)])
        assert list(article.markets.all()) == [wechat]
        url = admin_url(Article, "simple_history", article.pk, with_both.history_id)

        page = client.get(url)
        client.post(url, form_data(page))

        assert set(article.markets.all()) == {taobao, wechat}


def delete_through_admin(client, obj):
    response = client.post(admin_url(obj, "delete", obj.pk), {"post": "yes"}, follow=True)
    assert response.status_code == 200
    assert not type(obj).objects.filter(pk=obj.pk).exists()
    return response


def restore_through_admin(client, model, name):
    """Find `name` on the model's Recover deleted page and press its Restore button."""
    page = client.get(admin_url(model, "recover"))
    assert page.status_code == 200
    [record] = [r for r in page.context["page"] if r.label == name]
    return client.post(admin_url(model, "recover"), {"history_id": record.history_id}, follow=True)


class TestRecoverDeleted:
    def test_changelist_links_to_the_recover_page(self, alice):
        _, client = alice
        for model in (Company, Market, Report, Listing, Outlet, Article):
            html = client.get(admin_url(model, "changelist")).content.decode()
            assert admin_url(model, "recover") in html, model
            assert f"Recover deleted {model._meta.verbose_name_plural}" in html, model

    def test_a_deleted_market_comes_back_with_its_listings_and_links(self, alice):
        user, client = alice
        operator = make_company("Alibaba Group")
        market = list_market(
            make_market("Taobao", operator=operator, aliases="淘宝", description="Handbags."),
            2020,
            2021,
        )
        Listing.objects.filter(report__year=2021).update(reasons="Named again in 2021.")
        article = make_article("Taobao named", markets=[market, make_market("WeChat")])
        created_at = Market.objects.get(pk=market.pk).created_at
        pk = market.pk

        response = delete_through_admin(client, market)
        recover_link = f'<a href="{admin_url(Market, "recover")}">Recover deleted markets</a>'
        assert recover_link in response.content.decode()
        assert Listing.objects.count() == 0
        assert [m.name for m in article.markets.all()] == ["WeChat"]
        # Deleting it removed it from the article: recorded as a change of the article.
        unlinked = article.edit_history.latest("history_date")
        assert unlinked.history_user == user
        assert "Taobao" in unlinked.history_change_reason

        page = client.get(admin_url(Market, "recover"))
        html = page.content.decode()
        assert "Taobao" in html and "alice" in html
        response = restore_through_admin(client, Market, "Taobao")

        assert response.status_code == 200
        assert "Restored the market “Taobao”" in " ".join(messages_of(response))
        restored = Market.objects.get(pk=pk)
        assert (restored.name, restored.aliases, restored.description) == (
            "Taobao",
            "淘宝",
            "Handbags.",
        )
        assert restored.operator == operator
        assert restored.created_at == created_at
        assert sorted(restored.listings.values_list("report__year", "reasons")) == [
            (2020, ""),
            (2021, "Named again in 2021."),
        ]
        assert set(article.markets.values_list("name", flat=True)) == {"Taobao", "WeChat"}
        # It is no longer among the deleted, and its history tells the whole story.
        assert "Taobao" not in client.get(admin_url(Market, "recover")).content.decode()
        history = records(restored)
        assert [r.history_type for r in history] == ["+", "-", "+"]
        assert history[-1].history_change_reason == "Restored after deletion"
        assert history[-1].history_user == user

    def test_a_deleted_company_is_linked_again_to_its_markets_and_subsidiaries(self, alice):
        _, client = alice
        parent = make_company("Alibaba Group")
        company = make_company("Taobao China Holding", parent=parent)
        subsidiary = make_company("Taobao Subsidiary", parent=company)
        market = make_market("Taobao", operator=company)
        article = make_article("Alibaba", companies=[company])

        delete_through_admin(client, company)
        market.refresh_from_db()
        assert market.operator is None
        # The unlinking is in the market's own history, as a change anyone can see.
        assert market.edit_history.latest("history_date").operator_id is None

        restore_through_admin(client, Company, "Taobao China Holding")

        market.refresh_from_db()
        subsidiary.refresh_from_db()
        company = Company.objects.get(name="Taobao China Holding")
        assert market.operator == company
        assert subsidiary.parent == company
        assert company.parent == parent
        assert list(article.companies.all()) == [company]

    def test_an_entry_linked_elsewhere_since_is_left_alone(self, alice):
        _, client = alice
        company = make_company("Old Operator")
        market = make_market("Taobao", operator=company)
        delete_through_admin(client, company)
        new_operator = make_company("New Operator")
        change(client, Market.objects.get(pk=market.pk), operator=str(new_operator.pk))

        restore_through_admin(client, Company, "Old Operator")

        market.refresh_from_db()
        assert market.operator == new_operator

    def test_a_deleted_article_comes_back_with_its_links(self, alice):
        _, client = alice
        market = make_market("Taobao")
        outlet = make_outlet("TSF")
        article = make_article("Taobao named", outlet=outlet, markets=[market])
        article.cited_outlets.add(make_outlet("Reuters"))

        delete_through_admin(client, article)
        restore_through_admin(client, Article, "Taobao named")

        article = Article.objects.get(slug="taobao-named")
        assert article.outlet == outlet
        assert list(article.markets.all()) == [market]
        assert [o.name for o in article.cited_outlets.all()] == ["Reuters"]

    def test_a_single_deleted_listing_comes_back(self, alice):
        _, client = alice
        market = make_market("Taobao")
        listing = make_listing(market, make_report(2021), reasons="Counterfeits.")

        delete_through_admin(client, listing)
        restore_through_admin(client, Listing, "Taobao in the 2021 review")

        assert market.listings.get().reasons == "Counterfeits."

    def test_a_listing_deleted_on_its_own_stays_deleted_when_its_market_comes_back(self, alice):
        _, client = alice
        market = list_market(make_market("Taobao"), 2020, 2021)
        delete_through_admin(client, market.listings.get(report__year=2020))
        delete_through_admin(client, market)

        restore_through_admin(client, Market, "Taobao")

        assert list(Listing.objects.values_list("report__year", flat=True)) == [2021]

    def test_restoring_is_refused_when_the_name_is_taken_since(self, alice):
        _, client = alice
        market = make_market("Taobao")
        delete_through_admin(client, market)
        make_market("Taobao", slug="taobao-new")

        response = restore_through_admin(client, Market, "Taobao")

        text = " ".join(messages_of(response))
        assert "“Taobao” could not be restored" in text
        assert "already exists" in text
        assert Market.objects.count() == 1
        # Still recoverable once the name is free.
        assert "Taobao" in client.get(admin_url(Market, "recover")).content.decode()

    def test_a_bad_restore_request_is_a_message_not_an_error(self, alice):
        _, client = alice
        for history_id in ("", "abc", "999999"):
            response = client.post(
                admin_url(Market, "recover"), {"history_id": history_id}, follow=True
            )
            assert response.status_code == 200
            assert "no longer among the deleted" in " ".join(messages_of(response))

    def test_a_deleted_markets_history_page_still_opens(self, alice):
        _, client = alice
        market = make_market("Taobao")
        pk = market.pk
        delete_through_admin(client, market)

        response = client.get(admin_url(Market, "history", pk))

        assert response.status_code == 200
        assert "Deleted" in response.content.decode()


class TestEditorsRights:
    def test_group_needs_no_rights_over_the_historical_tables(self):
        # Decided in settings (SIMPLE_HISTORY_ENFORCE_HISTORY_MODEL_PERMISSIONS = False):
        # history follows the rights over the entry itself.
        group = editors_group()
        assert not group.permissions.filter(codename__contains="historical").exists()

    def test_an_editor_may_see_revert_and_recover(self, alice):
        _, client = alice
        market = make_market("Taobao")
        record = records(market)[0]

        assert client.get(admin_url(Market, "history", market.pk)).status_code == 200
        page = client.get(admin_url(Market, "simple_history", market.pk, record.history_id))
        assert page.context["revert_disabled"] is False
        assert client.get(admin_url(Market, "recover")).status_code == 200


def test_history_dates_are_timezone_aware():
    market = make_market("Taobao")
    assert market.edit_history.get().history_date.tzinfo is not None
    assert isinstance(market.edit_history.get().history_date, datetime.datetime)
