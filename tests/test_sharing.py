"""What a page tells other sites, read from its <head> as they read it: the canonical link,
OpenGraph and Twitter card, schema.org JSON-LD; the favicon; all on the configured site
address (DJANGO_SITE_URL, `https://notorious.example` in tests), whatever host or scheme the
request came by."""

import datetime
import json
import re
from html.parser import HTMLParser

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.urls import NoReverseMatch, reverse, set_script_prefix

from notorious.core.addresses import slug_url
from notorious.environment import env_site_url
from notorious.markets.views import MarketListView
from tests.factories import (
    list_market,
    make_article,
    make_company,
    make_market,
    make_outlet,
    make_report,
)

pytestmark = pytest.mark.django_db

SITE = "https://notorious.example"


class Head(HTMLParser):
    """The <head>'s title, meta and link tags, and its JSON-LD, parsed."""

    def __init__(self, html):
        super().__init__()
        self.meta, self.links, self.json_ld, self.title = {}, {}, [], ""
        self._in = None
        self.feed(html.split("</head>")[0])

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta" and "content" in attrs:
            self.meta[attrs.get("property") or attrs.get("name")] = attrs["content"]
        elif tag == "link":
            self.links.setdefault(attrs["rel"], attrs["href"])
        elif tag == "script" and attrs.get("type") == "application/ld+json":
            self._in = "json"
            self.json_ld.append("")
        elif tag == "title":
            self._in = "title"

    def handle_endtag(self, tag):
        self._in = None

    def handle_data(self, data):
        if self._in == "json":
            self.json_ld[-1] += data
        elif self._in == "title":
            self.title += data

    def structured(self, kind):
        """The JSON-LD objects of schema.org type `kind`."""
        return [data for data in map(json.loads, self.json_ld) if data["@type"] == kind]


def head(client, url, **headers):
    response = client.get(url, **headers)
    assert response.status_code == 200, url
    return Head(response.content.decode())


@pytest.fixture
def record():
    make_report(2019)
    make_report(2020, published_on=datetime.date(2021, 1, 14))
    make_report(2021, published_on=datetime.date(2022, 2, 17))
    group = make_company("Alibaba Group", country="CN", aliases="阿里巴巴")
    retail = make_company("Taobao Holdings", parent=group)
    taobao = list_market(make_market("Taobao", operator=retail), 2019, 2020, 2021)
    tsf = make_outlet("TSF", website="https://tsf.example/")
    dated = make_article(
        "Taobao named again",
        outlet=tsf,
        published_on=datetime.date(2022, 2, 18),
        language="en",
        author="A. Writer",
        markets=[taobao],
    )
    undated = make_article("Taobao in the news", markets=[taobao])
    return locals()


PAGES = [
    "/",
    "/markets/",
    "/markets/taobao/",
    "/companies/",
    "/companies/alibaba-group/",
    "/reports/",
    "/reports/2021/",
    "/reports/2021/changes/",
    "/compare/",
    "/coverage/",
    "/coverage/taobao-named-again/",
    "/coverage/outlets/",
    "/coverage/outlets/tsf/",
    "/timeline/",
    "/search/?q=taobao",
]


def test_every_page_has_opengraph_and_a_twitter_card(client, record):
    for url in PAGES:
        page = head(client, url)
        title = page.title.removesuffix(" · Notorious")
        assert page.meta["og:title"] == page.meta["twitter:title"] == title, url
        description = page.meta["description"]
        assert page.meta["og:description"] == page.meta["twitter:description"] == description
        assert page.meta["og:url"] == page.links["canonical"], url
        assert page.meta["og:url"].startswith(f"{SITE}/"), url
        assert page.meta["og:site_name"] == "Notorious"
        kind = "article" if url.startswith("/coverage/taobao") else "website"
        assert page.meta["og:type"] == kind, url
        # Markets, companies and editions share a picture of themselves (tests/test_charts.py);
        # other pages have none to give, and name none.
        if re.match(r"^/(markets|companies|reports)/[\w-]+/$", url):
            assert page.meta["twitter:card"] == "summary_large_image", url
            assert page.meta["og:image"] == page.meta["twitter:image"], url
            assert page.meta["og:image"].startswith(f"{SITE}/charts/share/"), url
        else:
            assert page.meta["twitter:card"] == "summary", url
            assert "og:image" not in page.meta and "twitter:image" not in page.meta, url


