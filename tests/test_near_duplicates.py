"""The listings import's preview warns of markets and companies it would create that may be
on record already, and lets the editor record the new name as an alias instead."""

import io

import pytest
from django.contrib.auth.models import Permission, User
from django.urls import reverse

from notorious.companies.models import Company
from notorious.markets.models import Kind, Market
from notorious.reports.importer import plan_import
from notorious.reports.models import Listing, Report
from notorious.reports.near_duplicates import candidates_for, folded
from tests.factories import make_company, make_market

from .admin_forms import messages_of

pytestmark = pytest.mark.django_db

HEADER = (
    "year,market,kind,category,country,city,company,parent_company,aliases,website,reasons,"
    "quote,page"
)


def csv_of(*rows):
    return "\n".join([HEADER, *rows]) + "\n"


def import_url():
    return reverse("admin:reports_report_import_listings")


def upload(client, text):
    data = io.BytesIO(text.encode())
    data.name = "listings.csv"
    return client.post(import_url(), {"file": data})


def token_of(response):
    return response.context["confirm_form"]["token"].value()


def names_of(candidates):
    return [candidate.obj.name for candidate in candidates]


@pytest.fixture
def kickass():
    return make_market("KickassTorrents", aliases="KAT", domains="kickass.to\nkat.cr")


# --- finding them -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name,expected",
    [
        ("Kat.ph", "kat"),
        ("www.allofmp3.com", "allofmp3"),
        ("All of MP3", "allofmp3"),
        ("example.co.uk", "example"),
        ("微信", "微信"),
    ],
)
def test_names_are_compared_without_case_punctuation_or_domain_ending(name, expected):
    assert folded(name) == expected


def test_a_name_that_is_an_alias_once_its_domain_ending_is_set_aside(kickass):
    [candidate] = candidates_for(Market, "Kat.ph", kind=Kind.ONLINE)
    assert candidate.obj == kickass
    assert candidate.reasons == (
        "same name as “KAT” once case, punctuation and domain ending are set aside",
    )


def test_a_name_that_is_a_domain_of_an_existing_market(kickass):
    [candidate] = candidates_for(Market, "kickass.to", kind=Kind.ONLINE)
    assert "same domain kickass.to" in candidate.reasons


def test_the_same_website_domain_under_another_name():
    bay = make_market("The Pirate Bay", domains="thepiratebay.org")
    [candidate] = candidates_for(Market, "TPB", ["www.thepiratebay.org"], Kind.ONLINE)
    assert candidate.obj == bay
    assert candidate.reasons == ("same domain thepiratebay.org",)


def test_a_similar_name():
    make_market("vKontakte")
    make_market("Taobao")
    assert names_of(candidates_for(Market, "VK", kind=Kind.ONLINE)) == ["vKontakte"]
    assert candidates_for(Market, "VK", kind=Kind.ONLINE)[0].reasons == ("a similar name",)


def test_a_domain_name_and_a_plain_name():
    make_market("Allofmp3")
    assert names_of(candidates_for(Market, "allofmp3.com", kind=Kind.ONLINE)) == ["Allofmp3"]


def test_unrelated_names_and_other_kinds_are_not_near_duplicates():
    make_market("AliExpress")
    make_market("Silk Market", kind=Kind.PHYSICAL)
    assert candidates_for(Market, "Alibaba", kind=Kind.ONLINE) == []
    assert candidates_for(Market, "Silk Market Annex", kind=Kind.ONLINE) == []


def test_companies_by_name_and_alias():
    make_company("Alibaba Group", aliases="阿里巴巴")
    assert names_of(candidates_for(Company, "Alibaba Group Holding")) == ["Alibaba Group"]
    assert names_of(candidates_for(Company, "阿里巴巴.")) == ["Alibaba Group"]


def test_the_plan_lists_the_near_duplicates_of_what_it_creates(kickass):
    make_company("Tencent Holdings")
    plan = plan_import(
        csv_of(
            "2021,Kat.ph,online,,,,,,,,,,",
            "2021,Brand New,online,,,,Tencent,,,,,,",
            "2021,KickassTorrents,online,,,,,,,,,,",
        )
    )

    found = [(near.line, near.model, near.name) for near in plan.near_duplicates]
    assert found == [(2, "market", "Kat.ph"), (3, "company", "Tencent")]


# --- the preview ----------------------------------------------------------------------------


def test_the_preview_warns_and_offers_to_record_an_alias(editor_client, kickass):
    response = upload(editor_client, csv_of("2021,Kat.ph,online,,,,,,,,,,"))
    page = response.content.decode()

    assert "Possibly on record already (1)" in page
    assert "Line 2: new market “Kat.ph” resembles:" in page
    assert "Record “Kat.ph” as an alias of KickassTorrents and use it" in page
    assert "known as KAT" in page
    assert not Market.objects.filter(name="Kat.ph").exists()


def test_recording_the_alias_imports_the_rows_onto_the_existing_market(editor_client, kickass):
    text = csv_of(
        "2021,Kat.ph,online,,,,,,,,Torrent index.,,",
        "2021,Brand New,online,,,,,,,,,,",
    )
    preview = upload(editor_client, text)

    done = editor_client.post(
        import_url(),
        {"token": token_of(preview), "same_as:market:Kat.ph": str(kickass.pk)},
        follow=True,
    )

    assert done.status_code == 200
    kickass.refresh_from_db()
    assert kickass.alias_list == ["KAT", "Kat.ph"]
    assert not Market.objects.filter(name="Kat.ph").exists()
    listing = Listing.objects.get(market=kickass)
    assert listing.report.year == 2021
    assert listing.reasons == "Torrent index."
    assert Market.objects.filter(name="Brand New").exists()  # the rest of the file too


