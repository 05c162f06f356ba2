"""Name boxes in the filter forms: a company or market typed as its name or slug, resolved on
the server (`core.filters.PublishedLookupField`), and the suggestions behind the autocomplete
(`/lookup/<kind>/`, `notorious.lookup`)."""

import json
import re

import pytest

from notorious.lookup import LOOKUP_LIMIT
from tests.factories import list_market, make_article, make_company, make_market
from tests.page_helpers import text_of

pytestmark = pytest.mark.django_db

# Every list page with a company box, and where it sends its results.
COMPANY_BOXES = ["/markets/", "/coverage/", "/timeline/", "/timeline/events/", "/companies/"]


@pytest.fixture
def alibaba():
    group = make_company("Alibaba Group", aliases="Alibaba\n阿里巴巴")
    taobao = make_market("Taobao", operator=group, aliases="淘宝")
    list_market(taobao, 2021)
    make_article("Taobao story", markets=[taobao])
    make_company("Alibaba Pictures", parent=group)
    make_company("Hidden Holdings", is_published=False)
    return group


def parameter(url):
    return "parent" if url == "/companies/" else "company"


def results(response):
    context = response.context
    if "edition_rows" in context:  # the timeline's rows: each edition's turns
        return [(row.year, row.turns, row.coverage) for row in context["edition_rows"]]
    return list(context["object_list"]) if "object_list" in context else context["events"]


@pytest.mark.parametrize("url", COMPANY_BOXES)
def test_a_company_by_name_filters_as_by_slug(client, alibaba, url):
    by_slug = client.get(url, {parameter(url): "alibaba-group"})
    assert by_slug.status_code == 200
    for typed in ["Alibaba Group", "  alibaba   GROUP ", "阿里巴巴"]:
        by_name = client.get(url, {parameter(url): typed})
        assert by_name.status_code == 200, typed
        assert results(by_name) == results(by_slug), typed


@pytest.mark.parametrize("url", COMPANY_BOXES)
def test_the_box_shows_the_chosen_name_and_keeps_the_slug(client, alibaba, url):
    html = client.get(url, {parameter(url): "alibaba-group"}).content.decode()
    box = re.search(rf'<input type="text" name="{parameter(url)}"[^>]*>', html).group(0)
    assert 'value="Alibaba Group"' in box
    assert 'data-value="alibaba-group"' in box
    assert 'data-lookup="/lookup/companies/"' in box
    assert '<script src="/static/js/lookup.js" defer></script>' in html


def test_no_company_or_market_is_listed_in_the_forms(client, alibaba):
    """As many `<option>`s with 3 companies as with 53: none per company or market."""
    counts = []
    for batch in range(2):
        counts.append(
            {url: client.get(url).content.decode().count("<option") for url in COMPANY_BOXES}
        )
        for i in range(25):
            make_market(f"Extra market {batch}-{i}", operator=make_company(f"Extra {batch}-{i}"))
    assert counts[1] == counts[0]


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("Hidden Holdings", "No published company has the name or slug “Hidden Holdings”"),
        ("hidden-holdings", "No published company has the name or slug “hidden-holdings”"),
        ("Nobody Ltd", "No published company has the name or slug “Nobody Ltd”"),
        ("x" * 300, "No published company has the name or slug “" + "x" * 60 + "…”"),
        ("a\x00b", "Null characters are not allowed"),
    ],
)
def test_an_unknown_or_draft_name_is_a_400_with_a_message(client, alibaba, typed, message):
    for url in COMPANY_BOXES:
        response = client.get(url, {parameter(url): typed})
        assert response.status_code == 400, url
        assert message in text_of(response), url


def test_a_name_several_entries_share_is_refused_with_their_slugs(client, alibaba):
    make_company("Ant Group", aliases="Alibaba\nAlibaba Group")
    response = client.get("/markets/", {"company": "alibaba"})
    assert response.status_code == 400
    assert (
        "“alibaba” names several companies: Alibaba Group (alibaba-group), Ant Group "
        "(ant-group). Type the slug of the one you mean."
    ) in text_of(response)
    # The slug still chooses one, and the name that is a name wins over the alias.
    for typed in ["alibaba-group", "Alibaba Group"]:
        chosen = client.get("/markets/", {"company": typed})
        assert [market.name for market in results(chosen)] == ["Taobao"], typed


