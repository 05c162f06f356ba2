"""The readers' page cache: a repeat visit costs one database query (the content
generation), a change shows at once, staff neither get cached pages nor put their view
(drafts included) into the cache, and a page is rendered once however many readers ask for
it at the same moment. (Freshness across processes: test_freshness.py.)"""

import gzip
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.cache import cache, caches
from django.db import connection
from django.http import HttpResponse, HttpResponseServerError
from django.test import Client
from django.urls import path

from notorious.core.caches import RedisCache
from notorious.markets.models import Market

from . import scratch
from .factories import list_market, make_market
from .http import fetch
from .test_database_outage import database_unreachable

# Changes are committed, as in production: the content generation moves at commit.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    settings.PAGE_CACHE_SECONDS = 60
    cache.clear()


@pytest.fixture
def market():
    return list_market(make_market("AliExpress", slug="aliexpress"), 2021)


def test_a_readers_second_visit_is_served_from_the_cache(market, django_assert_num_queries):
    reader = Client()
    first = reader.get("/markets/aliexpress/")
    assert first["X-Page-Cache"] == "miss"
    with django_assert_num_queries(1) as queries:  # the content generation, nothing else
        second = Client().get("/markets/aliexpress/")
    assert "core_content_generation" in queries.captured_queries[0]["sql"]
    assert second["X-Page-Cache"] == "hit"
    assert second.content == first.content
    assert second["Content-Security-Policy"] == first["Content-Security-Policy"]


def test_an_edit_shows_at_once(market):
    Client().get("/markets/aliexpress/")
    market.description = "Now described by an editor."
    market.save()
    response = Client().get("/markets/aliexpress/")
    assert response["X-Page-Cache"] == "miss"
    assert b"Now described by an editor." in response.content


def test_unpublishing_removes_the_page_at_once(market):
    assert Client().get("/markets/aliexpress/").status_code == 200
    market.is_published = False
    market.save()
    assert Client().get("/markets/aliexpress/").status_code == 404


def test_staff_never_get_or_fill_the_cache(market, editor_client):
    draft = make_market("Secret Draft", slug="secret-draft", is_published=False)
    list_market(draft, 2021)
    Client().get("/markets/")  # cached for readers, without the draft
    staff_page = editor_client.get("/markets/secret-draft/")
    assert staff_page.status_code == 200  # staff preview drafts
    assert "X-Page-Cache" not in staff_page
    assert "X-Page-Cache" not in editor_client.get("/markets/")
    # What staff saw was not stored for readers.
    assert Client().get("/markets/secret-draft/").status_code == 404
    assert b"Secret Draft" not in Client().get("/markets/").content


@pytest.mark.parametrize("path", ["/admin/login/", "/healthz"])
def test_the_admin_and_the_health_check_are_never_cached(market, path):
    Client().get(path)
    assert "X-Page-Cache" not in Client().get(path)


def test_api_answers_to_machine_clients_are_cached_and_fresh(market):
    first = Client().get("/api/markets/", HTTP_ACCEPT="application/json")
    assert first["X-Page-Cache"] == "miss"
    second = Client().get("/api/markets/", HTTP_ACCEPT="application/json")
    assert second["X-Page-Cache"] == "hit"
    assert second.json() == first.json()
    assert second.json()["results"][0]["name"] == "AliExpress"
    # Kept as status, headers and bytes only (not the API's response object with its data),
    # every header as the first reader got it.
    per_request = {"X-Page-Cache", "X-Request-ID"}
    assert {k: v for k, v in second.items() if k not in per_request} == {
        k: v for k, v in first.items() if k not in per_request
    }
    market.name = "AliExpress (renamed)"
    market.save()
    third = Client().get("/api/markets/", HTTP_ACCEPT="application/json")
    assert third["X-Page-Cache"] == "miss"
    assert third.json()["results"][0]["name"] == "AliExpress (renamed)"


