"""Embeds in a real browser (Debian's Chromium, Playwright), on the demo data: another site's
page frames a card and it shows, frames a normal page and the browser refuses it; the card
reads from 300 to 600 px; the pages' "Embed this" opens to the iframe to copy."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import StringIO
from urllib.parse import quote

import pytest
from django.conf import settings
from django.core.management import call_command
from playwright.sync_api import expect

from tests.conftest import ARTIFACTS

pytestmark = [pytest.mark.browser]


def news_article(card_iframe, page_url):
    """A news site's article framing a card (`card_iframe`, the HTML oEmbed gives) and, as a
    clickjacker would, a normal page."""
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>An article</title></head>
<body><h1>An article about markets</h1>
<div id="card">{card_iframe}</div>
<iframe id="page" src="{page_url}" width="480" height="300" title="A page"></iframe>
</body></html>"""


@pytest.fixture
def news_site():
    """Another site, serving whatever article a test gives it (`news_site.article = html`)
    at its own origin, on this machine: Chromium refuses to let a public site (or a page
    Playwright makes up) frame anything on this machine at all. It listens on a port of
    the system's choosing, as live_server does, and stops with the test."""

    class Article(BaseHTTPRequestHandler):
        def do_GET(self):
            body = server.article.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Article)
    server.article = ""
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.fixture
def demo(transactional_db):
    call_command("load_demo", stdout=StringIO())


def open_article(context, news_site, live_server, page_path):
    """The news site's article embedding the page at `page_path` as oEmbed says to, and
    framing the page itself; and the browser's console messages while it loads."""
    page = context.new_page()
    messages = []
    page.on("console", lambda message: messages.append(message.text))
    answer = page.request.get(
        f"{live_server.url}/oembed/?url={quote(settings.SITE_URL + page_path)}&format=json"
    )
    assert answer.status == 200
    # The site's address is SITE_URL; in the tests, the live server's differs.
    card_iframe = answer.json()["html"].replace(settings.SITE_URL, live_server.url)
    news_site.article = news_article(card_iframe, live_server.url + page_path)
    host, port = news_site.server_address
    page.goto(f"http://{host}:{port}/article")
    page.wait_for_load_state("networkidle")
    return page, messages


@pytest.mark.parametrize("width", [375, 1280])
def test_another_site_shows_the_card_and_not_the_page(browser, live_server, demo, news_site, width):
    ARTIFACTS.mkdir(exist_ok=True)
    context = browser.new_context(viewport={"width": width, "height": 900})
    try:
        page, messages = open_article(context, news_site, live_server, "/markets/aliexpress/")
        card = page.frame_locator("#card iframe")
        expect(card.get_by_role("heading", level=1)).to_have_text("AliExpress")
        expect(card.locator(".status-statement")).to_contain_text("the latest edition")
        expect(card.locator("ol.strip li")).not_to_have_count(0)
        expect(card.get_by_text("Source: USTR's notorious-markets reviews")).to_be_visible()
        # The normal page is refused: the frame holds the browser's error, not the page.
        refused = [text for text in messages if "frame-ancestors 'none'" in text]
        assert refused, messages
        expect(page.frame_locator("#page").locator("#market-name")).to_have_count(0)
        # The card's own policy is not tripped by anything the card holds.
        card_violations = [
            text for text in messages if "Content Security Policy" in text and text not in refused
        ]
        assert card_violations == []
        page.screenshot(path=ARTIFACTS / f"embed-on-another-site-{width}.png", full_page=True)
        # The link back opens the full page in the reader's window, not in the frame.
        card.get_by_role("link", name="AliExpress's full record").click()
        page.wait_for_url(f"{live_server.url}/markets/aliexpress/")
        expect(page.get_by_role("heading", level=1)).to_have_text("AliExpress")
    finally:
        context.close()


@pytest.mark.parametrize("width", [300, 600])
@pytest.mark.parametrize("path", ["/markets/aliexpress/embed/", "/companies/alibaba-group/embed/"])
def test_the_card_reads_from_300_to_600_pixels(browser, live_server, demo, path, width):
    ARTIFACTS.mkdir(exist_ok=True)
    context = browser.new_context(viewport={"width": width, "height": 500})
    page = context.new_page()
    try:
        page.goto(live_server.url + path)
        expect(page.locator("nav")).to_have_count(0)  # no site navigation
        expect(page.locator("ol.strip").first).to_be_visible()
        page.locator("summary", has_text="Timeline key").click()
        expect(page.get_by_text("listed, returning")).to_be_visible()
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0
        name = path.strip("/").replace("/", "-")
        page.screenshot(path=ARTIFACTS / f"{name}-{width}.png", full_page=True)
    finally:
        context.close()


@pytest.mark.parametrize("width", [375, 1280])
def test_embed_this_opens_to_the_iframe_to_copy(browser, live_server, demo, width):
    ARTIFACTS.mkdir(exist_ok=True)
    context = browser.new_context(
        viewport={"width": width, "height": 900}, java_script_enabled=False
    )
    page = context.new_page()
    try:
        page.goto(live_server.url + "/companies/alibaba-group/")
        code = page.get_by_label("The card's HTML")
        expect(code).to_be_hidden()
        page.get_by_text("Show Alibaba Group's card on your own site").click()
        expect(code).to_be_visible()
        expect(code).to_have_js_property("readOnly", True)
        assert code.input_value().startswith('<iframe src="https://notorious.example/companies/')
        section = page.locator("section.embed-this")
        section.screenshot(path=ARTIFACTS / f"embed-this-{width}.png")
    finally:
        context.close()
