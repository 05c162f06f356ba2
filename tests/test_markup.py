"""Editorial text: Markdown rendered, and nothing in it can run script (see the browser test in
test_browser_xss.py for the same thing in a real browser)."""

import random
import threading

import markdown
import pytest
from django.template import Context, Template

from notorious.core import markup
from notorious.core.markup import markdown_to_text, render_markdown

from .factories import (
    list_market,
    make_article,
    make_company,
    make_figure,
    make_market,
    make_outlet,
    make_report,
)

ATTACKS = [
    "<script>window.__xss=1</script>",
    '<img src=x onerror="window.__xss=2">',
    "[link](javascript:window.__xss=3)",
    '<a href="javascript:window.__xss=4">a</a>',
    '<a href="JaVaScRiPt:window.__xss=5">b</a>',
    "[c](java&#x09;script:window.__xss=6)",
    '<a href="data:text/html,&lt;script&gt;window.__xss=7&lt;/script&gt;">d</a>',
    '<svg onload="window.__xss=8"><circle/></svg>',
    '<iframe src="https://example.org/"></iframe>',
    '<p style="background:url(javascript:x)" onclick="window.__xss=9">e</p>',
    "<style>body{display:none}</style>",
    '<form action="https://example.org/"><input name="x"></form>',
    '<object data="x.swf"></object>',
    "<!-- <script>window.__xss=10</script> -->",
]


def html(text):
    return str(render_markdown(text))


def test_markdown_becomes_html():
    rendered = html(
        "First paragraph with *emphasis*, **strong** and `code`.\n\n"
        "- one\n- two\n\n"
        "1. first\n2. second\n\n"
        "> quoted\n\n"
        "[USTR](https://ustr.gov/) and <mailto:desk@example.org>"
    )
    assert "<p>First paragraph with <em>emphasis</em>, <strong>strong</strong> and " in rendered
    assert "<code>code</code>" in rendered
    assert "<ul>\n<li>one</li>\n<li>two</li>\n</ul>" in rendered
    assert "<ol>\n<li>first</li>\n<li>second</li>\n</ol>" in rendered
    assert "<blockquote>" in rendered
    assert '<a href="https://ustr.gov/" rel="nofollow noopener noreferrer">USTR</a>' in rendered
    assert 'href="mailto:' in rendered


def test_plain_text_is_escaped_not_lost():
    assert html("Prices < 10 & falling") == "<p>Prices &lt; 10 &amp; falling</p>"
    assert html("`<b>not bold</b>`") == "<p><code>&lt;b&gt;not bold&lt;/b&gt;</code></p>"


def test_empty_text_renders_nothing():
    assert html("") == ""
    assert html(None) == ""


@pytest.mark.parametrize("attack", ATTACKS)
def test_no_markup_can_run_script(attack):
    rendered = html(f"Harmless words. {attack} More words.").lower()
    assert "Harmless words." in html(f"Harmless words. {attack} More words.")
    for forbidden in (
        "<script",
        "javascript:",
        "data:",
        "onerror",
        "onload",
        "onclick",
        "<img",
        "<svg",
        "<iframe",
        "<style",
        "style=",
        "<form",
        "<input",
        "<object",
        "__xss",
    ):
        assert forbidden not in rendered, (attack, rendered)


def test_only_web_and_mail_links_keep_their_address():
    assert 'href="https://example.org/"' in html("[a](https://example.org/)")
    assert 'href="http://example.org/"' in html("[a](http://example.org/)")
    assert 'href="/markets/taobao/"' in html("[a](/markets/taobao/)")
    for scheme in ("ftp://example.org/", "file:///etc/passwd", "vbscript:msgbox(1)"):
        assert "href" not in html(f"[a]({scheme})"), scheme


@pytest.mark.parametrize(
    "link",
    [
        "[a](//evil.example/login)",
        "[a](/\\evil.example/login)",
        '<a href="\\\\evil.example/">a</a>',
        '<a href=" //evil.example/">a</a>',
        '<a href="/&#9;/evil.example/">a</a>',
    ],
)
def test_protocol_relative_links_do_not_pass_as_site_paths(link):
    """`//host` and `/\\host` leave the site (browsers read both as `//host`): their address
    is dropped, the words kept."""
    rendered = html(f"See {link}.")
    assert "evil.example" not in rendered, rendered
    assert ">a</a>" in rendered


def test_titles_and_other_generic_attributes_are_dropped():
    rendered = html('[a](https://example.org/ "Official USTR notice") <p title="t" lang="en">b</p>')
    assert "title" not in rendered and "lang=" not in rendered and "Official" not in rendered
    assert 'href="https://example.org/"' in rendered


def test_plain_text_version_for_excerpts():
    assert markdown_to_text("**Bold** and [a link](https://example.org/)") == "Bold and a link"
    assert markdown_to_text("<script>window.__xss=1</script>Text") == "Text"
    assert markdown_to_text("") == ""


