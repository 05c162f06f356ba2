"""Coverage (/coverage/), articles (/coverage/<slug>/) and outlets (/coverage/outlets/...)."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from notorious.press.models import Article
from notorious.press.views import ArticleListView
from tests.factories import (
    make_article,
    make_company,
    make_figure,
    make_market,
    make_outlet,
    make_report,
)
from tests.page_helpers import canonical, grow, meta_description, queries_for, text_of

LIST = "/coverage/"


def headlines(response):
    return [article.headline for article in response.context["object_list"]]


@pytest.fixture
def coverage(db):
    report = make_report(2021)
    alibaba = make_company("Alibaba Group")
    tencent = make_company("Tencent")
    aliexpress = make_market("AliExpress", operator=make_company("AE Ops", parent=alibaba))
    wechat = make_market("WeChat", operator=tencent)
    tsf = make_outlet("TSF", aliases="TSF Rádio Notícias", country="PT", language="pt")
    djy = make_outlet("Da Ji Yuan", aliases="大紀元")
    wire = make_outlet("Wire Service")
    make_article(
        "TSF story on AliExpress",
        outlet=tsf,
        markets=[aliexpress],
        published_on=datetime.date(2022, 2, 18),
        reports=[report],
    )
    republished = make_article(
        "Republished TSF story",
        outlet=wire,
        republishes=tsf,
        markets=[aliexpress, wechat],
        companies=[alibaba, tencent],
        published_on=datetime.date(2022, 2, 20),
        author="A. Reporter",
        language="en",
        url="https://example.org/story",
        summary="Our own summary of the story.",
        reports=[report],
    )
    republished.cited_outlets.set([djy])
    make_article("WeChat in 2023", markets=[wechat], published_on=datetime.date(2023, 1, 9))
    make_article("Undated note about Tencent", companies=[tencent])
    make_article("Draft piece", outlet=tsf, markets=[wechat], is_published=False)
    make_figure("75", "%", measures="Share of seizures", source_article=republished)
    return {"republished": republished, "tsf": tsf}


def test_list_newest_first_with_credits(client, coverage):
    response = client.get(LIST)
    assert response.status_code == 200
    assert headlines(response) == [
        "WeChat in 2023",
        "Republished TSF story",
        "TSF story on AliExpress",
        "Undated note about Tencent",
    ]
    text = text_of(response)
    assert "Republished TSF story Wire Service · 20 February 2022 · republishes a story by TSF" in (
        text
    )
    assert "Undated note about Tencent Outlet not recorded · date not recorded" in text
    assert "About: AliExpress, WeChat" in text
    assert "Draft piece" not in text


def test_each_item_shows_its_text_and_only_published_entries(client, db):
    make_article(
        "Fakes & <fraud> 假货",
        language="zh",
        outlet=make_outlet("Draft Paper", is_published=False),
        republishes=make_outlet("Draft Wire", is_published=False),
        markets=[make_market("Open Shop"), make_market("Hidden Shop", is_published=False)],
        summary="**Bold** claim " + "word " * 60,
    )

    page = client.get(LIST).content.decode()
    item = page.split('<li class="article-item">', 1)[1].split("</li>", 1)[0]

    # Escaped, marked with its language; a draft outlet, credit or market is not named.
    assert 'lang="zh">Fakes &amp; &lt;fraud&gt; 假货</a>' in item
    assert "Outlet not recorded" in item and "date not recorded" in item
    assert "Draft" not in item and "republishes" not in item and "Hidden Shop" not in item
    assert '<p class="meta">About: <a href="/markets/open-shop/">Open Shop</a></p>' in item
    # The summary as plain text, its first 45 words.
    summary = item.split('<p class="summary" lang="zh">', 1)[1].split("</p>", 1)[0]
    assert summary == "Bold claim " + "word " * 43 + "…"


def test_a_profile_short_list_item_is_escaped_and_names_only_published_entries(client, db):
    market = make_market("Open Shop")
    make_article(
        "Fakes & <fraud> 假货",
        language="zh",
        outlet=make_outlet("Draft Paper", is_published=False),
        republishes=make_outlet("Draft Wire", is_published=False),
        markets=[market],
    )
    make_article(
        "Dated piece",
        outlet=make_outlet("Radio <Example>"),
        republishes=make_outlet("TSF"),
        published_on=datetime.date(2022, 3, 2),
        markets=[market],
    )

    page = client.get(market.get_absolute_url()).content.decode()
    items = [item.split("</li>", 1)[0] for item in page.split('<li class="article-item">')[1:]]

    assert len(items) == 2
    dated, undated = items
    assert ">Dated piece</a>" in dated
    assert '<a href="/coverage/outlets/radio-example/">Radio &lt;Example&gt;</a>' in dated
    assert '<time datetime="2022-03-02">2 March 2022</time>' in dated
    assert 'republishes a story by <a href="/coverage/outlets/tsf/">TSF</a>' in dated
    assert 'lang="zh">Fakes &amp; &lt;fraud&gt; 假货</a>' in undated
    assert "Outlet not recorded · date not recorded" in undated
    assert "Draft" not in undated and "republishes" not in undated


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        # An outlet's own articles and its stories republished elsewhere.
        ("outlet=tsf", ["Republished TSF story", "TSF story on AliExpress"]),
        ("outlet=wire-service", ["Republished TSF story"]),
        ("market=wechat", ["WeChat in 2023", "Republished TSF story"]),
        # A company takes in its subsidiaries' markets.
        ("company=alibaba-group", ["Republished TSF story", "TSF story on AliExpress"]),
        (
            "company=tencent",
            ["WeChat in 2023", "Republished TSF story", "Undated note about Tencent"],
        ),
        ("year=2023", ["WeChat in 2023"]),
        ("year=2022", ["Republished TSF story", "TSF story on AliExpress"]),
        ("report=2021", ["Republished TSF story", "TSF story on AliExpress"]),
        ("q=summary", ["Republished TSF story"]),
    ],
)
def test_each_filter_alone(client, coverage, query, expected):
    response = client.get(f"{LIST}?{query}")
    assert response.status_code == 200
    assert headlines(response) == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("outlet=tsf&market=wechat", ["Republished TSF story"]),
        ("company=tencent&year=2022", ["Republished TSF story"]),
        ("market=aliexpress&year=2023", []),
    ],
)
def test_filters_combined(client, coverage, query, expected):
    response = client.get(f"{LIST}?{query}")
    assert headlines(response) == expected
    if not expected:
        assert "No coverage matches these filters" in text_of(response)


@pytest.mark.parametrize(
    "query",
    ["outlet=nobody", "market=nowhere", "company=none", "year=abc", "year=1900", "page=9"],
)
def test_unknown_values_give_a_400_with_a_message(client, coverage, query):
    response = client.get(f"{LIST}?{query}")
    assert response.status_code == 400
    assert "Some of this address was not understood" in text_of(response)


def test_article_page(client, coverage):
    response = client.get(coverage["republished"].get_absolute_url())
    assert response.status_code == 200
    text = text_of(response)
    assert "Wire Service · 20 February 2022 · by A. Reporter · in English" in text
    assert "Republishes a story by TSF." in text
    assert "Cites Da Ji Yuan as a source." in text
    assert "Our own summary of the story." in text
    assert "Markets AliExpress, WeChat" in text
    assert "Companies Alibaba Group, Tencent" in text
    assert "Editions 2021 review" in text
    assert "75% Share of seizures" in text
    assert 'href="https://example.org/story"' in response.content.decode()


def test_outlet_page_lists_its_articles_republications_and_citations(client, coverage):
    text = text_of(client.get("/coverage/outlets/tsf/"))
    assert "Also known as TSF Rádio Notícias" in text
    assert "Portugal" in text
    assert "Its articles (1) TSF story on AliExpress" in text
    assert "Its stories republished elsewhere (1) Republished TSF story" in text
    assert "Draft piece" not in text
    djy = text_of(client.get("/coverage/outlets/da-ji-yuan/"))
    assert "Articles citing it (1) Republished TSF story" in djy


def test_outlets_list(client, coverage):
    response = client.get("/coverage/outlets/")
    assert response.status_code == 200
    text = text_of(response)
    assert "TSF (TSF Rádio Notícias) Portugal Portuguese 1 1" in text
    assert client.get("/coverage/outlets/?language=xx").status_code == 400


def test_drafts_are_404_for_readers_and_previews_for_staff(editor_client, coverage):
    make_outlet("Secret Outlet", is_published=False)
    reader = Client()
    for url in ("/coverage/draft-piece/", "/coverage/outlets/secret-outlet/"):
        assert reader.get(url).status_code == 404
        preview = editor_client.get(url)
        assert preview.status_code == 200
        assert "Draft: only staff can see this page" in text_of(preview)


def test_article_by_a_draft_outlet_does_not_name_it(client, db):
    article = make_article("Quiet", outlet=make_outlet("Hush Media", is_published=False))
    text = text_of(client.get(article.get_absolute_url()))
    assert "Hush Media" not in text
    assert "Outlet not recorded" in text


def test_figure_page_and_its_draft_rule(editor_client, coverage):
    from notorious.figures.models import Figure

    figure = Figure.objects.get()
    text = text_of(Client().get(figure.get_absolute_url()))
    assert "75% Share of seizures" in text
    assert "Reported in Republished TSF story" in text
    figure.is_published = False
    figure.save()
    assert Client().get(figure.get_absolute_url()).status_code == 404
    assert editor_client.get(figure.get_absolute_url()).status_code == 200


def test_canonical_and_description(client, coverage):
    response = client.get(coverage["republished"].get_absolute_url())
    url = coverage["republished"].get_absolute_url()
    assert canonical(response) == f"https://notorious.example{url}"
    assert meta_description(response) == "Our own summary of the story."
    assert "filterable by outlet" in meta_description(client.get(f"{LIST}?outlet=tsf"))
    # A filtered list is a page of its own: canonical to itself, unknown parameters dropped.
    filtered = client.get(f"{LIST}?utm_source=x&outlet=tsf")
    assert canonical(filtered) == "https://notorious.example/coverage/?outlet=tsf"


@pytest.mark.parametrize(
    "url",
    [
        LIST,
        f"{LIST}?company=scale-group&year=2022",
        f"{LIST}?company=Scale Group",
        f"{LIST}?market=anchor&page=last",
        f"{LIST}?outlet=scale-outlet-1",
        f"{LIST}?q=article",
        "/coverage/outlets/",
        "/coverage/scale-article-0/",
        "/coverage/outlets/scale-outlet-0/",
    ],
)
def test_query_count_does_not_grow_with_data(client, db, url):
    grow(2)
    small = queries_for(client, url)
    grow(18, start=2)
    assert queries_for(client, url) == small


def test_url_names(db):
    assert reverse("press:list") == "/coverage/"
    assert reverse("press:outlets") == "/coverage/outlets/"
    assert reverse("press:article", kwargs={"slug": "x"}) == "/coverage/x/"
    assert reverse("press:outlet", kwargs={"slug": "x"}) == "/coverage/outlets/x/"


def test_long_lists_of_articles_on_a_page_are_cut_and_link_to_the_whole(client, db, monkeypatch):
    """An outlet's, a company's, a market's or an edition's articles were all on its page,
    however many: now the newest few, the count of all, and a link to the filtered list."""
    from notorious.core import paging

    monkeypatch.setattr(paging, "SHORTLIST_LENGTH", 2)
    outlet = make_outlet("Wire")
    company = make_company("Alibaba Group")
    for day in (1, 2, 3):
        make_article(
            f"Story {day}",
            outlet=outlet,
            companies=[company],
            published_on=datetime.date(2022, 3, day),
        )
    for url, whole in (
        ("/coverage/outlets/wire/", "/coverage/?outlet=wire"),
        ("/companies/alibaba-group/", "/coverage/?company=alibaba-group"),
    ):
        response = client.get(url)
        text = text_of(response)
        assert "Story 3" in text and "Story 2" in text and "Story 1" not in text, url
        assert "(3)" in text  # the whole count
        assert "The newest 2 of 3 are listed here; all 3 in the coverage list." in text, url
        assert f'href="{whole}"' in response.content.decode()


def test_a_shortlist_that_is_not_full_is_counted_without_a_query(client, db, monkeypatch):
    """Fewer articles than a shortlist holds are all there are: the page states their number
    without counting them again in SQL (one query fewer on most uncached pages), and a full
    shortlist is still counted, so it says how many more the coverage list holds."""
    from notorious.core import paging

    monkeypatch.setattr(paging, "SHORTLIST_LENGTH", 3)
    outlet = make_outlet("Wire")

    def add_story(day):
        make_article(f"Story {day}", outlet=outlet, published_on=datetime.date(2022, 3, day))

    add_story(1)
    add_story(2)
    url = "/coverage/outlets/wire/"
    fewer = queries_for(client, url)
    text = text_of(client.get(url))
    assert "Story 1" in text and "Story 2" in text
    assert "(2)" in text and "are listed here" not in text

    add_story(3)  # exactly full: counted, and nothing more to link to
    assert queries_for(client, url) == fewer + 1
    text = text_of(client.get(url))
    assert "(3)" in text and "are listed here" not in text

    add_story(4)
    assert queries_for(client, url) == fewer + 1
    assert "The newest 3 of 4 are listed here" in text_of(client.get(url))


@pytest.fixture
def many_matches(db, monkeypatch):
    """100 articles matching "counterfeit" (and one that does not), on a list that counts
    a word's matches only 40 past a page's start."""
    monkeypatch.setattr(ArticleListView, "count_ahead", 40)
    Article.objects.bulk_create(
        Article(
            headline=f"Counterfeit story {i:03}",
            slug=f"counterfeit-{i}",
            published_on=datetime.date(2020, 1, 1) + datetime.timedelta(days=i),
            is_published=True,
        )
        for i in range(100)
    )
    make_article("Piracy story")
    return list(Article.objects.published().filter(headline__contains="Counterfeit").newest_first())


def test_a_common_word_is_counted_past_the_page_and_says_more_than(client, many_matches):
    first = client.get(LIST, {"q": "counterfeit"})
    text = text_of(first)
    assert "More than 40 articles" in text
    assert "Page 1 Next Last" in text  # no "of N": the last page's number is not known
    assert 'href="?q=counterfeit&amp;page=last">Last' in first.content.decode()
    assert "More than 70 articles" in text_of(client.get(LIST, {"q": "counterfeit", "page": 2}))
    # Near the end the count reaches it: the whole, and the page's place in it.
    third = text_of(client.get(LIST, {"q": "counterfeit", "page": 3}))
    assert "100 articles" in third and "Page 3 of 4" in third
    last = client.get(LIST, {"q": "counterfeit", "page": "last"})
    assert "100 articles" in text_of(last) and "Page 4 of 4" in text_of(last)
    # Every match is reachable page by page, in order.
    shown = []
    for page in (1, 2, 3, 4):
        shown += client.get(LIST, {"q": "counterfeit", "page": page}).context["object_list"]
    assert shown == many_matches


def test_a_rare_word_and_pages_past_the_end_are_counted_whole(client, many_matches):
    assert "1 article" in text_of(client.get(LIST, {"q": "piracy"}))
    for page in ("5", "0", "999999999999999999"):
        response = client.get(LIST, {"q": "counterfeit", "page": page})
        assert response.status_code == 400
        assert "the results fill 4 pages" in text_of(response)
