"""Two editors, one entry: the second save is refused, naming who changed it and when,
instead of silently overwriting the first (optimistic locking in the admin)."""

import pytest

from notorious.core.edit_history import moment_label
from notorious.markets.models import Market
from notorious.reports.models import Listing

from .admin_forms import admin_url, form_data, messages_of
from .factories import (
    make_article,
    make_company,
    make_figure,
    make_listing,
    make_market,
    make_outlet,
    make_report,
)

pytestmark = pytest.mark.django_db


def errors_of(response):
    """The form's errors as the editor reads them at the top of the page."""
    return " ".join(str(e) for e in response.context["adminform"].form.non_field_errors())


class TestTwoEditorsOneMarket:
    def test_second_save_is_refused_naming_who_and_when(self, alice, bob):
        (_, alice_client), (_, bob_client) = alice, bob
        market = make_market("Taobao", description="Original description.", city="")
        url = admin_url(Market, "change", market.pk)
        # Both open the market.
        alice_form = form_data(alice_client.get(url))
        bob_form = form_data(bob_client.get(url))

        # Alice saves first.
        alice_form["description"] = "Alice's description."
        response = alice_client.post(url, alice_form)
        assert response.status_code == 302

        # Bob saves his own change from the page he opened before Alice saved.
        bob_form["description"] = "Bob's description."
        bob_form["city"] = "Hangzhou"
        response = bob_client.post(url, bob_form)

        assert response.status_code == 200  # the form again, not a redirect
        change = market.edit_history.latest("history_date")
        assert change.history_user.username == "alice"
        message = errors_of(response)
        assert "The market “Taobao” was changed by alice" in message
        assert f"at {moment_label(change.history_date)}" in message
        assert "after you opened this page" in message
        assert "Changed: description." in message
        assert "your edits were not saved" in message
        assert "Please correct the error below" in response.content.decode()
        # Bob's edits are still in his form, for him to copy...
        assert response.context["adminform"].form["description"].value() == "Bob's description."
        # ...but nothing of them reached the database: Alice's change stands.
        market.refresh_from_db()
        assert market.description == "Alice's description."
        assert market.city == ""

        # Saving the same stale form again is still refused.
        assert bob_client.post(url, bob_form).status_code == 200
        market.refresh_from_db()
        assert market.description == "Alice's description."

        # Bob reloads, sees Alice's text, makes his change again and saves.
        reloaded = form_data(bob_client.get(url))
        assert reloaded["description"] == "Alice's description."
        reloaded["city"] = "Hangzhou"
        response = bob_client.post(url, reloaded)

        assert response.status_code == 302
        market.refresh_from_db()
        assert (market.description, market.city) == ("Alice's description.", "Hangzhou")

    def test_message_time_is_written_out(self, alice, bob):
        (_, alice_client), (_, bob_client) = alice, bob
        market = make_market("WeChat")
        url = admin_url(Market, "change", market.pk)
        bob_form = form_data(bob_client.get(url))
        alice_form = form_data(alice_client.get(url))
        alice_client.post(url, {**alice_form, "city": "Shenzhen"})

        message = errors_of(bob_client.post(url, {**bob_form, "city": "Beijing"}))

        # e.g. "at 14:02 UTC on 26 November 2026"
        assert any(
            month in message
            for month in ("January", "February", "March", "April", "May", "June", "July")
            + ("August", "September", "October", "November", "December")
        )
        assert " UTC on " in message

    def test_both_editors_saving_without_overlap_both_succeed(self, alice, bob):
        (_, alice_client), (_, bob_client) = alice, bob
        market = make_market("Pinduoduo")
        url = admin_url(Market, "change", market.pk)

        form = form_data(alice_client.get(url))
        assert alice_client.post(url, {**form, "city": "Shanghai"}).status_code == 302
        form = form_data(bob_client.get(url))
        assert bob_client.post(url, {**form, "description": "Bob's."}).status_code == 302

        market.refresh_from_db()
        assert (market.city, market.description) == ("Shanghai", "Bob's.")

    def test_a_publish_action_in_between_also_counts(self, alice, bob):
        (_, alice_client), (_, bob_client) = alice, bob
        market = make_market("Draft Market", is_published=False)
        url = admin_url(Market, "change", market.pk)
        bob_form = form_data(bob_client.get(url))

        alice_client.post(
            admin_url(Market, "changelist"), {"action": "publish", "_selected_action": [market.pk]}
        )
        response = bob_client.post(url, {**bob_form, "description": "Bob's."})

        assert response.status_code == 200
        assert "changed by alice" in errors_of(response)
        assert "Changed: published." in errors_of(response)
        market.refresh_from_db()
        # Bob's stale form still said "draft": publishing is not undone behind Alice's back.
        assert market.is_published is True
        assert market.description == ""


