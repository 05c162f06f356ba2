"""An edition in the admin: how complete each section is, publishing it in one step with
what it needs, unpublishing it, and what readers will be told of an incomplete edition."""

import pytest
from django.contrib.auth.models import Permission, User
from django.test import Client
from django.urls import reverse

from notorious.companies.models import Company
from notorious.markets.models import Kind, Market
from notorious.reports.models import Listing, Report

from .admin_forms import admin_url, form_data, messages_of
from .factories import make_article, make_company, make_listing, make_market, make_report

pytestmark = pytest.mark.django_db


def publish_url(report):
    return reverse("admin:reports_report_publish", args=[report.pk])


def unpublish_url(report):
    return reverse("admin:reports_report_unpublish", args=[report.pk])


def confirm_publish(client, report):
    """Open the confirmation page and press its button, as an editor would."""
    page = client.get(publish_url(report))
    assert page.status_code == 200
    return client.post(publish_url(report), {"fingerprint": page.context["plan"].fingerprint})


def state(*entries):
    """Each entry's published flag, as stored."""
    return [type(e).objects.get(pk=e.pk).is_published for e in entries]


@pytest.fixture
def imported_2021():
    """A draft 2021 edition as an import leaves it: a draft market run by a draft company
    owned by a draft group, a draft market with no operator, and a published market
    already listed before, each with a draft listing."""
    group = make_company("Draft Group", is_published=False)
    operator = make_company("Draft Operator", parent=group, is_published=False)
    report = make_report(2021, is_published=False, online_count_stated=39)
    markets = [
        make_market("New Market", operator=operator, is_published=False),
        make_market("Loner", is_published=False),
        make_market("Old Friend"),
    ]
    for market in markets:
        make_listing(market, report, is_published=False)
    return {"report": report, "group": group, "operator": operator, "markets": markets}


# --- completeness on the list and the page --------------------------------------------------


def test_list_of_editions_shows_each_sections_completeness(editor_client):
    complete = make_report(2019, online_count_stated=1, physical_count_stated=0)
    make_listing(make_market("Listed"), complete)
    partial = make_report(2020, online_count_stated=39, physical_count_stated=2)
    for n in range(6):
        make_listing(make_market(f"Market {n}", is_published=n < 4), partial)
    make_report(
        2021, online_all_entered=True, physical_count_stated=3, completeness_note="Checked."
    )

    html = editor_client.get(admin_url(Report, "changelist")).content.decode()

    assert "complete (1 of 1)" in html
    assert "6 of 39 entered; 4 published" in html  # drafts included, readers' count beside
    assert "0 of 2 entered" in html
    assert "marked all entered (0)" in html
    assert "0 of 3 entered" in html


def test_edition_page_shows_completeness_beside_the_marks(editor_client):
    report = make_report(2021, online_count_stated=39, physical_count_stated=1)
    make_listing(make_market("Visible"), report)
    make_listing(make_market("Draft", is_published=False), report)
    make_listing(make_market("Stall", kind=Kind.PHYSICAL), report)

    response = editor_client.get(admin_url(Report, "change", report.pk))
    html = response.content.decode()

    form = response.context["adminform"].form
    assert {"online_all_entered", "physical_all_entered", "completeness_note"} <= set(form.fields)
    assert (
        "2 of 39 entered, drafts included: incomplete. Readers see 1 of 39 entered: incomplete."
        in html
    )
    assert "1 of 1 entered, drafts included: complete. Readers see the same." in html


def test_a_draft_editions_page_says_readers_see_nothing(editor_client, imported_2021):
    report = imported_2021["report"]
    html = editor_client.get(admin_url(Report, "change", report.pk)).content.decode()
    assert "Readers see nothing of this edition: it is a draft." in html


def test_marking_a_section_all_entered_needs_the_note(editor_client):
    report = make_report(2021)
    url = admin_url(Report, "change", report.pk)
    data = form_data(editor_client.get(url))
    data["online_all_entered"] = "on"

    response = editor_client.post(url, data)

    assert response.status_code == 200
    assert "Say how you know every listing is entered" in response.content.decode()
    assert not Report.objects.get(pk=report.pk).online_all_entered


# --- what readers will see, said on save ----------------------------------------------------


def test_saving_a_published_incomplete_edition_says_what_readers_will_see(editor_client):
    report = make_report(2021, online_count_stated=39, physical_count_stated=0)
    for n in range(6):
        make_listing(make_market(f"Market {n}"), report)
    url = admin_url(Report, "change", report.pk)

    response = editor_client.post(url, form_data(editor_client.get(url)), follow=True)

    assert (
        "Readers will see the online section as incomplete: 6 of 39 entered; online markets "
        "not entered will show as 'Not entered' for 2021, and no drops will be stated for "
        "2021." in messages_of(response)
    )
    assert not any("physical" in message for message in messages_of(response))


def test_saving_a_published_edition_with_no_listings(editor_client):
    report = make_report(2021)
    url = admin_url(Report, "change", report.pk)

    response = editor_client.post(url, form_data(editor_client.get(url)), follow=True)

    said = messages_of(response)
    assert any("no markets listed" in message for message in said)
    assert any("0 entered, and the report's count is not recorded" in message for message in said)