def test_the_api_is_cached_per_accept_value_and_never_for_a_browser(market):
    """The schema is YAML for `*/*` and JSON for `application/json`: each is kept apart.
    A browser (text/html) gets the browsable API, rendered each time; an Accept value
    outside the two is not cached, so made-up values cannot fill the cache."""
    yaml = Client().get("/api/schema/")  # no Accept: DRF's "*/*"
    as_json = Client().get("/api/schema/", HTTP_ACCEPT="application/json")
    assert yaml["X-Page-Cache"] == as_json["X-Page-Cache"] == "miss"
    assert yaml["Content-Type"].startswith("application/vnd.oai.openapi;")
    assert as_json["Content-Type"] == "application/json"
    again = Client().get("/api/schema/", HTTP_ACCEPT="*/*")
    assert again["X-Page-Cache"] == "hit"
    assert again["Content-Type"] == yaml["Content-Type"]
    for accept in ("text/html,application/xhtml+xml,*/*;q=0.8", "application/json; q=0.9"):
        for _ in range(2):
            response = Client().get("/api/markets/", HTTP_ACCEPT=accept)
            assert "X-Page-Cache" not in response


def test_the_api_page_size_is_part_of_the_key(market):
    list_market(make_market("Taobao", slug="taobao"), 2021)
    assert len(Client().get("/api/markets/", {"page_size": 1}).json()["results"]) == 1
    response = Client().get("/api/markets/", {"page_size": 2})
    assert response["X-Page-Cache"] == "miss"
    assert len(response.json()["results"]) == 2


def test_different_query_strings_are_different_pages(market):
    Client().get("/markets/", {"kind": "online"})
    response = Client().get("/markets/", {"kind": "physical"})
    assert response["X-Page-Cache"] == "miss"
    assert b"AliExpress" not in response.content


def test_a_page_cached_before_a_database_outage_is_still_served(market):
    Client().get("/markets/aliexpress/")
    with database_unreachable():
        cached = Client(raise_request_exception=False).get("/markets/aliexpress/")
        uncached = Client(raise_request_exception=False).get("/companies/")
    assert cached.status_code == 200
    assert b"AliExpress" in cached.content
    assert uncached.status_code == 503


def test_a_change_shows_though_the_database_connection_was_lost_meanwhile(market):
    Client().get("/markets/aliexpress/")
    with scratch.connect(connection.settings_dict["NAME"]) as other:
        other.execute("UPDATE markets_market SET name = 'Renamed' WHERE slug = 'aliexpress'")
        other.execute("SELECT pg_terminate_backend(%s)", [connection.connection.info.backend_pid])
    connection.health_check_done = False  # as each request starts (the test client skips it)
    response = Client().get("/markets/aliexpress/")
    assert response["X-Page-Cache"] == "miss"
    assert b"Renamed" in response.content


