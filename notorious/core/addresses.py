"""An entry's address by its slug, the URL pattern reversed once rather than once an entry.

`reverse()` walks the URL resolver on every call (20-40 µs on an idle machine, several
times that under load); the home page names 150 markets and a page of coverage 120
entries, so reversals were a tenth of their time. `slug_url` reverses a name once per
process (and script prefix), then puts each slug in the address it gave; `number_url` does
the same for a URL taking one number (an edition's year: a changes page links each of its
60 rows' editions).
"""

import re

from django.urls import get_script_prefix, get_urlconf, reverse

# Django's `slug` path converter: a slug it would refuse is left to `reverse` to refuse.
SLUG = re.compile(r"[-a-zA-Z0-9_]+")
PLACEHOLDER = "slug-in-address"
NUMBER_PLACEHOLDER = 918273645

_addresses = {}  # (URL name, keyword, script prefix, URLconf) -> (before the value, after it)


def _address(name, key, placeholder, value):
    """The address `reverse` gives `name` with `value` as its one keyword `key`: reversed
    once per process (and script prefix) with `placeholder`, whose place the value takes."""
    cache_key = (name, key, get_script_prefix(), get_urlconf())
    parts = _addresses.get(cache_key)
    if parts is None:
        address = reverse(name, kwargs={key: placeholder})
        before, _, after = address.rpartition(str(placeholder))
        parts = _addresses[cache_key] = (before, after)
    return f"{parts[0]}{value}{parts[1]}"


def slug_url(name, slug):
    """`reverse(name, kwargs={"slug": slug})`, for a URL `name` taking one `<slug:slug>`."""
    if not SLUG.fullmatch(str(slug)):
        return reverse(name, kwargs={"slug": slug})
    return _address(name, "slug", PLACEHOLDER, slug)


def number_url(name, key, number):
    """`reverse(name, kwargs={key: number})`, for a URL `name` taking one `<int:key>`."""
    if type(number) is not int or number < 0:
        return reverse(name, kwargs={key: number})
    return _address(name, key, NUMBER_PLACEHOLDER, number)