def test_saving_a_draft_or_a_complete_edition_warns_of_nothing(editor_client):
    draft = make_report(2020, is_published=False, online_count_stated=39)
    complete = make_report(2021, online_count_stated=1, physical_count_stated=0)
    make_listing(make_market("Only"), complete)
    for report in (draft, complete):
        url = admin_url(Report, "change", report.pk)
        response = editor_client.post(url, form_data(editor_client.get(url)), follow=True)
        assert not any("Readers will" in message for message in messages_of(response))


def test_marked_all_entered_with_hidden_listings_warns_they_read_not_listed(editor_client):
    report = make_report(
        2021, online_all_entered=True, physical_count_stated=0, completeness_note="Checked."
    )
    make_listing(make_market("Shown"), report)
    make_listing(make_market("Hidden"), report, is_published=False)
    url = admin_url(Report, "change", report.pk)

    response = editor_client.post(url, form_data(editor_client.get(url)), follow=True)

    assert any(
        "marked all entered, but readers do not see 1 of its listings" in message
        for message in messages_of(response)
    )


# --- publishing in one step -----------------------------------------------------------------


def test_the_edition_page_offers_to_publish_and_unpublish(editor_client, imported_2021):
    report = imported_2021["report"]
    html = editor_client.get(admin_url(Report, "change", report.pk)).content.decode()
    assert publish_url(report) in html
    assert unpublish_url(report) not in html  # a draft: nothing to unpublish

    published = make_report(2020, online_count_stated=0, physical_count_stated=0)
    html = editor_client.get(admin_url(Report, "change", published.pk)).content.decode()
    assert publish_url(published) not in html  # nothing left to publish
    assert unpublish_url(published) in html


def test_the_confirmation_lists_exactly_what_becomes_public(editor_client, imported_2021):
    report = imported_2021["report"]

    response = editor_client.get(publish_url(report))
    html = response.content.decode()

    assert response.status_code == 200
    plan = response.context["plan"]
    assert plan.edition_is_draft
    assert [listing.market.name for listing in plan.listings] == [
        "Loner",
        "New Market",
        "Old Friend",
    ]
    assert [market.name for market in plan.markets] == ["Loner", "New Market"]
    assert [(company.name, why) for company, why in plan.companies] == [
        ("Draft Group", "owns Draft Operator"),
        ("Draft Operator", "operates New Market"),
    ]
    assert "What will become public (8)" in html
    assert "Draft Operator</a> (operates New Market)" in html
    # The edition states 39 online markets: readers will be told it is incomplete.
    assert "Readers will see the online section as incomplete: 3 of 39 entered" in html
    assert "Yes, publish all of this" in html
    # Nothing happens on opening the page.
    assert state(report, *imported_2021["markets"]) == [False, False, False, True]


def test_publishing_publishes_everything_in_one_step_with_history(editor_client, imported_2021):
    report = imported_2021["report"]

    response = confirm_publish(editor_client, report)

    assert response.status_code == 302
    assert response["Location"] == admin_url(Report, "change", report.pk)
    entries = [report, imported_2021["group"], imported_2021["operator"], *Listing.objects.all()]
    entries += imported_2021["markets"]
    assert all(state(*entries))
    for entry in [report, imported_2021["operator"], *imported_2021["markets"][:2]]:
        record = type(entry).edit_history.filter(id=entry.pk).latest("history_date")
        assert record.history_user.username == "editor"
        assert record.history_change_reason == "Published with the 2021 edition"
    # The published market was not saved again.
    old_friend = imported_2021["markets"][2]
    assert old_friend.edit_history.count() == 1
    said = messages_of(editor_client.get(admin_url(Report, "change", report.pk)))
    assert "Published the 2021 edition, 3 listings, 2 markets and 2 companies." in said
    assert any("Readers will see the online section as incomplete" in m for m in said)
    # Readers see it now.
    assert Client().get(report.get_absolute_url()).status_code == 200


def test_publishing_a_complete_edition_warns_of_nothing(editor_client):
    report = make_report(2021, is_published=False, online_count_stated=1, physical_count_stated=0)
    make_listing(make_market("Only"), report, is_published=False)

    page = editor_client.get(publish_url(report))
    assert "What readers will be told" not in page.content.decode()
    confirm_publish(editor_client, report)
    said = messages_of(editor_client.get(admin_url(Report, "change", report.pk)))
    assert said == ["Published the 2021 edition and 1 listing."]


def test_an_edition_with_nothing_left_to_publish(editor_client):
    report = make_report(2021)

    page = editor_client.get(publish_url(report))

    assert "Nothing to publish" in page.content.decode()
    assert "Yes, publish" not in page.content.decode()


