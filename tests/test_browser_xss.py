"""An editor saves a market description full of script through the admin, in a real browser;
a reader opens the market's page and clicks its links, and none of the script runs.

Two layers stop it: the sanitiser removes the markup (asserted on the page's DOM), and the
Content Security Policy would refuse inline script even if some got through."""

import pytest
from django.contrib.auth.models import Group, Permission

from notorious.core.editors import ACTIONS, CONTENT_MODELS, EDITORS_GROUP

from .factories import make_market

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

HOSTILE_DESCRIPTION = (
    "Harmless opening words about the market.\n\n"
    "<script>window.__xss=1</script>\n\n"
    '<img src=x onerror="window.__xss=2">\n\n'
    "A [markdown link](javascript:window.__xss=3) and "
    '<a id="raw-link" href="javascript:window.__xss=4;alert(4)">an HTML link</a>, '
    '<b onmouseover="window.__xss=5">hover me</b>.\n\n'
    "Closing **harmless** words."
)


@pytest.fixture
def editors_group():
    """The Editors group with its permissions, as its data migration makes it: a transactional
    test before this one may have flushed it away with the rest of the database (flushing
    recreates permissions, not groups)."""
    group, _ = Group.objects.get_or_create(name=EDITORS_GROUP)
    group.permissions.set(
        Permission.objects.get(content_type__app_label=app_label, codename=f"{action}_{model}")
        for app_label, model in CONTENT_MODELS
        for action in ACTIONS
    )


def test_script_in_a_description_never_runs(live_server, browser, editors_group, editor):
    market = make_market("Example Market")
    page = browser.new_page()
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))

    # The editor logs in to the admin and saves the description through the change form.
    page.goto(f"{live_server.url}/admin/login/?next=/admin/")
    page.fill("#id_username", editor.username)
    page.fill("#id_password", "correct-horse-battery")
    page.click("input[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/")
    page.goto(f"{live_server.url}/admin/markets/market/{market.pk}/change/")
    page.fill("#id_description", HOSTILE_DESCRIPTION)
    page.click("input[name=_save]")
    page.wait_for_url(f"{live_server.url}/admin/markets/market/")
    market.refresh_from_db()
    # What the editor typed is kept as typed; only its rendering is made safe.
    assert "<script>window.__xss=1</script>" in market.description

    # A reader opens the page and does what a reader does: reads, hovers, clicks links.
    reader = browser.new_page()
    reader.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    reader.goto(f"{live_server.url}{market.get_absolute_url()}")
    prose = reader.locator(".prose").first
    assert "Harmless opening words about the market." in prose.inner_text()
    assert "Closing harmless words." in prose.inner_text()
    assert prose.locator("strong", has_text="harmless").count() == 1
    reader.get_by_text("hover me").hover()
    for name in ("markdown link", "an HTML link"):
        link = reader.get_by_text(name, exact=True)
        assert link.count() == 1
        assert link.get_attribute("href") is None
        link.click()
    reader.wait_for_timeout(200)

    assert reader.evaluate("typeof window.__xss") == "undefined"
    assert reader.locator("script:not([src])").count() == 0
    assert prose.locator("img").count() == 0
    handlers = prose.evaluate(
        "el => [...el.querySelectorAll('*')].flatMap(e => e.getAttributeNames())"
        ".filter(name => name.startsWith('on'))"
    )
    assert handlers == []
    assert dialogs == []
    assert reader.url == f"{live_server.url}{market.get_absolute_url()}"