def test_addresses_do_not_follow_the_requests_host_or_scheme(client, record, settings):
    settings.ALLOWED_HOSTS = ["testserver", "localhost", "other.example"]
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    for url in ["/markets/taobao/", "/coverage/?outlet=tsf", "/"]:
        plain = head(client, url)
        for headers in (
            {"HTTP_HOST": "localhost"},
            {"HTTP_HOST": "other.example", "HTTP_X_FORWARDED_PROTO": "https"},
        ):
            other = head(client, url, **headers)
            assert other.links["canonical"] == plain.links["canonical"], (url, headers)
            assert other.meta["og:url"] == plain.meta["og:url"]
            assert other.json_ld == plain.json_ld
    robots = client.get("/robots.txt", HTTP_HOST="other.example").content.decode()
    assert f"Sitemap: {SITE}/sitemap.xml" in robots.splitlines()
    sitemap = client.get("/sitemap.xml", HTTP_HOST="other.example").content.decode()
    assert "other.example" not in sitemap and f"<loc>{SITE}/reports/2021/changes/</loc>" in sitemap


def test_filtered_and_later_pages_are_canonical_to_themselves(client, record, monkeypatch):
    monkeypatch.setattr(MarketListView, "paginate_by", 1)
    for name in ("Second", "Third"):
        list_market(make_market(name), 2021)

    def canonical(url):
        return head(client, url).links["canonical"]

    assert canonical("/markets/?utm_source=x") == f"{SITE}/markets/"
    assert canonical("/markets/?page=2") == f"{SITE}/markets/?page=2"
    assert canonical("/markets/?page=1") == f"{SITE}/markets/"
    # Parameters no filter reads are dropped, and the order is the filters' own: two
    # addresses of one page have one canonical.
    assert (
        canonical("/markets/?page=2&utm_source=x&kind=online&country=")
        == canonical("/markets/?kind=online&page=2")
        == f"{SITE}/markets/?kind=online&page=2"
    )
    assert canonical("/timeline/?n=1&market=taobao") == f"{SITE}/timeline/?market=taobao"


def test_an_editions_changes_and_the_same_comparison_share_one_canonical(client, record):
    changes = head(client, "/reports/2021/changes/").links["canonical"]
    assert changes == f"{SITE}/reports/2021/changes/"
    assert head(client, "/compare/?from=2020&to=2021&x=1").links["canonical"] == changes
    # A comparison over a gap is a page of its own.
    wider = head(client, "/compare/?to=2021&from=2019").links["canonical"]
    assert wider == f"{SITE}/compare/?from=2019&to=2021"


def test_a_company_is_an_organization(client, record):
    (data,) = head(client, "/companies/taobao-holdings/").structured("Organization")
    assert data["@context"] == "https://schema.org"
    assert data["name"] == "Taobao Holdings"
    assert data["mainEntityOfPage"] == f"{SITE}/companies/taobao-holdings/"
    assert data["parentOrganization"]["name"] == "Alibaba Group"
    (group,) = head(client, "/companies/alibaba-group/").structured("Organization")
    assert group["alternateName"] == ["阿里巴巴"]
    assert group["address"]["addressCountry"] == "CN"
    assert "parentOrganization" not in group


def test_coverage_is_a_news_article_with_only_the_dates_on_record(client, record):
    (dated,) = head(client, "/coverage/taobao-named-again/").structured("NewsArticle")
    assert dated["headline"] == "Taobao named again"
    assert dated["datePublished"] == "2022-02-18"
    assert dated["publisher"] == {
        "@type": "Organization",
        "name": "TSF",
        "url": "https://tsf.example/",
    }
    assert dated["author"] == {"@type": "Person", "name": "A. Writer"}
    assert dated["inLanguage"] == "en"
    page = head(client, "/coverage/taobao-in-the-news/")
    (undated,) = page.structured("NewsArticle")
    assert "datePublished" not in undated and "publisher" not in undated
    assert "article:published_time" not in page.meta
    assert head(client, "/coverage/taobao-named-again/").meta["article:published_time"] == (
        "2022-02-18"
    )


