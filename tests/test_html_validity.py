"""Every public page type is valid HTML by the Nu HTML Checker (vnu.jar, the W3C's
validator), run once over all of them: one Java start for every page.

The checker is the npm registry's `vnu-jar` (package.json, pinned with its hash in
package-lock.json: the W3C's current release) and needs Java; `make test` installs both
(`npm ci`, Debian's default-jre-headless). Without either the test fails: a check that
cannot run must not pass.
"""

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from django.template.loader import render_to_string

from .public_pages import PUBLIC_PAGES, load_demo

# The error pages the server renders with no request and no database (core/errors.py).
STATIC_ERROR_PAGES = ["400.html", "429.html", "500.html", "503.html"]


VNU_JAR = Path(__file__).resolve().parent.parent / "node_modules/vnu-jar/build/dist/vnu.jar"


def vnu_jar():
    if not VNU_JAR.exists():
        pytest.fail(f"The Nu HTML Checker is not installed at {VNU_JAR}: `make test` installs it.")
    return VNU_JAR


def validate(paths):
    """The Nu HTML Checker's messages about `paths`, as dicts (`type`, `url`, `lastLine`,
    `message`, `extract`)."""
    java = shutil.which("java")
    if java is None:
        pytest.fail(
            "Java is not installed: the Nu HTML Checker (vnu.jar) needs it. "
            "`make test` installs Debian's default-jre-headless; or `apt-get install "
            "default-jre-headless`."
        )
    result = subprocess.run(
        [java, "-Xss1m", "-jar", str(vnu_jar()), "--format", "json", "--exit-zero-always"]
        + [str(path) for path in paths],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return json.loads(result.stderr)["messages"]  # vnu writes its report to stderr


def problems(messages):
    """Errors and fatal errors, one line each (info messages are not problems)."""
    return [
        f"{Path(m.get('url', '?')).name}:{m.get('lastLine', '?')}: {m['message']}"
        f"  [{(m.get('extract') or '').strip()[:120]}]"
        for m in messages
        if m["type"] in ("error", "non-document-error") or m.get("subType") == "fatal"
    ]


# A page with the two errors this test exists to keep out (a heading made a status, a
# description pointing at an id not in the page), checked in the same run: the checker is
# really run, and really finds them.
BROKEN = (
    '<!DOCTYPE html><html lang="en"><head><title>t</title></head><body><main>'
    '<h2 role="status">3 markets</h2>'
    '<p aria-labelledby="cite">Cite this page</p><span id="cite">Cite</span>'
    "</main></body></html>"
)


@pytest.mark.django_db
def test_every_public_page_type_is_valid_html(client, tmp_path):
    load_demo()
    paths = []
    for number, (name, url, status) in enumerate(PUBLIC_PAGES):
        response = client.get(url)
        assert response.status_code == status, (name, url, response.status_code)
        path = tmp_path / f"{number:02d}-{name.replace(' ', '-').replace(',', '')}.html"
        path.write_bytes(response.content)
        paths.append(path)
    for template in STATIC_ERROR_PAGES:
        path = tmp_path / f"error-{template}"
        path.write_text(render_to_string(template))
        paths.append(path)
    broken = tmp_path / "broken.html"
    broken.write_text(BROKEN)

    found = problems(validate([*paths, broken]))

    on_pages = [line for line in found if not line.startswith("broken.html:")]
    assert not on_pages, "The Nu HTML Checker found:\n" + "\n".join(on_pages)
    in_broken = "\n".join(found)
    assert "“status” for attribute “role” on element “h2”" in in_broken
    assert "“aria-labelledby” attribute must not be specified on any “p” element" in in_broken