def test_what_changed_since_the_confirmation_is_not_published_unseen(editor_client, imported_2021):
    report = imported_2021["report"]
    page = editor_client.get(publish_url(report))
    late = make_listing(make_market("Late Arrival", is_published=False), report, is_published=False)

    response = editor_client.post(
        publish_url(report), {"fingerprint": page.context["plan"].fingerprint}
    )

    assert response.status_code == 409
    assert "has changed since the confirmation page was opened" in response.content.decode()
    assert "Late Arrival" in response.content.decode()
    assert state(report, late, *imported_2021["markets"]) == [False, False, False, False, True]


def test_publishing_needs_the_right_to_change_what_it_publishes(client, imported_2021):
    user = User.objects.create_user("partial", "partial@example.org", "pw-partial-123")
    user.is_staff = True
    user.save()
    for codename in ("view_report", "change_report", "change_listing", "change_market"):
        user.user_permissions.add(Permission.objects.get(codename=codename))
    client.force_login(user)
    report = imported_2021["report"]

    page = client.get(publish_url(report))
    response = client.post(publish_url(report), {"fingerprint": page.context["plan"].fingerprint})

    assert page.status_code == 200
    assert "it would publish companies, which your account may not change" in (
        page.content.decode()
    )
    assert "Yes, publish" not in page.content.decode()
    assert response.status_code == 403
    assert not Report.objects.get(pk=report.pk).is_published
    assert not Listing.objects.filter(is_published=True).exists()
    assert not Company.objects.filter(is_published=True).exists()


def test_publishing_is_a_post_with_the_csrf_token(editor, imported_2021):
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    report = imported_2021["report"]
    fingerprint = client.get(publish_url(report)).context["plan"].fingerprint

    response = client.post(publish_url(report), {"fingerprint": fingerprint})

    assert response.status_code == 403
    assert not Report.objects.get(pk=report.pk).is_published


def test_an_unknown_edition_is_not_found(editor_client):
    assert editor_client.get(reverse("admin:reports_report_publish", args=[999])).status_code == 404
    assert editor_client.post(
        reverse("admin:reports_report_unpublish", args=[999])
    ).status_code == (404)


# --- unpublishing ---------------------------------------------------------------------------


@pytest.fixture
def three_editions():
    """Complete 2019, 2020 and 2021 editions: Comeback returns in 2021 after 2020 dropped it,
    Steady continues, and an article covers the 2020 edition."""
    reports = {
        year: make_report(year, online_count_stated=count, physical_count_stated=0)
        for year, count in ((2019, 2), (2020, 1), (2021, 2))
    }
    steady, comeback = make_market("Steady"), make_market("Comeback")
    for year in (2019, 2020, 2021):
        make_listing(steady, reports[year])
    for year in (2019, 2021):
        make_listing(comeback, reports[year])
    make_article("Coverage of the 2020 review", reports=[reports[2020]])
    return reports


def test_the_unpublish_confirmation_lists_what_readers_lose(editor_client, three_editions):
    report = three_editions[2020]

    html = editor_client.get(unpublish_url(report)).content.decode()

    assert "Only the edition changes" in html
    assert report.get_absolute_url() in html
    assert "the edition's listings disappear (1)" in html
    assert "Steady (online section)" in html
    # 2020 dropped Comeback and 2021 brought it back: both rest on the 2020 edition.
    assert "Comeback, 2020: “Dropped” is no longer stated" in html
    assert "Comeback, 2021: “Returning” becomes “Listed”" in html
    assert "Links to it from 1 article" in html
    assert Report.objects.get(pk=report.pk).is_published


def test_unpublishing_the_latest_edition_says_which_becomes_latest(editor_client, three_editions):
    html = editor_client.get(unpublish_url(three_editions[2021])).content.decode()
    assert "becomes the 2020 edition" in html


def test_unpublishing_takes_back_the_edition_only(editor_client, three_editions):
    report = three_editions[2020]

    response = editor_client.post(unpublish_url(report), follow=True)

    assert not Report.objects.get(pk=report.pk).is_published
    assert all(Listing.objects.values_list("is_published", flat=True))
    assert all(Market.objects.values_list("is_published", flat=True))
    record = report.edit_history.latest("history_date")
    assert record.history_user.username == "editor"
    assert record.history_change_reason == "Unpublished (made a draft)"
    assert any("is a draft again" in message for message in messages_of(response))
    assert Client().get(report.get_absolute_url()).status_code == 404


def test_unpublishing_a_draft_does_nothing(editor_client, imported_2021):
    report = imported_2021["report"]
    assert "Nothing to unpublish" in editor_client.get(unpublish_url(report)).content.decode()
    response = editor_client.post(unpublish_url(report), follow=True)
    assert "Nothing to do: the 2021 edition was a draft already." in messages_of(response)


def test_the_lists_publish_action_says_what_readers_will_see(editor_client):
    report = make_report(2021, is_published=False, online_count_stated=39)

    response = editor_client.post(
        admin_url(Report, "changelist"),
        {"action": "publish", "_selected_action": [report.pk]},
        follow=True,
    )

    assert Report.objects.get(pk=report.pk).is_published
    assert any(
        message.startswith("2021: Readers will see the online section as incomplete: 0 of 39")
        for message in messages_of(response)
    )
