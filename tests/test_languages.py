"""Text in another language than the page's carries `lang` (WCAG 3.1.2): aliases and
outlet names by their recorded language or, where none is recorded, by their script;
coverage by its Article.language."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from notorious.core.languages import guess_language, language_of, validate_language_tag
from notorious.markets.models import Market
from notorious.press.models import Outlet
from tests.admin_forms import admin_url
from tests.factories import make_article, make_company, make_market, make_outlet

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "text, language",
    [
        ("微信", "zh"),
        ("大紀元", "zh"),
        ("全球速卖通", "zh"),
        ("ポケモン", "ja"),
        ("東京タワー", "ja"),  # kana beside Han: Japanese
        ("네이버", "ko"),
        ("ไทย", "th"),
        ("Weixin", ""),  # Latin is written in many languages: no guess
        ("TSF Rádio Notícias", ""),
        ("Москва", ""),  # so is Cyrillic
        ("", ""),
        ("2021", ""),
    ],
)
def test_language_is_guessed_from_the_script_only_where_it_tells(text, language):
    assert guess_language(text) == language


def test_a_recorded_language_wins_over_the_guess():
    assert language_of("微信", "zh-Hant") == "zh-Hant"
    assert language_of("Weixin", "zh-Latn") == "zh-Latn"
    assert language_of("Weixin") == ""


@pytest.mark.parametrize("tag", ["zh", "zh-Hant", "pt-BR", "yue-Hant-HK"])
def test_bcp47_tags_are_accepted(tag):
    validate_language_tag(tag)


@pytest.mark.parametrize("tag", ["chinese", "zh_CN", "z", "zh-"])
def test_other_text_is_not_a_language_tag(tag):
    with pytest.raises(ValidationError):
        validate_language_tag(tag)


def html_of(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_market_page_marks_its_chinese_alias(client):
    market = make_market("WeChat", aliases="Weixin\n微信")

    page = html_of(client, market.get_absolute_url())

    assert '<span class="alias" lang="zh">微信</span>' in page
    assert '<span class="alias">Weixin</span>' in page  # Latin: the page's language


def test_a_recorded_alias_language_is_used_instead_of_the_guess(client):
    market = make_market("WeChat", aliases="Weixin\n微信", aliases_language="zh-Hans")

    page = html_of(client, market.get_absolute_url())

    assert '<span class="alias" lang="zh-Hans">微信</span>' in page
    assert '<span class="alias" lang="zh-Hans">Weixin</span>' in page


def test_outlet_pages_mark_the_outlet_name_and_aliases(client):
    outlet = make_outlet("大紀元", aliases="Da Ji Yuan\nThe Epoch Times (Chinese edition)")
    make_article("A story", outlet=outlet)

    detail = html_of(client, outlet.get_absolute_url())
    listing = html_of(client, reverse("press:outlets"))
    coverage = html_of(client, reverse("press:list"))

    assert '<h1 id="outlet-name"><span lang="zh">大紀元</span></h1>' in detail
    assert "Also known as Da Ji Yuan, The Epoch Times (Chinese edition)" in detail
    assert '<span lang="zh">大紀元</span></a>' in listing
    assert '<span lang="zh">大紀元</span></a>' in coverage


def test_a_recorded_outlet_name_language_is_used(client):
    outlet = make_outlet("TSF Rádio Notícias", name_language="pt")

    page = html_of(client, outlet.get_absolute_url())

    assert '<span lang="pt">TSF Rádio Notícias</span>' in page


def test_company_pages_mark_chinese_aliases(client):
    company = make_company("Tencent", aliases="腾讯")

    assert '<span lang="zh">腾讯</span>' in html_of(client, company.get_absolute_url())
    assert '<span lang="zh">腾讯</span>' in html_of(client, reverse("companies:list"))


def test_coverage_headline_and_summary_carry_the_article_language(client):
    article = make_article("Mercados notórios", summary="Um resumo em português.", language="pt")
    english = make_article("Notorious markets", summary="An English summary.", language="en")

    detail = html_of(client, article.get_absolute_url())
    coverage = html_of(client, reverse("press:list"))
    english_detail = html_of(client, english.get_absolute_url())

    assert '<h1 id="article-headline" lang="pt">Mercados notórios</h1>' in detail
    assert '<div lang="pt"><p>Um resumo em português.</p>' in detail
    assert f'href="{article.get_absolute_url()}" lang="pt">Mercados notórios</a>' in coverage
    assert '<p class="summary" lang="pt">' in coverage
    assert '<h1 id="article-headline">Notorious markets</h1>' in english_detail  # no mark


def test_an_article_without_a_recorded_language_is_marked_by_its_script(client):
    article = make_article("美国点名速卖通和微信")

    page = html_of(client, article.get_absolute_url())

    assert '<h1 id="article-headline" lang="zh">' in page


def test_search_results_mark_aliases_outlets_and_headlines(client):
    make_market("WeChat", aliases="Weixin\n微信")
    outlet = make_outlet("Da Ji Yuan", aliases="大紀元")
    make_article("WeChat 微信 报道", outlet=outlet, language="zh-hans")

    page = html_of(client, reverse("search") + "?q=微信")

    assert 'also Weixin, <span lang="zh">微信</span>' in page
    assert 'lang="zh-hans">' in page  # the headline's link and its snippet
    outlet_page = html_of(client, reverse("search") + "?q=大紀元")
    assert 'also <span lang="zh">大紀元</span>' in outlet_page


def test_search_boxes_keep_chinese_out_of_placeholders_and_mark_it_in_the_hint(client):
    home = html_of(client, reverse("home"))
    search_page = html_of(client, reverse("search"))

    for page in (home, search_page):
        assert 'placeholder="e.g. alibaba' in page
        assert "微信" not in page.split('placeholder="')[1].split('"')[0]
        assert '<span lang="zh">微信</span>' in page


@pytest.mark.parametrize(
    "model, fields",
    [
        (Market, ["aliases_language"]),
        (Outlet, ["aliases_language", "name_language"]),
    ],
)
def test_admin_forms_let_editors_record_the_language(editor_client, model, fields):
    page = html_of(editor_client, admin_url(model, "add"))

    for name in fields:
        assert f'name="{name}"' in page


def test_a_language_that_is_not_a_tag_is_refused():
    market = make_market("WeChat")
    market.aliases_language = "Chinese"

    with pytest.raises(ValidationError) as error:
        market.full_clean()
    assert "aliases_language" in error.value.message_dict
    assert Market.objects.get(pk=market.pk).aliases_language == ""
