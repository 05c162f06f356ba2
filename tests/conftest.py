import os
from pathlib import Path

import pytest

from .admin_forms import make_editor

# Debian's Chromium, which `make test` installs; Playwright never downloads a browser here.
CHROMIUM = "/usr/bin/chromium"
# Screenshots for a person to look at (ignored by git).
ARTIFACTS = Path(__file__).parent / "artifacts"


@pytest.fixture
def editor(db):
    """A staff user in the Editors group, as docs/editors.md sets up an editor account."""
    user, _ = make_editor("editor")
    return user


@pytest.fixture
def alice(db):
    """An editor and a client logged in as her (the first of two editors at once)."""
    return make_editor("alice")


@pytest.fixture
def bob(db):
    """A second editor and his logged-in client."""
    return make_editor("bob")


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture(scope="module")
def browser():
    """A headless Chromium driven by Playwright, shared by one test module's tests."""
    from playwright.sync_api import sync_playwright

    if not os.access(CHROMIUM, os.X_OK):
        pytest.skip(f"Debian's chromium is not installed at {CHROMIUM} (`make test` installs it)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            # As root Chromium needs --no-sandbox; the machine's network is closed, so keep
            # Chromium from trying to phone home.
            args=["--no-sandbox", "--disable-background-networking", "--disable-gpu"],
        )
        try:
            yield chromium
        finally:
            chromium.close()
