"""What readers see of drafts, the same on every page, feed, filter, search and API answer.

Three rules, each written once: a company's family follows published subsidiaries only
(`Company.objects.family_ids`); a related entry is shown only once it is published
(`if_published`); a filter names only published entries (`PublishedChoiceFilter`).
"""

import datetime
import re
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse

from tests.factories import (
    list_market,
    make_article,
    make_company,
    make_figure,
    make_listing,
    make_market,
    make_outlet,
    make_report,
)
from tests.page_helpers import text_of

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


def page(client, url):
    """The page's HTML without its forms, whose choices list every published entry."""
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return re.sub(r"<form\b.*?</form>", "", response.content.decode(), flags=re.S)


def api_results(client, url, key="slug"):
    response = client.get(url, HTTP_ACCEPT="application/json")
    assert response.status_code == 200, (url, response.content[:300])
    return [item[key] for item in response.json()["results"]]


def feed_text(client, url):
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    root = ET.fromstring(response.content)
    return " ".join(element.text or "" for element in root.iter() if element.tag != f"{ATOM}link")


# --- A company's family ---------------------------------------------------------------


@pytest.fixture
def group():
    """Alibaba Group with a published subsidiary and a draft one, each running a published
    market listed in 2021 and covered by a published article; and a draft market of the
    group's own, also covered."""
    report = make_report(2021, published_on=datetime.date(2022, 2, 17))
    alibaba = make_company("Alibaba Group")
    open_unit = make_company("Open Unit", parent=alibaba)
    hidden_unit = make_company("Hidden Unit", parent=alibaba, is_published=False)
    open_bazaar = list_market(make_market("Open Bazaar", operator=open_unit), 2021)
    hidden_bazaar = list_market(make_market("Hidden Bazaar", operator=hidden_unit), 2021)
    draft_mall = make_market("Draft Mall", operator=alibaba, is_published=False)
    make_listing(draft_mall, report)
    make_article("Story on Open Bazaar", markets=[open_bazaar], published_on=report.published_on)
    make_article(
        "Story on Hidden Bazaar", markets=[hidden_bazaar], published_on=report.published_on
    )
    make_article("Story on Draft Mall", markets=[draft_mall], published_on=report.published_on)
    return alibaba


def what_each_surface_shows(client):
    """Everything each place that follows Alibaba Group's family shows, as one string."""
    return {
        "company page": page(client, "/companies/alibaba-group/"),
        "markets filter": page(client, "/markets/?company=alibaba-group"),
        "coverage filter": page(client, "/coverage/?company=alibaba-group"),
        "timeline filter": page(client, "/timeline/events/?company=alibaba-group"),
        "API markets": " ".join(api_results(client, "/api/markets/?company=alibaba-group")),
        "API listings": " ".join(
            api_results(client, "/api/listings/?company=alibaba-group", key="market_name")
        ),
        "API coverage": " ".join(
            api_results(client, "/api/articles/?company=alibaba-group", key="headline")
        ),
        "company feed": feed_text(client, "/feeds/companies/alibaba-group/"),
        "search": page(client, "/search/?q=Alibaba+Group"),
    }


def test_a_published_subsidiarys_market_is_in_the_family_everywhere(client, group):
    for surface, shown in what_each_surface_shows(client).items():
        assert "Open Bazaar" in shown or "open-bazaar" in shown, surface


def test_a_draft_subsidiarys_market_is_in_the_family_nowhere(client, group):
    for surface, shown in what_each_surface_shows(client).items():
        assert "Hidden Bazaar" not in shown and "hidden-bazaar" not in shown, surface
        assert "Hidden Unit" not in shown and "hidden-unit" not in shown, surface


def test_coverage_of_a_draft_market_is_not_coverage_of_its_operator(client, group):
    for surface, shown in what_each_surface_shows(client).items():
        assert "Story on Draft Mall" not in shown, surface
    # The story itself is published: it is in the coverage list, just not as the group's.
    assert "Story on Draft Mall" in page(client, "/coverage/")


def test_editors_see_the_whole_group_in_the_admin(editor_client, group):
    url = reverse("admin:companies_company_change", args=[group.pk])
    admin_page = editor_client.get(url).content.decode()
    assert "Hidden Bazaar</a> (via Hidden Unit)" in admin_page
    assert "Open Bazaar</a> (via Open Unit)" in admin_page


