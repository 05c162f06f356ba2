"""Per-client rate limits on search, downloads and the API: the request over the limit gets a
429 with Retry-After, other clients and other pages carry on, and a client cannot change who
it is counted as by sending a header."""

import json
import socket
import uuid

import pytest
import redis
from django.core.cache import cache, caches
from django.core.exceptions import ImproperlyConfigured
from django.test import Client

from notorious.environment import env_rate

from .factories import list_market, make_company, make_market

pytestmark = pytest.mark.django_db

LIMIT = 3
# Windows of a day: counts start afresh when a window ends, which in a minute-long one could
# fall between a test's requests on a slow machine.
PERIOD = 86400
REDIS_URL = "redis://127.0.0.1:6379/13"

# One limited address per group: a search, a download and the API.
LIMITED = {
    "search": "/search/?q=alibaba",
    "downloads": "/markets/?format=csv",
    "api": "/api/markets/",
    "lookup": "/lookup/companies/?q=ali",
}


def redis_available():
    try:
        return redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.5).ping()
    except redis.RedisError:
        return False


@pytest.fixture(params=["memory", "redis"])
def counters(request, settings):
    """The rate-limit counters, fresh for each test: each process's memory (no REDIS_URL), and
    Redis as production shares it (a key prefix of this test's own)."""
    if request.param == "redis":
        if not redis_available():
            pytest.skip(f"no Redis at {REDIS_URL}")
        settings.CACHES = {
            **settings.CACHES,
            "rate-limits": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": REDIS_URL,
                "KEY_PREFIX": f"test-rate-limits-{uuid.uuid4().hex}",
            },
        }
    return request.param


@pytest.fixture(autouse=True)
def small_limits(settings):
    settings.RATE_LIMITS = {group: (LIMIT, PERIOD) for group in LIMITED}
    caches["rate-limits"].clear()


@pytest.fixture
def data():
    alibaba = make_company("Alibaba Group", slug="alibaba")
    list_market(make_market("AliExpress", slug="aliexpress", operator=alibaba), 2021)


def statuses(path, times, **extra):
    client = Client()
    return [client.get(path, **extra).status_code for _ in range(times)]


@pytest.mark.parametrize("group", LIMITED)
def test_the_request_over_the_limit_gets_429_with_retry_after(data, counters, group):
    path = LIMITED[group]
    assert statuses(path, LIMIT) == [200] * LIMIT
    refused = Client().get(path)
    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= PERIOD
    # Another client is not held back by the first.
    assert Client().get(path, REMOTE_ADDR="203.0.113.7").status_code == 200


def test_each_group_is_counted_on_its_own(data, counters):
    statuses(LIMITED["search"], LIMIT + 1)
    assert Client().get(LIMITED["search"]).status_code == 429
    assert Client().get(LIMITED["downloads"]).status_code == 200
    assert Client().get(LIMITED["api"]).status_code == 200


def test_every_download_format_and_page_counts_as_a_download(data):
    for path in ["/markets/?format=csv", "/companies/?format=json", "/search/?q=ali&format=json"]:
        assert Client().get(path).status_code == 200
    assert Client().get("/coverage/?format=csv").status_code == 429


