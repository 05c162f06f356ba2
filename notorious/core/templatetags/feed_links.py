"""The Atom feeds a page offers: `{% feed_links %}` in the head, for feed readers to find,
and `{% feed_list %}` in the footer, for people."""

from django import template
from django.urls import reverse

register = template.Library()

# Pages about one entry, by URL name, and the feed that follows that entry.
ENTRY_FEEDS = {
    "markets:detail": ("feeds:market", "Atom feed: this market's listings and coverage"),
    "companies:detail": (
        "feeds:company",
        "Atom feed: this company's markets, their listings and coverage",
    ),
}


def page_feeds(request):
    """The feeds a page offers, as (url, title) pairs, most specific first.

    Every page offers the site-wide feeds; a market or company page also offers its own,
    found from the URL alone so no page has to pass its object along.
    """
    links = []
    match = getattr(request, "resolver_match", None)
    if match is not None and match.view_name in ENTRY_FEEDS and "slug" in match.kwargs:
        name, title = ENTRY_FEEDS[match.view_name]
        links.append((reverse(name, kwargs={"slug": match.kwargs["slug"]}), title))
    links.append((reverse("feeds:coverage"), "Atom feed: new coverage"))
    links.append((reverse("feeds:editions"), "Atom feed: new editions"))
    links.append((reverse("corrections_feed"), "Atom feed: corrections"))
    return links


def request_feeds(request):
    """`page_feeds`, worked out once per request: the head and the footer both list them
    (two or three URL reversals each, on every page)."""
    if request is None:
        return page_feeds(request)
    if not hasattr(request, "page_feeds"):
        request.page_feeds = page_feeds(request)
    return request.page_feeds


@register.inclusion_tag("feeds/links.html", takes_context=True)
def feed_links(context):
    return {"feeds": request_feeds(context.get("request"))}


@register.inclusion_tag("feeds/list.html", takes_context=True)
def feed_list(context):
    return {"feeds": request_feeds(context.get("request"))}