def test_ownership_through_a_draft_owner_is_not_shown(client, db):
    """Alibaba Group owns Hidden Unit (a draft), which owns Deep Unit: readers see neither
    Deep Unit in the group nor the group above Deep Unit."""
    make_report(2021)
    alibaba = make_company("Alibaba Group")
    hidden_unit = make_company("Hidden Unit", parent=alibaba, is_published=False)
    deep_unit = make_company("Deep Unit", parent=hidden_unit)
    market = list_market(make_market("Deep Bazaar", operator=deep_unit), 2021)

    assert "Deep Bazaar" not in page(client, alibaba.get_absolute_url())
    assert "deep-unit" not in " ".join(api_results(client, "/api/companies/?parent=alibaba-group"))
    for url in (deep_unit.get_absolute_url(), market.get_absolute_url()):
        shown = page(client, url)
        assert "Deep Unit" in shown, url
        assert "Alibaba Group" not in shown and "Hidden Unit" not in shown, url


# --- A related entry is shown only once it is published ---------------------------------


@pytest.fixture
def drafts_around():
    """Published entries whose related entries are drafts: an operator, a parent company,
    an outlet and a republished outlet, an edition and an article sourcing figures."""
    latest = make_report(2021, published_on=datetime.date(2022, 2, 17))
    draft_report = make_report(2019, is_published=False)
    secret_parent = make_company("Secret Parent Holdings", is_published=False)
    company = make_company("Visible Co", parent=secret_parent)
    secret_operator = make_company("Secret Operator Ltd", is_published=False)
    market = list_market(make_market("Orphan Bazaar", operator=secret_operator), 2021)
    owned = list_market(make_market("Owned Bazaar", operator=company), 2021)
    secret_outlet = make_outlet("Secret Outlet", is_published=False)
    secret_wire = make_outlet("Secret Wire", is_published=False)
    draft_article = make_article(
        "Secret draft story", markets=[market], reports=[latest], is_published=False
    )
    article = make_article(
        "Orphan Bazaar story",
        outlet=secret_outlet,
        republishes=secret_wire,
        markets=[market, owned],
        companies=[company],
        reports=[latest],
        published_on=datetime.date(2022, 3, 1),
    )
    undated = make_article(
        "Undated Orphan Bazaar note", outlet=secret_outlet, republishes=secret_wire
    )
    undated.markets.set([market])
    # A figure stated in a draft edition but reported in published coverage, and one
    # reported in draft coverage but stated in a published edition.
    from_article = make_figure(
        "12", "%", slug="share-a", source_report=draft_report, source_article=article
    )
    make_figure("34", "%", slug="share-b", source_report=latest, source_article=draft_article)
    return {
        "market": market,
        "company": company,
        "article": article,
        "figure": from_article,
        "report": latest,
        "secret_urls": [
            secret_parent.get_absolute_url(),
            secret_operator.get_absolute_url(),
            secret_outlet.get_absolute_url(),
            secret_wire.get_absolute_url(),
            draft_report.get_absolute_url(),
            draft_article.get_absolute_url(),
        ],
    }


SECRET_NAMES = [
    "Secret Parent Holdings",
    "Secret Operator Ltd",
    "Secret Outlet",
    "Secret Wire",
    "Secret draft story",
    "2019 review",
]


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/markets/",
        "/markets/orphan-bazaar/",
        "/markets/owned-bazaar/",
        "/companies/",
        "/companies/visible-co/",
        "/reports/2021/",
        "/coverage/",
        "/coverage/orphan-bazaar-story/",
        "/figures/share-a/",
        "/figures/share-b/",
        "/timeline/",
        "/search/?q=bazaar",
        "/search/?q=visible",
        "/feeds/coverage/",
        "/feeds/markets/orphan-bazaar/",
        "/feeds/companies/visible-co/",
        "/api/markets/",
        "/api/companies/",
        "/api/articles/",
        "/api/figures/",
        "/markets/?format=csv",
        "/coverage/?format=json",
    ],
)
def test_no_draft_related_entry_is_named_or_linked(client, drafts_around, url):
    shown = client.get(url, HTTP_ACCEPT="application/json" if "/api/" in url else "")
    assert shown.status_code == 200, url
    # Downloads stream.
    content = (b"".join(shown.streaming_content) if shown.streaming else shown.content).decode()
    assert not [name for name in SECRET_NAMES if name in content], url
    assert not [link for link in drafts_around["secret_urls"] if link in content], url
    for slug in ("secret-parent-holdings", "secret-operator-ltd", "secret-outlet", "secret-wire"):
        assert slug not in content, url