def test_the_429_page_is_short_in_the_sites_style_never_cached_with_security_headers(data):
    statuses(LIMITED["search"], LIMIT)
    response = Client().get(LIMITED["search"])
    assert response.status_code == 429
    page = response.content.decode()
    assert "Too many requests" in page
    assert "3 searches a day" in page
    assert f"Try again in {response['Retry-After']} second" in page
    assert 'class="site-header"' in page
    assert "no-store" in response["Cache-Control"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "default-src 'self'" in response["Content-Security-Policy"]


@pytest.mark.parametrize(
    "path", [LIMITED["api"], LIMITED["lookup"], "/search/?q=alibaba&format=json"]
)
def test_the_api_and_json_downloads_get_a_json_problem(data, path):
    statuses(path, LIMIT)
    response = Client().get(path)
    assert response.status_code == 429
    assert response["Content-Type"] == "application/problem+json"
    problem = json.loads(response.content)
    assert problem["status"] == 429
    assert problem["retry_after"] == int(response["Retry-After"])
    assert "limited to 3" in problem["detail"]


def test_a_forwarded_for_header_does_not_change_who_the_client_is(data):
    # Rotating invented addresses does not give a fresh allowance...
    for number in range(LIMIT):
        Client().get(LIMITED["search"], HTTP_X_FORWARDED_FOR=f"198.51.100.{number}")
    spoofed = Client().get(LIMITED["search"], HTTP_X_FORWARDED_FOR="198.51.100.99")
    assert spoofed.status_code == 429
    # ...nor does a header the settings do not name.
    assert Client().get(LIMITED["search"], HTTP_X_REAL_IP="198.51.100.99").status_code == 429


def test_behind_a_proxy_its_header_names_the_client(data, settings):
    settings.CLIENT_IP_HEADER = "X-Real-IP"
    # Every request comes from the proxy (127.0.0.1); the header says for whom.
    statuses(LIMITED["search"], LIMIT + 1, HTTP_X_REAL_IP="203.0.113.1")
    assert Client().get(LIMITED["search"], HTTP_X_REAL_IP="203.0.113.1").status_code == 429
    assert Client().get(LIMITED["search"], HTTP_X_REAL_IP="203.0.113.2").status_code == 200


def test_behind_a_proxy_only_the_address_it_appended_counts(data, settings):
    settings.CLIENT_IP_HEADER = "X-Forwarded-For"
    for number in range(LIMIT):
        # The client invents the first entry; the proxy appends the address it saw.
        Client().get(LIMITED["search"], HTTP_X_FORWARDED_FOR=f"198.51.100.{number}, 203.0.113.1")
    refused = Client().get(LIMITED["search"], HTTP_X_FORWARDED_FOR="198.51.100.9, 203.0.113.1")
    assert refused.status_code == 429


def test_an_ipv6_client_is_its_64_network(data):
    statuses(LIMITED["search"], LIMIT, REMOTE_ADDR="2001:db8:1:2::1")
    # Another address in the same /64 is the same subscriber...
    assert Client().get(LIMITED["search"], REMOTE_ADDR="2001:db8:1:2::abcd").status_code == 429
    # ...the next /64 is someone else.
    assert Client().get(LIMITED["search"], REMOTE_ADDR="2001:db8:1:3::1").status_code == 200


@pytest.mark.parametrize("path", ["/healthz", "/markets/", "/markets/aliexpress/", "/admin/login/"])
def test_other_pages_the_health_check_and_the_admin_are_never_limited(data, path):
    assert statuses(path, LIMIT * 3) == [200] * (LIMIT * 3)


def test_staff_are_not_limited(data, editor_client):
    codes = [editor_client.get(LIMITED["downloads"]).status_code for _ in range(LIMIT * 2)]
    assert codes == [200] * (LIMIT * 2)


@pytest.fixture
def page_cache_on(settings):
    settings.PAGE_CACHE_SECONDS = 60
    cache.clear()  # nothing an earlier test cached is served


def test_cached_pages_are_not_counted_and_a_429_is_never_cached(data, page_cache_on):
    first = Client().get("/search/?q=alibaba")
    assert first["X-Page-Cache"] == "miss"
    # The same page again, as often as anyone likes, comes from the cache: not counted.
    for _ in range(LIMIT * 2):
        assert Client().get("/search/?q=alibaba")["X-Page-Cache"] == "hit"
    for query in ["taobao", "wechat"][: LIMIT - 1]:  # other searches: rendered, so counted
        assert Client().get("/search/", {"q": query}).status_code == 200
    refused = Client().get("/search/?q=baidu")
    assert refused.status_code == 429
    assert "X-Page-Cache" not in refused
    # Another reader asking for the same page gets it, not the first client's 429.
    other = Client().get("/search/?q=baidu", REMOTE_ADDR="203.0.113.7")
    assert other.status_code == 200
    assert other["X-Page-Cache"] == "miss"


def test_requests_are_served_when_the_counters_cache_is_down(data, settings, caplog):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # nothing listens there once the socket is closed
    settings.CACHES = {
        **settings.CACHES,
        "rate-limits": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{port}/0",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        },
    }
    assert statuses(LIMITED["search"], LIMIT + 2) == [200] * (LIMIT + 2)
    assert "Rate-limit cache unavailable" in caplog.text


def test_a_group_can_be_turned_off(data, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "search": None}
    assert statuses(LIMITED["search"], LIMIT * 2) == [200] * (LIMIT * 2)


@pytest.mark.parametrize(
    "value, rate",
    [("60/m", (60, 60)), ("5/s", (5, 1)), ("100/5m", (100, 300)), ("2000/d", (2000, 86400))],
)
def test_a_limit_is_read_from_the_environment(monkeypatch, value, rate):
    monkeypatch.setenv("DJANGO_RATE_LIMIT_TEST", value)
    assert env_rate("DJANGO_RATE_LIMIT_TEST", "1/s") == rate


@pytest.mark.parametrize("value", ["off", "", " OFF "])
def test_off_lifts_a_limit(monkeypatch, value):
    monkeypatch.setenv("DJANGO_RATE_LIMIT_TEST", value)
    assert env_rate("DJANGO_RATE_LIMIT_TEST", "60/m") is None


@pytest.mark.parametrize("value", ["60", "60/minute", "sixty/m", "60/0m", "-1/m"])
def test_a_malformed_limit_stops_the_site_starting(monkeypatch, value):
    monkeypatch.setenv("DJANGO_RATE_LIMIT_TEST", value)
    with pytest.raises(ImproperlyConfigured, match="DJANGO_RATE_LIMIT_TEST"):
        env_rate("DJANGO_RATE_LIMIT_TEST", "60/m")