def test_leaving_the_choice_creates_the_new_market(editor_client, kickass):
    preview = upload(editor_client, csv_of("2021,Kat.ph,online,,,,,,,,,,"))
    editor_client.post(import_url(), {"token": token_of(preview), "same_as:market:Kat.ph": ""})
    assert Market.objects.filter(name="Kat.ph").exists()
    assert Market.objects.get(pk=kickass.pk).alias_list == ["KAT"]


def test_preview_again_shows_the_import_with_the_choice(editor_client, kickass):
    preview = upload(editor_client, csv_of("2021,Kat.ph,online,,,,,,,,,,"))

    again = editor_client.post(
        import_url(),
        {
            "token": token_of(preview),
            "same_as:market:Kat.ph": str(kickass.pk),
            "preview_again": "Preview again with these choices",
        },
    )
    page = again.content.decode()

    assert again.status_code == 200
    changes = [str(change) for change in again.context["plan"].changes]
    assert 'market "KickassTorrents": aliases: KAT → KAT, Kat.ph' in changes
    assert f'value="{kickass.pk}" checked' in page
    assert Market.objects.get(pk=kickass.pk).alias_list == ["KAT"]  # nothing written
    assert not Report.objects.exists()


def test_a_company_recorded_as_an_alias_operates_the_market(editor_client):
    alibaba = make_company("Alibaba Group")
    preview = upload(editor_client, csv_of("2021,Taobao,online,,,,Alibaba Group Holding,,,,,,"))

    editor_client.post(
        import_url(),
        {"token": token_of(preview), "same_as:company:Alibaba Group Holding": str(alibaba.pk)},
    )

    assert Company.objects.get() == alibaba
    assert Company.objects.get().alias_list == ["Alibaba Group Holding"]
    assert Market.objects.get(name="Taobao").operator == alibaba


def test_a_choice_that_breaks_the_file_imports_nothing(editor_client, kickass):
    # Both names are then one market, listed twice in 2021: all or nothing.
    text = csv_of("2021,Kat.ph,online,,,,,,,,,,", "2021,KickassTorrents,online,,,,,,,,,,")
    preview = upload(editor_client, text)

    response = editor_client.post(
        import_url(), {"token": token_of(preview), "same_as:market:Kat.ph": str(kickass.pk)}
    )

    page = response.content.decode()
    assert "With your choices below the file does not import" in page
    assert "a market is listed once per edition" in page
    assert "choose again and preview" in page
    assert f'value="{kickass.pk}" checked' in page
    assert "Import these listings" not in page
    assert not Listing.objects.exists()
    assert not Report.objects.exists()
    assert Market.objects.get(pk=kickass.pk).alias_list == ["KAT"]


def test_a_choice_the_preview_did_not_offer_is_refused(editor_client, kickass):
    unrelated = make_market("Unrelated")
    preview = upload(editor_client, csv_of("2021,Kat.ph,online,,,,,,,,,,"))

    response = editor_client.post(
        import_url(), {"token": token_of(preview), "same_as:market:Kat.ph": str(unrelated.pk)}
    )

    assert "“Kat.ph” can no longer be recorded as an alias" in response.content.decode()
    assert Market.objects.get(pk=unrelated.pk).alias_list == []
    assert not Listing.objects.exists()


def test_recording_an_alias_needs_the_right_to_change_the_market(client, kickass):
    user = User.objects.create_user("importer", "importer@example.org", "pw-importer-123")
    user.is_staff = True
    user.save()
    user.user_permissions.add(Permission.objects.get(codename="add_listing"))
    client.force_login(user)

    preview = upload(client, csv_of("2021,Kat.ph,online,,,,,,,,,,"))
    assert "Record “Kat.ph” as an alias" not in preview.content.decode()
    assert "which your account may not do" in preview.content.decode()

    response = client.post(
        import_url(), {"token": token_of(preview), "same_as:market:Kat.ph": str(kickass.pk)}
    )
    assert "can no longer be recorded as an alias" in response.content.decode()
    assert Market.objects.get(pk=kickass.pk).alias_list == ["KAT"]


# --- after the import ---------------------------------------------------------------------


def test_after_an_import_each_edition_links_to_its_publish_page(editor_client):
    preview = upload(editor_client, csv_of("2021,Taobao,online,,,,,,,,,,"))

    done = editor_client.post(import_url(), {"token": token_of(preview)}, follow=True)

    report = Report.objects.get(year=2021)
    publish = reverse("admin:reports_report_publish", args=[report.pk])
    assert any(publish in message for message in messages_of(done))
    assert publish in done.content.decode()


def test_a_file_that_is_not_utf8_is_refused_by_its_preview(editor_client):
    data = io.BytesIO((HEADER + "\n2021,Caf\xe9,online,,,,,,,,,,\n").encode("latin-1"))
    data.name = "listings.csv"

    response = editor_client.post(import_url(), {"file": data})

    assert response.status_code == 200
    assert "is not UTF-8 text" in response.content.decode()
    assert response.context["confirm_form"] is None
