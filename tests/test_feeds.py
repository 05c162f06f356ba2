"""Atom feeds, sitemap.xml and robots.txt: valid XML, published entries only."""

import datetime
import xml.etree.ElementTree as ET

import feedparser
import pytest
from django.urls import reverse
from django.utils import timezone

from notorious.companies.models import Company
from notorious.markets.models import Market
from notorious.reports.models import Listing, Report
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

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


@pytest.fixture
def world():
    """The demo's shape: Alibaba Group (with a subsidiary running Taobao) and Tencent."""
    make_report(2020, published_on=datetime.date(2021, 1, 14))
    make_report(2021, published_on=datetime.date(2022, 2, 17), online_count_stated=42)
    alibaba = make_company("Alibaba Group")
    subsidiary = make_company("Zhejiang Example Holdings", parent=alibaba)
    tencent = make_company("Tencent")
    aliexpress = list_market(make_market("AliExpress", operator=alibaba), 2021)
    taobao = list_market(make_market("Taobao", operator=subsidiary), 2020, 2021)
    wechat = list_market(make_market("WeChat", operator=tencent), 2021)
    tsf = make_outlet("TSF")
    about_aliexpress = make_article(
        "AliExpress named for the first time",
        outlet=tsf,
        published_on=datetime.date(2022, 2, 18),
        summary="Counterfeits & fakes <b>sold</b> online.",
        markets=[aliexpress],
    )
    about_wechat = make_article(
        "WeChat named for the first time",
        published_on=datetime.date(2022, 2, 19),
        markets=[wechat],
    )
    about_alibaba = make_article(
        "Alibaba answers the review", published_on=datetime.date(2022, 2, 20), companies=[alibaba]
    )
    return locals()


def atom(client, url):
    """The feed at `url`, parsed; fails unless it is a well-formed Atom document."""
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)
    assert root.tag == f"{ATOM}feed"
    assert root.find(f"{ATOM}id") is not None and root.find(f"{ATOM}updated") is not None
    return root


def entry_titles(feed):
    return [entry.findtext(f"{ATOM}title") for entry in feed.iter(f"{ATOM}entry")]


def test_coverage_feed_lists_published_coverage_newest_first(client, world):
    make_article("Draft story", is_published=False)

    feed = atom(client, reverse("feeds:coverage"))

    assert entry_titles(feed) == [
        "Alibaba answers the review",
        "WeChat named for the first time",
        "AliExpress named for the first time",
    ]
    for entry in feed.iter(f"{ATOM}entry"):
        for tag in ("id", "updated", "link", "summary"):
            assert entry.find(f"{ATOM}{tag}") is not None, tag


def test_coverage_entry_credits_the_outlet_and_escapes_the_summary(client, world):
    feed = atom(client, reverse("feeds:coverage"))
    entry = next(
        e
        for e in feed.iter(f"{ATOM}entry")
        if e.findtext(f"{ATOM}title") == "AliExpress named for the first time"
    )

    assert entry.findtext(f"{ATOM}author/{ATOM}name") == "TSF"
    assert entry.find(f"{ATOM}published").text.startswith("2022-02-18")
    # The summary is HTML: the editors' plain text arrives escaped, so "<b>" stays text.
    assert entry.find(f"{ATOM}summary").get("type") == "html"
    assert "&lt;b&gt;sold&lt;/b&gt;" in entry.findtext(f"{ATOM}summary")
    assert (
        entry.find(f"{ATOM}link").get("href").endswith(world["about_aliexpress"].get_absolute_url())
    )


def test_editions_feed_lists_published_editions(client, world):
    make_report(2022, is_published=False)

    feed = atom(client, reverse("feeds:editions"))

    # No title is recorded: the feed makes none up.
    assert entry_titles(feed) == ["The 2021 edition", "The 2020 edition"]
    summary = next(feed.iter(f"{ATOM}entry")).findtext(f"{ATOM}summary")
    assert "Published 17 February 2022 by Office of the United States Trade" in summary
    assert "as the Review of Notorious Markets for Counterfeiting and Piracy." in summary
    assert "It lists 42 online markets." in summary
    # Three of the 42 are entered: the entry says so.
    assert "Not every listing is entered here yet: 3 of 42 online markets entered." in summary