def test_pages_say_what_is_not_recorded_instead(client, drafts_around):
    assert "Operated by Not recorded" in text_of(client.get("/markets/orphan-bazaar/"))
    assert "Outlet not recorded" in text_of(client.get("/coverage/orphan-bazaar-story/"))
    assert "Part of No parent company recorded" in text_of(client.get("/companies/visible-co/"))
    # Each figure still gives its published source.
    assert "Reported in Orphan Bazaar story" in text_of(client.get("/figures/share-a/"))
    assert (
        "Stated in The 2021 edition (Review of Notorious Markets for Counterfeiting and Piracy)"
        in text_of(client.get("/figures/share-b/"))
    )


# --- Filters name only published entries --------------------------------------------------


@pytest.fixture
def named():
    """One published and one draft entry of each kind a filter can name."""
    make_report(2021)
    make_report(2019, is_published=False)
    company = make_company("Visible Co")
    make_company("Draft Co", is_published=False)
    market = list_market(make_market("Visible Market", operator=company), 2021)
    make_market("Draft Market", is_published=False)
    outlet = make_outlet("Visible Outlet")
    make_outlet("Draft Outlet", is_published=False)
    article = make_article("Visible story", outlet=outlet, markets=[market])
    make_article("Draft story", is_published=False)
    make_figure(slug="visible-figure", source_article=article)


# (list address, parameter, a published entry's name for it, a draft's)
FILTERS = [
    ("/markets/", "company", "visible-co", "draft-co"),
    ("/markets/", "year", "2021", "2019"),
    ("/companies/", "parent", "visible-co", "draft-co"),
    ("/coverage/", "outlet", "visible-outlet", "draft-outlet"),
    ("/coverage/", "market", "visible-market", "draft-market"),
    ("/coverage/", "company", "visible-co", "draft-co"),
    ("/coverage/", "report", "2021", "2019"),
    ("/timeline/", "company", "visible-co", "draft-co"),
    ("/timeline/", "market", "visible-market", "draft-market"),
    ("/api/markets/", "company", "visible-co", "draft-co"),
    ("/api/markets/", "year", "2021", "2019"),
    ("/api/companies/", "parent", "visible-co", "draft-co"),
    ("/api/articles/", "outlet", "visible-outlet", "draft-outlet"),
    ("/api/articles/", "market", "visible-market", "draft-market"),
    ("/api/articles/", "company", "visible-co", "draft-co"),
    ("/api/articles/", "report", "2021", "2019"),
    ("/api/listings/", "year", "2021", "2019"),
    ("/api/listings/", "market", "visible-market", "draft-market"),
    ("/api/listings/", "company", "visible-co", "draft-co"),
    ("/api/figures/", "report", "2021", "2019"),
    ("/api/figures/", "article", "visible-story", "draft-story"),
    ("/api/figures/", "market", "visible-market", "draft-market"),
]


@pytest.mark.parametrize(("url", "parameter", "published", "draft"), FILTERS)
def test_a_drafts_name_in_a_filter_is_refused_like_an_unknown_one(
    client, named, url, parameter, published, draft
):
    accept = "application/json" if url.startswith("/api/") else "text/html"
    assert client.get(url, {parameter: published}, HTTP_ACCEPT=accept).status_code == 200
    for value in (draft, "no-such-entry"):
        response = client.get(url, {parameter: value}, HTTP_ACCEPT=accept)
        assert response.status_code == 400, (url, parameter, value)
        body = response.content.decode()
        # A select's choice (Django's words) or a typed name (the lookup's).
        assert "not one of the available choices" in body or "No published" in body, (url, value)


@pytest.mark.parametrize(
    "url",
    [
        "/markets/draft-market/",
        "/companies/draft-co/",
        "/coverage/draft-story/",
        "/coverage/outlets/draft-outlet/",
        "/reports/2019/",
        "/feeds/markets/draft-market/",
        "/feeds/companies/draft-co/",
        "/api/markets/draft-market/",
        "/api/companies/draft-co/",
        "/api/outlets/draft-outlet/",
        "/api/articles/draft-story/",
        "/api/reports/2019/",
    ],
)
def test_a_drafts_address_is_a_404_for_readers(client, named, url):
    assert client.get(url).status_code == 404