def test_template_filters():
    template = Template(
        "{% load markup %}{{ text|markdown }}|{{ text|markdown_text|truncatewords:2 }}"
    )
    rendered = template.render(Context({"text": "*Hello* <b onclick='x()'>big</b> world"}))
    assert rendered == "<p><em>Hello</em> big world</p>|Hello big …"


@pytest.mark.django_db
def test_public_pages_render_editorial_text_as_safe_markdown(client):
    """Every page that shows a description, summary, reason or note renders the Markdown and
    drops the script."""
    payload = "Some **bold** words. <script>window.__xss=1</script>" + ATTACKS[1] + ATTACKS[2]
    company = make_company("Example Holding", description=payload)
    market = make_market("Example Market", operator=company, description=payload)
    report = make_report(2021, summary=payload)
    list_market(market, 2021)
    market.listings.update(reasons=payload)
    outlet = make_outlet("Example Outlet", description=payload)
    article = make_article(
        "Example headline", outlet=outlet, markets=[market], summary=payload, reports=[report]
    )
    figure = make_figure(source_report=report, note=payload)
    pages = [
        company.get_absolute_url(),
        market.get_absolute_url(),
        report.get_absolute_url(),
        outlet.get_absolute_url(),
        article.get_absolute_url(),
        figure.get_absolute_url(),
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        content = response.content.decode()
        assert "<strong>bold</strong>" in content, url
        assert "__xss" not in content, url
        assert "onerror" not in content, url
        assert "javascript:" not in content, url


# --- One converter per thread, reused ----------------------------------------------------

SEQUENCE = [
    "Defines a reference: [USTR][ustr].\n\n[ustr]: https://ustr.gov/",
    "Uses it without defining it: [USTR][ustr].",
    "Raw <b>HTML</b> is stashed,\n\n<div>and so is a block</div>",
    "- a list\n- of two\n\n3. then an ordered one\n4. from three",
    "",
    "Abbreviations and *emphasis* <https://example.org/>",
]


def test_a_reused_converter_gives_what_a_fresh_one_gives():
    """Nothing carries over from one text to the next: a reference defined in one text
    is not a link in the next, and a stashed HTML block is not repeated."""
    fresh = [
        markdown.markdown(text, extensions=["sane_lists"], output_format="html")
        for text in SEQUENCE
    ]
    assert [markup.markdown_to_html(text) for text in SEQUENCE] == fresh
    assert "href" not in markup.markdown_to_html(SEQUENCE[1])
    assert str(render_markdown(SEQUENCE[1])) == "<p>Uses it without defining it: [USTR][ustr].</p>"


def test_each_thread_has_its_own_converter():
    here = markup.converter()
    assert markup.converter() is here
    elsewhere = []
    thread = threading.Thread(target=lambda: elsewhere.append(markup.converter()))
    thread.start()
    thread.join()
    assert elsewhere[0] is not here


def test_threads_converting_at_once_get_their_own_text():
    texts = [
        f"Text **{n}** with [a link][r{n}].\n\n[r{n}]: https://example.org/{n}" for n in range(8)
    ]
    results = {}

    def convert(n):
        for _ in range(50):
            results.setdefault(n, set()).add(str(render_markdown(texts[n])))

    threads = [threading.Thread(target=convert, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for n in range(8):
        assert results[n] == {
            f'<p>Text <strong>{n}</strong> with <a href="https://example.org/{n}" '
            f'rel="nofollow noopener noreferrer">a link</a>.</p>'
        }


def test_plain_lines_skip_the_converter_and_give_what_it_gives():
    """A summary in plain words (one line, no Markdown, entity or HTML character) is its own
    plain text, and its HTML a paragraph of itself; every text, plain or not, gives what the
    converter and sanitiser give."""
    pieces = [
        "word",
        "Alibaba's",
        '"quoted"',
        "e-commerce",
        "1.",
        "2)",
        "(aside)",
        "x = 1",
        "a+b",
        "C&A",
        "&amp;",
        "*",
        "_",
        "`",
        "[x]",
        "<b>",
        "#",
        "!",
        "\\",
        ">",
        "-",
        "+",
        "=",
        "  ",
        " ",
        "\t",
        "\n",
        "\n\n",
        "微信",
        "café",
        "\u3000",
        "\u00a0",
        "\u2028",
        "\u200b",
        "\ufeff",
        "http://example.org/",
    ]
    rng = random.Random(11)
    texts = ["Synthetic coverage, generated for load tests, about handbags counterfeit trademark."]
    texts += ["".join(rng.choice(pieces) for _ in range(rng.randint(1, 8))) for _ in range(3000)]
    plain = 0
    for text in texts:
        assert markdown_to_text(text) == markup.converted_to_text(text), repr(text)
        assert render_markdown(text) == markup.converted_to_html(text), repr(text)
        plain += markup.is_plain_line(text)
    assert 100 < plain < len(texts) - 100  # both ways were taken, often