def test_editions_feed_says_nothing_is_missing_from_a_complete_edition(client):
    make_report(
        2008,
        title="2008 Special 301 Report",
        online_count_stated=1,
        physical_count_stated=0,
        completeness_note="Checked against the report.",
    )
    list_market(make_market("Old Site"), 2008)

    feed = atom(client, reverse("feeds:editions"))

    assert entry_titles(feed) == ["2008 Special 301 Report"]
    summary = next(feed.iter(f"{ATOM}entry")).findtext(f"{ATOM}summary")
    assert "as part of the Special 301 Report." in summary
    assert "Not every listing is entered" not in summary
    assert "On completeness: Checked against the report." in summary


def test_market_feed_has_its_listings_and_coverage_only(client, world):
    feed = atom(client, reverse("feeds:market", kwargs={"slug": "aliexpress"}))

    # Its first listing entered, but earlier editions are not all entered: no "(new)".
    assert entry_titles(feed) == [
        "AliExpress named for the first time",
        "AliExpress named in the 2021 review (first entered; earlier editions are incomplete)",
    ]
    assert feed.findtext(f"{ATOM}title") == "Notorious: AliExpress"
    listing = list(feed.iter(f"{ATOM}entry"))[1].findtext(f"{ATOM}summary")
    assert "Listed in the online section of the 2021 edition (Review of Notorious" in listing
    assert (
        "This is the first listing of AliExpress entered here; it may not be its first: "
        "earlier editions are incomplete (no edition on record for 2006–2019; online section "
        "incomplete in 2020)." in listing
    )


def test_market_feed_states_confirmed_statuses_and_drops(client):
    # Every edition since 2018 complete; a source says 2018 is Bazaar's first listing.
    for year in (2018, 2019, 2020, 2021):
        published_on = datetime.date(year + 1, 2, 1)
        make_report(
            year, published_on=published_on, online_all_entered=True, completeness_note="Checked."
        )
    bazaar = make_market("Bazaar")
    make_listing(bazaar, Report.objects.get(year=2018), source_says_first=True)
    list_market(bazaar, 2019, 2021)

    feed = atom(client, reverse("feeds:market", kwargs={"slug": "bazaar"}))

    assert entry_titles(feed) == [
        "Bazaar named in the 2021 review (returning)",
        "Bazaar not named in the 2020 review (dropped)",
        "Bazaar named in the 2019 review (continuing)",
        "Bazaar named in the 2018 review (new)",
    ]
    links = [entry.find(f"{ATOM}link").get("href") for entry in feed.iter(f"{ATOM}entry")]
    assert len(set(links)) == 4  # an Atom entry's id is its link: each is its own


def test_a_drop_is_not_stated_while_the_edition_is_incomplete(client):
    list_market(make_market("Bazaar"), 2019)
    make_report(2020, online_count_stated=39)
    list_market(make_market("Other"), 2019, 2020)

    feed = atom(client, reverse("feeds:market", kwargs={"slug": "bazaar"}))

    assert entry_titles(feed) == [
        "Bazaar named in the 2019 review (first entered; earlier editions are incomplete)"
    ]
    # Named in two editions running: continuing, whatever else is missing.
    feed = atom(client, reverse("feeds:market", kwargs={"slug": "other"}))
    assert entry_titles(feed)[0] == "Other named in the 2020 review (continuing)"


def test_continuing_or_returning_is_not_stated_when_the_year_before_is_incomplete(client):
    make_report(2019, online_count_stated=5)
    list_market(make_market("Gapped"), 2018, 2020)

    feed = atom(client, reverse("feeds:market", kwargs={"slug": "gapped"}))

    latest = next(feed.iter(f"{ATOM}entry"))
    assert latest.findtext(f"{ATOM}title") == "Gapped named in the 2020 review"
    assert (
        "Whether it was also named in the 2019 review (continuing) or not (returning) is not "
        "known: the 2019 review: 0 of 5 online markets entered."
        in latest.findtext(f"{ATOM}summary")
    )


def test_market_feed_omits_draft_listings_editions_and_coverage(client, world):
    taobao = world["taobao"]
    Listing.objects.filter(market=taobao, report__year=2020).update(is_published=False)
    make_listing(taobao, make_report(2019, is_published=False))
    make_article("Draft Taobao story", markets=[taobao], is_published=False)

    feed = atom(client, reverse("feeds:market", kwargs={"slug": "taobao"}))

    # Against what readers can see, 2021 is Taobao's first listing.
    assert entry_titles(feed) == [
        "Taobao named in the 2021 review (first entered; earlier editions are incomplete)"
    ]