def test_pages_render_when_the_cache_server_is_down(market, settings):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # nothing listens there once the socket is closed
    settings.CACHES = {
        "default": {
            "BACKEND": "notorious.core.caches.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{port}/0",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    for _ in range(2):
        response = Client().get("/markets/aliexpress/")
        assert response.status_code == 200
        assert b"AliExpress" in response.content
    # Saving still works (the database, not the cache, records that content changed).
    make_market("Taobao", slug="taobao")


def test_unknown_query_parameters_do_not_make_a_new_page(market, django_assert_num_queries):
    """The attack: `?n=<random>` made every request render afresh."""
    first = Client().get("/markets/", {"kind": "online", "n": "1"})
    assert first["X-Page-Cache"] == "miss"
    with django_assert_num_queries(1):  # the content generation
        second = Client().get("/markets/", {"n": "2", "kind": "online", "utm_source": "x"})
    assert second["X-Page-Cache"] == "hit"
    # Known parameters are compared whatever their order.
    Client().get("/markets/", {"kind": "online", "sort": "name"})
    assert Client().get("/markets/?sort=name&kind=online")["X-Page-Cache"] == "hit"
    # What the view rendered depends on no parameter the key leaves out: links on the page
    # do not carry the unknown one, and a list is not "filtered" by it.
    html = Client().get("/markets/", {"planted": "evil-value"}).content.decode()
    assert "evil-value" not in html and "Clear all filters" not in html


def test_a_cookie_that_is_not_the_sites_does_not_bypass_the_cache(market):
    Client().get("/markets/aliexpress/")
    visitor = Client()
    visitor.cookies["tracker"] = "random-value"
    with_cookie = visitor.get("/markets/aliexpress/")
    assert with_cookie["X-Page-Cache"] == "hit"


@pytest.mark.parametrize("cookie", ["sessionid", "csrftoken", "messages"])
def test_the_sites_own_cookies_bypass_the_cache(market, cookie, settings):
    Client().get("/markets/aliexpress/")
    visitor = Client()
    visitor.cookies[cookie] = "anything"
    response = visitor.get("/markets/aliexpress/")
    assert response.status_code == 200
    assert "X-Page-Cache" not in response  # neither served from nor stored in the cache


def test_a_page_over_the_size_limit_is_not_stored(market, settings):
    settings.PAGE_CACHE_MAX_BYTES = 1000
    for _ in range(2):
        response = Client().get("/markets/aliexpress/")
        assert response.status_code == 200
        assert len(response.content) > 1000
        assert "X-Page-Cache" not in response
    settings.PAGE_CACHE_MAX_BYTES = 10_000_000
    Client().get("/markets/aliexpress/")
    assert Client().get("/markets/aliexpress/")["X-Page-Cache"] == "hit"


def test_pages_in_memory_are_bounded_in_bytes_least_recent_first(market, settings):
    """Without Redis each process keeps its pages in memory: up to
    DJANGO_PAGE_CACHE_MEMORY_BYTES of them, not 300 pages of up to 1 MB each."""
    pages = ["/markets/aliexpress/", "/markets/", "/timeline/", "/coverage/"]
    memory = {"BACKEND": "notorious.core.caches.BoundedLocMemCache", "LOCATION": "bounded"}
    settings.CACHES = {"default": {**memory, "OPTIONS": {"MAX_BYTES": 10**7}}}
    for page in pages:
        Client().get(page)
    sizes = caches["default"]._sizes.copy()
    # Each page as rendered and gzipped.
    assert len(sizes) == 8 and caches["default"].held_bytes() == sum(sizes.values())

    # Room for the two largest pages but not all four: the least recently used go first.
    budget = sum(sorted(sizes.values())[-2:])
    settings.CACHES = {"default": {**memory, "OPTIONS": {"MAX_BYTES": budget}}}
    caches["default"].clear()
    for page in pages:
        assert Client().get(page)["X-Page-Cache"] == "miss"
        assert caches["default"].held_bytes() <= budget
    assert Client().get(pages[-1])["X-Page-Cache"] == "hit"
    assert Client().get(pages[0])["X-Page-Cache"] == "miss"  # pushed out, rendered again
    assert caches["default"].held_bytes() <= budget

    # A page larger than the whole budget is served, and pushes nothing out.
    settings.CACHES = {"default": {**memory, "OPTIONS": {"MAX_BYTES": 100}}}
    caches["default"].clear()
    for _ in range(2):
        response = Client().get("/markets/aliexpress/")
        assert (response.status_code, response["X-Page-Cache"]) == (200, "miss")
    assert caches["default"].held_bytes() == 0


def test_with_a_shared_cache_each_process_keeps_its_own_copy_of_the_pages(market, settings):
    """With Redis, a hit used to read the page from Redis every time (a round trip, and 120 to
    350 KB through the client for a large page). Each process now keeps the pages it served
    in its own memory too, keyed on the same generation: as fresh as Redis's copy."""
    settings.CACHES = {
        # Stands in for Redis: one cache every process would share.
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "shared",
        },
        "pages-here": {"BACKEND": "notorious.core.caches.BoundedLocMemCache", "LOCATION": "here"},
    }
    settings.PAGE_CACHE_LOCAL_ALIAS = "pages-here"
    shared, here = caches["default"], caches["pages-here"]
    rendered = Client().get("/markets/aliexpress/")
    assert rendered["X-Page-Cache"] == "miss"
    shared.clear()  # Redis emptied (or evicted): this process still has the page
    kept = Client().get("/markets/aliexpress/")
    assert (kept["X-Page-Cache"], kept.content) == ("hit", rendered.content)

    # A page another process stored in the shared cache is served, and kept here as well.
    here.clear()
    Client().get("/markets/")  # rendered and stored in both
    here.clear()
    assert Client().get("/markets/")["X-Page-Cache"] == "hit"  # from the shared cache
    shared.clear()
    assert Client().get("/markets/")["X-Page-Cache"] == "hit"  # from this process's copy

    # A change shows at once: this process's copy belongs to the old generation.
    Market.objects.filter(pk=market.pk).update(name="AliExpress Renamed")
    renamed = Client().get("/markets/aliexpress/")
    assert renamed["X-Page-Cache"] == "miss" and b"AliExpress Renamed" in renamed.content
    browser = Client(HTTP_ACCEPT_ENCODING="gzip")
    assert b"AliExpress Renamed" in gzip.decompress(browser.get("/markets/aliexpress/").content)


def test_browsers_get_the_cached_page_gzipped_and_others_as_rendered(market):
    """Every browser accepts gzip: a cached page goes to it compressed (a tenth of the 350 KB
    search page at 10,000 markets), with the headers of the page as rendered."""
    rendered = Client().get("/markets/aliexpress/")
    assert rendered["X-Page-Cache"] == "miss"
    assert "Accept-Encoding" in rendered["Vary"] and "Content-Encoding" not in rendered
    browser = Client(HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    zipped = browser.get("/markets/aliexpress/")
    assert (zipped["X-Page-Cache"], zipped["Content-Encoding"]) == ("hit", "gzip")
    assert gzip.decompress(zipped.content) == rendered.content
    assert int(zipped["Content-Length"]) == len(zipped.content) < len(rendered.content)
    for header in ("Content-Security-Policy", "X-Frame-Options", "Vary", "Content-Type"):
        assert zipped[header] == rendered[header]
    assert zipped["X-Request-ID"] != rendered["X-Request-ID"]  # each request its own id
    plain = Client(HTTP_ACCEPT_ENCODING="identity").get("/markets/aliexpress/")
    assert (plain["X-Page-Cache"], plain.content) == ("hit", rendered.content)
    assert "Content-Encoding" not in plain
    # A change shows at once in both copies.
    Market.objects.filter(pk=market.pk).update(name="AliExpress Renamed")
    renamed = browser.get("/markets/aliexpress/")
    assert renamed["X-Page-Cache"] == "miss" and b"AliExpress Renamed" in renamed.content
    assert b"AliExpress Renamed" in gzip.decompress(browser.get("/markets/aliexpress/").content)


def test_the_redis_cache_builds_its_client_once():
    """Django's Redis backend built a client (with its table of ~170 reply handlers) for
    every get: about half a cached page's CPU time. No connection is made here."""
    redis_cache = RedisCache("redis://127.0.0.1:1/0", {})
    client = redis_cache._cache.get_client()
    assert redis_cache._cache.get_client(write=True) is client
    assert redis_cache._cache.get_client("some-key") is client


def test_downloads_stream_and_are_never_stored(market):
    for _ in range(2):
        response = Client().get("/markets/", {"format": "csv"})
        assert response.streaming
        assert "X-Page-Cache" not in response
        assert b"aliexpress" in b"".join(response.streaming_content)


def test_the_known_parameters_cover_every_filter_and_form_field():
    """Every parameter a page reads is in the cache key: a filter missing from
    QUERY_PARAMETERS would be dropped, and its page served for the unfiltered one."""
    from django_filters import FilterSet

    from notorious.api.pagination import FromEitherEndPagination
    from notorious.core.page_cache import QUERY_PARAMETERS
    from notorious.reports.forms import CompareEditionsForm, TimelineFilterForm

    def subclasses(cls):
        for subclass in cls.__subclasses__():
            yield subclass
            yield from subclasses(subclass)

    read = {"page", "p", "format", "group", "q", FromEitherEndPagination.page_size_query_param}
    read |= set(TimelineFilterForm.base_fields)
    read |= set(CompareEditionsForm({}, []).fields)
    filtersets = [fs for fs in subclasses(FilterSet) if fs.__module__.startswith("notorious.")]
    assert len(filtersets) >= 7
    for filterset in filtersets:
        read |= set(filterset.base_filters)
    assert read - QUERY_PARAMETERS == set()


# Stampedes: a page that takes a while to render, asked for by several readers at once
# (threads against live_server, one process: the cache is the process's own memory).
renders = []
render_lock = threading.Lock()


def slow_page(request):
    """Renders the market's current name, slowly; fails on its first render if asked."""
    name = Market.objects.get(slug="aliexpress").name
    with render_lock:
        renders.append(name)
        first = len(renders) == 1
    time.sleep(1)
    if first and request.GET.get("q") == "fail":
        return HttpResponseServerError("failed")
    return HttpResponse(f"<p>{name}</p>")


urlpatterns = [path("slow/", slow_page)]


@pytest.fixture
def slow(settings, live_server, market):
    settings.ROOT_URLCONF = __name__
    renders.clear()
    return live_server.url + "/slow/"


def get_at_once(url, readers=6):
    """GETs `url` from `readers` threads at the same moment: [(status, body)]."""
    start = threading.Barrier(readers)

    def get(_):
        start.wait()
        return fetch(url)[0::2]

    with ThreadPoolExecutor(readers) as pool:
        return list(pool.map(get, range(readers)))


def test_readers_asking_at_once_for_a_page_get_one_render(slow):
    responses = get_at_once(slow)
    assert responses == [(200, b"<p>AliExpress</p>")] * 6
    assert len(renders) == 1


def test_if_the_renderer_fails_the_waiters_render_the_page_themselves(slow):
    responses = get_at_once(slow + "?q=fail")
    assert sorted(status for status, _ in responses) == [200] * 5 + [500]
    assert len(renders) == 6


def test_waiters_render_themselves_once_the_wait_is_over(slow, settings):
    settings.PAGE_CACHE_WAIT_SECONDS = 0.1  # a tenth of the render
    responses = get_at_once(slow)
    assert responses == [(200, b"<p>AliExpress</p>")] * 6
    assert len(renders) > 1


def test_no_reader_waits_for_a_page_of_an_older_generation(slow, market):
    with ThreadPoolExecutor(1) as pool:
        before = pool.submit(fetch, slow)  # renders the old name, slowly
        while not renders:
            time.sleep(0.01)
        Market.objects.filter(pk=market.pk).update(name="AliExpress Renamed")
        after = fetch(slow)
        assert before.result()[2] == b"<p>AliExpress</p>"
    assert after[2] == b"<p>AliExpress Renamed</p>"
    assert renders == ["AliExpress", "AliExpress Renamed"]
    assert fetch(slow)[2] == b"<p>AliExpress Renamed</p>"


def test_a_cached_feed_answers_304_to_a_reader_that_has_it(market, django_assert_num_queries):
    first = Client().get("/feeds/markets/aliexpress/")
    assert first["X-Page-Cache"] == "miss"
    with django_assert_num_queries(1):  # the content generation: from the cache
        again = Client().get("/feeds/markets/aliexpress/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and again.content == b""
    assert again["ETag"] == first["ETag"]
    # A reader with another version gets the whole feed.
    assert Client().get("/feeds/markets/aliexpress/", HTTP_IF_NONE_MATCH='"old"').status_code == 200
