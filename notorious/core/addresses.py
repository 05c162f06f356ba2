"""An entry's address by its slug, the URL pattern reversed once rather than once an entry.

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

_addresses = {}  # (URL name, script prefix, URLconf) -> (before the slug, after it)


def slug_url(name, slug):
    """`reverse(name, kwargs={"slug": slug})`, for a URL `name` taking one `<slug:slug>`."""
    if not SLUG.fullmatch(str(slug)):
        return reverse(name, kwargs={"slug": slug})
    key = (name, get_script_prefix(), get_urlconf())
    parts = _addresses.get(key)
    if parts is None:
        before, _, after = reverse(name, kwargs={"slug": PLACEHOLDER}).partition(PLACEHOLDER)
        parts = _addresses[key] = (before, after)
    return f"{parts[0]}{slug}{parts[1]}"