@pytest.mark.parametrize("name", ["feeds:market", "feeds:company"])
def test_feeds_of_drafts_and_unknown_slugs_are_404(client, world, name):
    make_market("Draft Market", is_published=False)
    make_company("Draft Company", is_published=False)

    for slug in ("draft-market", "draft-company", "no-such-thing"):
        assert client.get(reverse(name, kwargs={"slug": slug})).status_code == 404


def test_company_feed_covers_its_subsidiaries_markets(client, world):
    feed = atom(client, reverse("feeds:company", kwargs={"slug": "alibaba-group"}))

    titles = entry_titles(feed)
    assert set(titles) == {
        "Alibaba answers the review",
        "AliExpress named for the first time",
        "AliExpress named in the 2021 review (first entered; earlier editions are incomplete)",
        "Taobao named in the 2021 review (continuing)",
        "Taobao named in the 2020 review (first entered; earlier editions are incomplete)",
    }
    assert not [t for t in titles if "WeChat" in t]


def test_company_feed_does_not_follow_draft_subsidiaries(client, world):
    draft = make_company("Draft Holdings", parent=world["alibaba"], is_published=False)
    list_market(make_market("Hidden Bazaar", operator=draft), 2021)

    feed = atom(client, reverse("feeds:company", kwargs={"slug": "alibaba-group"}))

    assert not [t for t in entry_titles(feed) if "Hidden Bazaar" in t]


def test_pages_link_their_feeds(client, world):
    home = client.get(reverse("home")).content.decode()
    market = client.get(world["aliexpress"].get_absolute_url()).content.decode()
    company = client.get(world["alibaba"].get_absolute_url()).content.decode()

    coverage_link = (
        'type="application/atom+xml" title="Atom feed: new coverage" '
        f'href="{reverse("feeds:coverage")}"'
    )
    for page in (home, market, company):
        assert coverage_link in page
        assert f'href="{reverse("feeds:editions")}"' in page
    assert f'href="{reverse("feeds:market", kwargs={"slug": "aliexpress"})}"' in market
    assert f'href="{reverse("feeds:company", kwargs={"slug": "alibaba-group"})}"' in company
    # And in words, in the footer, for people.
    assert "this market&#x27;s listings and coverage</a>" in market.split("<footer")[1]


# --- sitemap.xml and robots.txt -----------------------------------------------------------


def test_sitemap_lists_published_entries_and_list_pages(client, world):
    make_market("Draft Market", is_published=False)
    make_article("Draft story", is_published=False)
    make_figure(slug="share-of-seizures")

    response = client.get(reverse("sitemap"))

    assert response.status_code == 200
    root = ET.fromstring(response.content)
    locations = [loc.text for loc in root.iter(f"{SITEMAP}loc")]
    # On the configured site address, not the request's host (tests/testenv.py).
    assert all(location.startswith("https://notorious.example/") for location in locations)
    paths = {location.removeprefix("https://notorious.example") for location in locations}
    expected = {
        "/",
        reverse("markets:list"),
        reverse("reports:list"),
        reverse("companies:list"),
        reverse("press:list"),
        reverse("timeline"),
        world["aliexpress"].get_absolute_url(),
        world["subsidiary"].get_absolute_url(),
        world["about_wechat"].get_absolute_url(),
        world["tsf"].get_absolute_url(),
        reverse("reports:detail", kwargs={"year": 2021}),
        # Each edition's changes, but the first's (it has nothing before it).
        reverse("reports:changes", kwargs={"year": 2021}),
        reverse("figures:detail", kwargs={"slug": "share-of-seizures"}),
    }
    assert expected <= paths
    assert reverse("reports:changes", kwargs={"year": 2020}) not in paths
    assert "/markets/draft-market/" not in paths
    assert "/coverage/draft-story/" not in paths
    # Every page it lists is there for readers.
    for path in paths:
        assert client.get(path).status_code == 200, path


def test_robots_txt_points_at_the_sitemap_and_keeps_out_of_the_admin(client):
    response = client.get("/robots.txt")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert "User-agent: *" in lines
    assert "Disallow: /admin/" in lines
    assert "Sitemap: https://notorious.example/sitemap.xml" in lines


# --- validity (feedparser, RFC 4287), dates on record only, conditional requests ----------

SITE = "https://notorious.example"  # DJANGO_SITE_URL in tests (tests/testenv.py)


def every_feed():
    """The address of every feed the site has for the published entries."""
    return [
        reverse("feeds:coverage"),
        reverse("feeds:editions"),
        *(
            reverse("feeds:market", args=[slug])
            for slug in Market.objects.values_list("slug", flat=True)
        ),
        *(
            reverse("feeds:company", args=[slug])
            for slug in Company.objects.values_list("slug", flat=True)
        ),
    ]


