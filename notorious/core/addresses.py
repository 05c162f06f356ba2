"""An entry's address by its slug (or an edition's by its year), the URL pattern reversed
once rather than once an entry.

`reverse()` walks the URL resolver on every call (20-40 µs on an idle machine, several
times that under load); the home page names 150 markets and a page of coverage 120
entries, so reversals were a tenth of their time. `slug_url` reverses a name once per
process (and script prefix), then puts each slug in the address it gave.
"""

import re

from django.urls import get_script_prefix, get_urlconf, reverse

# Django's `slug` path converter: a slug it would refuse is left to `reverse` to refuse.
SLUG = re.compile(r"[-a-zA-Z0-9_]+")
PLACEHOLDER = "slug-in-address"
# A year no edition reviews, put where an `<int:year>` goes and then replaced.
YEAR_PLACEHOLDER = 987654321

_addresses = {}  # (URL name, script prefix, URLconf) -> (before the argument, after it)


def _parts(name, argument, placeholder):
    """The address `name` reversed with `placeholder` as its one `argument`, split around it
    (once per process, script prefix and URLconf)."""
    key = (name, get_script_prefix(), get_urlconf())
    parts = _addresses.get(key)
    if parts is None:
        address = reverse(name, kwargs={argument: placeholder})
        before, _, after = address.partition(str(placeholder))
        parts = _addresses[key] = (before, after)
    return parts


def slug_url(name, slug):
    """`reverse(name, kwargs={"slug": slug})`, for a URL `name` taking one `<slug:slug>`."""
    if not SLUG.fullmatch(str(slug)):
        return reverse(name, kwargs={"slug": slug})
    before, after = _parts(name, "slug", PLACEHOLDER)
    return f"{before}{slug}{after}"


def year_url(name, year):
    """`reverse(name, kwargs={"year": year})`, for a URL `name` taking one `<int:year>`: an
    edition's pages (the timeline links two for each edition)."""
    if type(year) is not int or year < 0:
        return reverse(name, kwargs={"year": year})
    before, after = _parts(name, "year", YEAR_PLACEHOLDER)
    return f"{before}{year}{after}"
