"""Numbers and sort lists from the address that once gave server errors (issue 10).

`'²'.isdigit()` is true but `int('²')` fails, and an empty item in a sort list (`sort=,`)
reached the ordering filter as a field named ''. The cases below are the reported ones; the
property tests cover their classes: every numeric parameter with Unicode digit forms, and
generated sort lists with empty and repeated items.
"""

from urllib.parse import urlencode

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from notorious.core.numbers import MAX_DIGITS, parse_number

from .factories import list_market, make_market

pytestmark = pytest.mark.django_db

# Digit forms `str.isdigit()` accepts that are not ASCII: superscripts, circled, fullwidth,
# Arabic-Indic and Devanagari digits.
UNICODE_DIGITS = ["²", "①", "２０２１", "٢٠٢١", "२०२१", "2⁰21", "２"]

few = settings(
    max_examples=30,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)

# Characters Python calls digits but are not ASCII (any script's).
unicode_digit = st.characters(categories=["Nd", "No"]).filter(lambda c: not c.isascii())
numbers_with_unicode_digits = st.builds(
    lambda head, digit, tail: head + digit + tail,
    st.text(alphabet="0123456789", max_size=3),
    unicode_digit,
    st.text(alphabet=st.characters(categories=["Nd", "No"]), max_size=3),
)


@pytest.fixture
def reader():
    return Client(raise_request_exception=False)


@pytest.fixture
def editions():
    market = make_market("AliExpress", slug="aliexpress")
    return list_market(market, 2020, 2021)


# --- the helper -------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["2021", " 2021 ", "0", 7])
def test_parse_number_reads_ascii_digits(value):
    assert parse_number(value) == int(str(value).strip())


@pytest.mark.parametrize(
    "value", [None, "", " ", "-1", "+1", "1e3", "1.0", "1_000", "9" * (MAX_DIGITS + 1), True]
)
def test_parse_number_refuses_anything_else(value):
    assert parse_number(value) is None


def test_parse_number_bound():
    assert parse_number("2021", maximum=2021) == 2021
    assert parse_number("2022", maximum=2021) is None


@few
@given(value=st.one_of(st.sampled_from(UNICODE_DIGITS), numbers_with_unicode_digits))
def test_parse_number_refuses_unicode_digits(value):
    assert parse_number(value) is None


# --- public pages and the API -----------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/markets/?sort=,",
        "/markets/?sort=name,,name",
        "/markets/?format=csv&sort=,",
        "/api/markets/?sort=,",
        "/compare/?to=%C2%B2",
        "/compare/?from=%C2%B2",
    ],
)
def test_reported_public_cases_are_not_server_errors(reader, editions, path):
    assert reader.get(path).status_code < 500


def test_empty_and_repeated_sort_items_are_ignored(client, editions):
    second = make_market("Bazaar", slug="bazaar")
    list_market(second, 2019)
    plain = client.get("/markets/?sort=-name").context["page_obj"].object_list
    messy = client.get("/markets/?sort=,-name,,-name,name").context["page_obj"].object_list
    assert [m.name for m in messy] == [m.name for m in plain] == ["Bazaar", "AliExpress"]


sort_items = st.sampled_from(
    ["", "-", "name", "-name", "first_year", "-first_year", "years_listed", "-years_listed"]
)


@few
@given(items=st.lists(sort_items, max_size=6), path=st.sampled_from(["/markets/", "/api/markets/"]))
def test_generated_sort_lists(reader, editions, items, path):
    response = reader.get(path + "?" + urlencode({"sort": ",".join(items)}))
    assert response.status_code in (200, 400)


# The pages and API lists that read a number from the query string: an edition's year, a
# range of years, a page, a limit or an offset.
NUMERIC_PAGES = [
    "/compare/",
    "/markets/",
    "/timeline/",
    "/figures/",
    "/search/",
    "/api/markets/",
    "/api/reports/",
    "/api/listings/",
    "/api/figures/",
    "/api/articles/",
]


@few
@given(
    value=st.one_of(st.sampled_from(UNICODE_DIGITS), numbers_with_unicode_digits),
    key=st.sampled_from(["to", "from", "year", "page", "limit", "offset", "since", "until"]),
    path=st.sampled_from(NUMERIC_PAGES),
)
def test_unicode_digits_in_numeric_parameters(reader, editions, value, key, path):
    assert reader.get(path, {key: value}).status_code < 500


# --- the admin --------------------------------------------------------------------------


@pytest.fixture
def editor_reader(editor):
    client = Client(raise_request_exception=False)
    client.force_login(editor)
    return client


@few
@given(value=st.one_of(st.sampled_from(UNICODE_DIGITS), numbers_with_unicode_digits))
def test_unicode_digits_in_the_admin(editor_reader, editions, value):
    pk = editions.pk
    for path, query in [
        ("/admin/markets/market/", {"listed_in": value}),
        ("/admin/reports/listing/", {"year": value}),
        ("/admin/markets/market/recover/", {"p": value}),
    ]:
        assert editor_reader.get(path, query).status_code < 500, (path, value)
    history = f"/admin/markets/market/{pk}/history/{value}/"
    assert editor_reader.get(history).status_code == 404
    response = editor_reader.post("/admin/markets/market/recover/", {"history_id": value})
    assert response.status_code < 500