def read_feed(client, url, **headers):
    """The feed at `url` as a feed reader parses it; fails on anything not well-formed."""
    response = client.get(url, **headers)
    assert response.status_code == 200, url
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, (url, parsed.get("bozo_exception"))
    assert parsed.version == "atom10", url
    return parsed


@pytest.fixture
def undated(world):
    """What the demo has: an edition and an article with no date on record."""
    list_market(world["taobao"], 2019)  # the 2019 edition, published on no recorded date
    make_article("Undated Taobao story", markets=[world["taobao"]], companies=[world["alibaba"]])
    return world


def test_every_feed_is_valid_atom_with_every_required_element(client, undated):
    for url in every_feed():
        parsed = read_feed(client, url)
        feed = parsed.feed
        # RFC 4287 4.1.1: a feed has an id, a title, an updated date, and an author (or
        # every entry has one); here the site is the feed's author.
        assert feed.id.startswith(SITE) and feed.title and feed.updated, url
        assert feed.author_detail.name == "Notorious", url
        assert feed.author_detail.href == f"{SITE}/", url
        assert any(link.rel == "self" and link.href == f"{SITE}{url}" for link in feed.links)
        assert parsed.entries, url
        for entry in parsed.entries:
            # 4.1.2: an entry has an id, a title and an updated date; its author is the
            # outlet, the writer or the site.
            assert entry.id.startswith(SITE) and entry.title and entry.updated, (url, entry)
            assert entry.author, (url, entry.title)
            assert entry.link.startswith(SITE), url


def test_undated_editions_and_coverage_are_not_published_today(client, undated):
    today = timezone.now().date()
    for url in every_feed():
        for entry in read_feed(client, url).entries:
            if "published_parsed" in entry:
                assert datetime.date(*entry.published_parsed[:3]) != today, (url, entry.title)

    editions = read_feed(client, reverse("feeds:editions")).entries
    # The 2019 edition has no date: none is given, and it sorts below the 2020 one.
    assert [entry.title for entry in editions] == [
        "The 2021 edition",
        "The 2020 edition",
        "The 2019 edition",
    ]
    assert "published" not in editions[2] and editions[2].updated
    assert editions[1].published.startswith("2021-01-14")

    coverage = read_feed(client, reverse("feeds:coverage")).entries
    # Undated coverage comes after the dated, with no publication date and the site as
    # its author (no outlet or writer is recorded).
    assert coverage[-1].title == "Undated Taobao story"
    assert "published" not in coverage[-1]
    assert coverage[-1].author == "Notorious"

    market = read_feed(client, reverse("feeds:market", args=["taobao"])).entries
    titles = [entry.title for entry in market]
    years = (2021, 2020, 2019)
    order = [year for title in titles for year in years if f"the {year} review" in title]
    assert order == [2021, 2020, 2019]
    assert titles[-1] == "Undated Taobao story"


def test_feed_ids_and_links_do_not_follow_the_requests_host_or_scheme(client, world, settings):
    settings.ALLOWED_HOSTS = ["testserver", "localhost", "other.example"]
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

    def addresses(parsed):
        links = [link.href for link in parsed.feed.links]
        entries = [address for e in parsed.entries for address in (e.id, e.link)]
        return [parsed.feed.id, *links, *entries]

    for url in every_feed():
        plain = addresses(read_feed(client, url))
        for headers in (
            {"HTTP_HOST": "localhost"},
            {"HTTP_HOST": "other.example", "HTTP_X_FORWARDED_PROTO": "https"},
        ):
            assert addresses(read_feed(client, url, **headers)) == plain, (url, headers)
        assert all(address.startswith(f"{SITE}/") for address in plain), url


def test_feeds_answer_304_to_a_reader_that_has_them(client, world):
    url = reverse("feeds:coverage")
    first = client.get(url)
    etag, modified = first["ETag"], first["Last-Modified"]
    assert etag.startswith('"') and modified.endswith("GMT")

    again = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again.content == b""
    assert again["ETag"] == etag
    assert client.get(url, HTTP_IF_MODIFIED_SINCE=modified).status_code == 304
    assert client.get(url, HTTP_IF_NONE_MATCH='"an-older-version"').status_code == 200

    # A change makes a new version: the old ETag no longer matches.
    make_article("A new story", published_on=datetime.date(2022, 3, 1))
    changed = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed["ETag"] != etag
    assert b"A new story" in changed.content
