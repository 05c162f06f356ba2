"""HTTP for scripts/lib/topology.py: a reader's GET, and an editor who signs in to the admin,
renames a market through its change form and loads the market's public page."""

import http.cookiejar
import re
import time
import urllib.error
import urllib.parse
import urllib.request
from html.parser import HTMLParser


def get(url, opener=None, timeout=15):
    """(status, headers, body text); the status is the error's name when there was no answer."""
    try:
        with (opener or urllib.request.build_opener()).open(url, timeout=timeout) as response:
            return response.status, response.headers, response.read().decode(errors="replace")
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode(errors="replace")
    except (OSError, urllib.error.URLError) as error:
        return type(error).__name__, None, str(error)


class FormFields(HTMLParser):
    """The values a browser would submit from the form with id `form_id`."""

    def __init__(self, form_id):
        super().__init__()
        self.form_id = form_id
        self.inside = False
        self.fields = []
        self.select = self.textarea = None
        self.options = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("id") == self.form_id
        if not self.inside or not attrs.get("name") and tag != "option":
            return
        if tag == "input":
            kind = attrs.get("type", "text")
            if kind in {"submit", "button", "image", "file", "reset"}:
                return
            if kind in {"checkbox", "radio"} and "checked" not in attrs:
                return
            self.fields.append(
                (attrs["name"], attrs.get("value", "on" if kind == "checkbox" else ""))
            )
        elif tag == "textarea":
            self.textarea = [attrs["name"], ""]
        elif tag == "select":
            self.select, self.options = (attrs["name"], "multiple" in attrs), []
        elif tag == "option" and self.select:
            self.options.append((attrs.get("value", ""), "selected" in attrs))

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "textarea" and self.textarea is not None:
            self.fields.append(tuple(self.textarea))
            self.textarea = None
        elif tag == "select" and self.select:
            name, multiple = self.select
            chosen = [value for value, selected in self.options if selected]
            if not chosen and not multiple and self.options:
                chosen = [self.options[0][0]]
            self.fields.extend((name, value) for value in chosen)
            self.select = None


class Editor:
    """A signed-in editor (the superuser the topology makes), with a browser's cookies."""

    USERNAME = "editor"
    PASSWORD = "topology-editor-password-42"

    def __init__(self, base):
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )
        page = self.page("/admin/login/")
        self.post("/admin/login/?next=/admin/", {"username": self.USERNAME,
                  "password": self.PASSWORD, "next": "/admin/",
                  "csrfmiddlewaretoken": csrf_token(page)})  # fmt: skip
        changelist = self.page("/admin/markets/market/")
        self.change_url = re.search(r'href="(/admin/markets/market/\d+/change/)', changelist)[1]

    def page(self, path):
        status, _, body = get(self.base + path, self.opener)
        if status != 200:
            raise RuntimeError(f"editor: GET {path} answered {status}: {body[:500]}")
        return body

    def post(self, path, fields):
        data = urllib.parse.urlencode(fields, doseq=True).encode()
        request = urllib.request.Request(self.base + path, data=data,
                                         headers={"Referer": self.base + path})  # fmt: skip
        with self.opener.open(request, timeout=30) as response:  # follows the redirect
            return response.geturl(), response.read().decode(errors="replace")

    def rename_and_check(self, when, watch_reader=0):
        """Rename the market in its change form, then load its public page at once: the
        editor must see the new name. Also notes whether a reader (no cookies) saw it, and
        with `watch_reader` (seconds), after how long a reader's page first showed it."""
        parser = FormFields("market_form")
        parser.feed(self.page(self.change_url))
        fields = dict(parser.fields)
        new_name = f"Renamed {time.time_ns()}"
        data = [(name, new_name if name == "name" else value) for name, value in parser.fields]
        data.append(("_continue", "Save and continue editing"))
        saved_at = time.monotonic()
        url, body = self.post(self.change_url, data)
        if "was changed successfully" not in body:
            raise RuntimeError(f"editor: the change was not saved ({url}): {body[:2000]}")
        public = f"/markets/{fields['slug']}/"
        editor_page = self.page(public)
        seen = round(time.monotonic() - saved_at, 2)
        reader_at_once = new_name in get(self.base + public)[2]
        result = {"when": when, "fresh": new_name in editor_page, "seconds_after_save": seen,
                  "reader_saw_it_at_once": reader_at_once}  # fmt: skip
        if watch_reader:
            result["reader_saw_it_after_s"] = reader_sees(self.base + public, new_name,
                                                          saved_at, watch_reader)  # fmt: skip
        return result


def reader_sees(url, text, since, within):
    """Seconds from `since` until a reader's GET of `url` shows `text`; None if not within."""
    while time.monotonic() - since < within:
        if text in get(url)[2]:
            return round(time.monotonic() - since, 2)
        time.sleep(0.25)
    return None


def csrf_token(page):
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1]