def test_download_pages_and_the_whole_record_are_datasets(client, record, settings):
    (markets,) = head(client, "/markets/?kind=online&utm_source=x").structured("Dataset")
    assert markets["url"] == f"{SITE}/markets/?kind=online"
    assert [d["contentUrl"] for d in markets["distribution"]] == [
        f"{SITE}/markets/?kind=online&format=csv",
        f"{SITE}/markets/?kind=online&format=json",
    ]
    formats = [d["encodingFormat"] for d in markets["distribution"]]
    assert formats == ["text/csv", "application/json"]
    # No licence is configured: none is stated.
    assert "license" not in markets
    for url in ("/companies/", "/coverage/", "/coverage/outlets/", "/reports/", "/reports/2021/"):
        (data,) = head(client, url).structured("Dataset")
        assert data["distribution"][0]["contentUrl"].startswith(f"{SITE}{url}?"), url

    (whole,) = head(client, "/").structured("Dataset")
    urls = {d["contentUrl"] for d in whole["distribution"]}
    for url in ("/markets/", "/companies/", "/reports/", "/coverage/", "/coverage/outlets/"):
        assert {f"{SITE}{url}?format=csv", f"{SITE}{url}?format=json"} <= urls
    # Every download it names is there.
    for url in urls:
        assert client.get(url.removeprefix(SITE)).status_code == 200, url

    settings.DATASET_LICENSE_URL = "https://creativecommons.org/licenses/by/4.0/"
    (whole,) = head(client, "/").structured("Dataset")
    assert whole["license"] == "https://creativecommons.org/licenses/by/4.0/"


def test_json_ld_cannot_end_its_script_element(client, record):
    name = "Evil </script><script>alert(1)</script> & <!-- Co"
    make_company(name, slug="evil-co")
    html = client.get("/companies/evil-co/").content.decode()
    assert "</script><script>alert(1)" not in html
    (data,) = Head(html).structured("Organization")
    assert data["name"] == name


def test_the_favicon_is_linked_and_favicon_ico_is_no_404(client):
    page = head(client, "/")
    assert page.links["icon"] == "/static/favicon.svg"
    icon = client.get(page.links["icon"])
    assert icon.status_code == 200
    assert b"<svg" in b"".join(icon.streaming_content)
    response = client.get("/favicon.ico")
    assert response.status_code == 302 and response["Location"] == "/static/favicon.svg"


@pytest.mark.parametrize(
    "value", ["notorious.example", "ftp://notorious.example", "https://", "https://x.example/?a=1"]
)
def test_a_site_url_that_is_not_an_address_is_refused(monkeypatch, value):
    monkeypatch.setenv("DJANGO_SITE_URL", value)
    with pytest.raises(ImproperlyConfigured):
        env_site_url("DJANGO_SITE_URL", "http://127.0.0.1:8000")


def test_the_site_url_loses_its_trailing_slash(monkeypatch):
    monkeypatch.setenv("DJANGO_SITE_URL", "https://notorious.example/prefix/")
    assert env_site_url("DJANGO_SITE_URL", "x") == "https://notorious.example/prefix"
    monkeypatch.delenv("DJANGO_SITE_URL")
    assert env_site_url("DJANGO_SITE_URL", "http://127.0.0.1:8000") == "http://127.0.0.1:8000"


@pytest.mark.parametrize(
    "name", ["markets:detail", "companies:detail", "press:article", "press:outlet"]
)
def test_an_address_by_slug_is_what_reverse_gives(name):
    for slug in ("aliexpress", "a-b_c-2", "X"):
        assert slug_url(name, slug) == reverse(name, kwargs={"slug": slug})
    set_script_prefix("/mounted/")
    try:
        assert slug_url(name, "shop") == reverse(name, kwargs={"slug": "shop"})
        assert slug_url(name, "shop").startswith("/mounted/")
    finally:
        set_script_prefix("/")
    with pytest.raises(NoReverseMatch):
        slug_url(name, "not a slug")


def test_entries_link_to_their_pages(client, db):
    company = make_company("Group")
    market = make_market("Shop", operator=company)
    outlet = make_outlet("Wire")
    article = make_article("Story", outlet=outlet, markets=[market])
    for entry in (market, company, outlet, article):
        assert client.get(entry.get_absolute_url()).status_code == 200