def one_of_each():
    report = make_report(2021)
    market = make_market("Taobao", operator=make_company("Alibaba Group"))
    listing = make_listing(market, report, reasons="Counterfeits.")
    outlet = make_outlet("TSF")
    article = make_article("Taobao named", outlet=outlet, markets=[market])
    figure = make_figure(source_report=report)
    return [market.operator, market, report, listing, outlet, article, figure]


def test_every_content_model_refuses_a_stale_save(alice, bob):
    (_, alice_client), (_, bob_client) = alice, bob
    for obj in one_of_each():
        url = admin_url(obj, "change", obj.pk)
        bob_form = form_data(bob_client.get(url))
        assert alice_client.post(url, form_data(alice_client.get(url))).status_code == 302, obj

        response = bob_client.post(url, bob_form)

        assert response.status_code == 200, obj
        assert "changed by alice" in errors_of(response), obj


def test_listing_rows_on_a_stale_market_page_are_refused(alice, bob):
    (_, alice_client), (_, bob_client) = alice, bob
    market = make_market("Taobao")
    listing = make_listing(market, make_report(2021), reasons="Original reasons.")
    market_url = admin_url(Market, "change", market.pk)
    bob_form = form_data(bob_client.get(market_url))

    # Alice edits the listing on its own page: the market itself does not change.
    listing_url = admin_url(Listing, "change", listing.pk)
    alice_form = form_data(alice_client.get(listing_url))
    alice_form["reasons"] = "Alice's reasons."
    assert alice_client.post(listing_url, alice_form).status_code == 302

    # Bob's market page still shows the old reasons in its listing row; he edits the row.
    bob_form["listings-0-reasons"] = "Bob's reasons."
    response = bob_client.post(market_url, bob_form)

    assert response.status_code == 200
    row_errors = " ".join(
        str(error)
        for inline in response.context["inline_admin_formsets"]
        for form in inline.formset.forms
        for error in form.non_field_errors()
    )
    assert "The listing “Taobao in the 2021 review” was changed by alice" in row_errors
    listing.refresh_from_db()
    assert listing.reasons == "Alice's reasons."


def test_reverting_an_entry_someone_changed_since_is_refused(alice, bob):
    (_, alice_client), (_, bob_client) = alice, bob
    market = make_market("Taobao", description="First.")
    market.description = "Second."
    market.save()
    first = market.edit_history.earliest("history_date")
    revert_url = admin_url(Market, "simple_history", market.pk, first.history_id)
    bob_form = form_data(bob_client.get(revert_url))
    assert bob_form["description"] == "First."

    url = admin_url(Market, "change", market.pk)
    form = form_data(alice_client.get(url))
    assert alice_client.post(url, {**form, "description": "Third."}).status_code == 302
    response = bob_client.post(revert_url, bob_form)

    assert response.status_code == 200
    assert "changed by alice" in errors_of(response)
    market.refresh_from_db()
    assert market.description == "Third."


def test_conflict_message_names_an_import_when_no_editor_changed_it(bob):
    _, bob_client = bob
    market = make_market("Taobao")
    url = admin_url(Market, "change", market.pk)
    bob_form = form_data(bob_client.get(url))
    market.description = "Changed by a script."
    market.save()  # outside any request: no user to record

    response = bob_client.post(url, {**bob_form, "description": "Bob's."})

    assert "was changed by an import or a script at" in errors_of(response)
    assert messages_of(response) == []


@pytest.mark.parametrize("version", [None, ""])
def test_a_change_posted_without_its_version_is_refused_not_saved(bob, version):
    """A script or integration posting the change form without the hidden version field
    would otherwise overwrite whatever was saved since: it is refused, saying why."""
    _, bob_client = bob
    market = make_market("Taobao", description="Original.")
    url = admin_url(Market, "change", market.pk)
    posted = {**form_data(bob_client.get(url)), "description": "Overwritten."}
    del posted["opened_version"]
    if version is not None:
        posted["opened_version"] = version

    response = bob_client.post(url, posted)

    assert response.status_code == 200
    assert "was sent without the version it was opened at" in errors_of(response)
    assert "nothing was saved" in errors_of(response)
    market.refresh_from_db()
    assert market.description == "Original."
    # The admin's own form, with its version, still saves.
    posted = {**form_data(bob_client.get(url)), "description": "Edited."}
    assert bob_client.post(url, posted).status_code == 302
