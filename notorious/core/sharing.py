"""Addresses and metadata a page gives to other sites: canonical links and every absolute
URL (from `settings.SITE_URL`, never from the request's host or scheme, which a client or a
proxy chooses), and schema.org JSON-LD, escaped so that no text can end its script element.
"""

import json
from urllib.parse import urlencode

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import format_html
from django.utils.safestring import mark_safe

SITE_NAME = "Notorious"
SITE_TAGLINE = "USTR's notorious markets, on record"
# What `json_script` escapes: "</script>" or "<!--" in a name cannot end or alter the element.
JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def absolute_url(path):
    """The public address of `path` (which starts with "/"), on SITE_URL."""
    return f"{settings.SITE_URL}{path}"


def normalised_query(query, names):
    """The query string of `query` (a QueryDict) with only the parameters in `names`, in that
    order, empty values dropped: two addresses of one filtered list share it. `page=1` is
    the list itself, so it is dropped too."""
    pairs = [
        (name, value)
        for name in names
        for value in query.getlist(name)
        if value.strip() and not (name == "page" and value.strip() == "1")
    ]
    return urlencode(pairs)


def with_query(path, query):
    return f"{path}?{query}" if query else path


def site_publisher():
    """This site, as the publisher or author of what it writes."""
    return {"@type": "Organization", "name": SITE_NAME, "url": absolute_url("/")}


def json_ld(data):
    """`data` as a `<script type="application/ld+json">` element. It is data, not script: a
    browser runs none of it, so the Content Security Policy (no inline script) allows it."""
    text = json.dumps({"@context": "https://schema.org", **data}, cls=DjangoJSONEncoder)
    return format_html(
        '<script type="application/ld+json">{}</script>',
        mark_safe(text.translate(JSON_SCRIPT_ESCAPES)),
    )


def downloads(path, query="", name=""):
    """The CSV and JSON downloads of the list at `path` (filtered by `query`), as schema.org
    `DataDownload`s."""
    return [
        {
            "@type": "DataDownload",
            **({"name": f"{name} ({fmt.upper()})"} if name else {}),
            "encodingFormat": media_type,
            "contentUrl": absolute_url(
                with_query(path, "&".join(filter(None, [query, f"format={fmt}"])))
            ),
        }
        for fmt, media_type in (("csv", "text/csv"), ("json", "application/json"))
    ]


def dataset(name, description, page_path, distribution):
    """A schema.org `Dataset` with its `distribution` (see `downloads`), and its licence only
    when one is configured (DJANGO_DATASET_LICENSE_URL): the site states no licence it was
    not given."""
    data = {
        "@type": "Dataset",
        "name": name,
        "description": description,
        "url": absolute_url(page_path),
        "isAccessibleForFree": True,
        "creator": site_publisher(),
        "distribution": distribution,
    }
    if settings.DATASET_LICENSE_URL:
        data["license"] = settings.DATASET_LICENSE_URL
    return data