def test_the_api_takes_a_name_too_and_refuses_what_it_cannot_resolve(client, alibaba):
    by_name = client.get("/api/markets/", {"company": "Alibaba Group"})
    assert [m["slug"] for m in by_name.json()["results"]] == ["taobao"]
    refused = client.get("/api/markets/", {"company": "Hidden Holdings"})
    assert refused.status_code == 400
    assert "No published company has the name or slug “Hidden Holdings”" in refused.content.decode()


def suggest(client, kind, typed, status=200):
    response = client.get(f"/lookup/{kind}/", {"q": typed})
    assert response.status_code == status
    return json.loads(response.content) if status == 200 else None


def test_suggestions_are_published_entries_by_name_alias_or_slug(client, alibaba):
    assert suggest(client, "companies", "ali") == {
        "results": [
            {"value": "alibaba-group", "label": "Alibaba Group"},
            {"value": "alibaba-pictures", "label": "Alibaba Pictures"},
        ],
        "more": False,
    }
    assert suggest(client, "companies", "阿里")["results"][0]["label"] == "Alibaba Group"
    assert suggest(client, "markets", "淘宝")["results"] == [{"value": "taobao", "label": "Taobao"}]
    assert suggest(client, "markets", "taob")["results"] == [{"value": "taobao", "label": "Taobao"}]
    assert suggest(client, "companies", "hidden")["results"] == []


def test_suggestions_put_names_starting_with_the_text_first(client, db):
    make_company("The Tencent Trust")
    make_company("Tencent")
    labels = [r["label"] for r in suggest(client, "companies", "tencent")["results"]]
    assert labels == ["Tencent", "The Tencent Trust"]


def test_suggestions_are_bounded_and_say_there_are_more(client, db):
    for i in range(LOOKUP_LIMIT + 5):
        make_company(f"Holding {i:02}")
    found = suggest(client, "companies", "holding")
    assert len(found["results"]) == LOOKUP_LIMIT
    assert found["more"] is True
    assert found["results"][0]["label"] == "Holding 00"


@pytest.mark.parametrize("typed", ["", "   ", "%", "_", "\\", "\x00", "x" * 5000, "'; --"])
def test_odd_text_gives_no_suggestion_never_a_500(client, alibaba, typed):
    assert suggest(client, "companies", typed) == {"results": [], "more": False}


def test_an_unknown_kind_is_a_404(client, db):
    suggest(client, "articles", "x", status=404)
    suggest(client, "users", "x", status=404)


def test_suggestions_take_one_query_whatever_the_data(client, db, django_assert_num_queries):
    for i in range(30):
        make_company(f"Query Co {i}")
    with django_assert_num_queries(1):
        client.get("/lookup/companies/", {"q": "query"})


def test_a_name_box_form_has_a_label_for_every_control(client, alibaba):
    html = client.get("/coverage/").content.decode()
    for control_id in re.findall(r'<input[^>]*\bid="([^"]+)"', html):
        assert f'for="{control_id}"' in html, control_id


@pytest.mark.parametrize("typed", ["100%", "50%s off", "%(name)s", "a % b"])
def test_a_name_with_a_percent_sign_is_refused_with_a_message_never_a_500(client, alibaba, typed):
    """What was sent is echoed as a parameter of the message, so a "%" in it cannot break
    the message's formatting (found by schemathesis: /api/figures/?article=...%^&*)."""
    for url in ("/api/markets/", "/markets/"):
        response = client.get(url, {"company": typed})
        assert response.status_code == 400, url
        assert f"No published company has the name or slug “{typed}”" in text_of(response)
    api = client.get("/api/figures/", {"article": typed})
    assert api.status_code == 400
    assert f"No published article has the name or slug “{typed}”" in api.content.decode()
