"""Reading `?page=` for a public page's paginated list: a number in ASCII digits (see
`numbers.parse_number`), `last`, or nothing for the first page. One rule for every list
(the filtered lists, an edition's listings, the timeline), so they answer alike."""

from django.core.paginator import InvalidPage, PageNotAnInteger
from django.urls import reverse
from django.utils.http import urlencode

from .numbers import parse_number


def requested_page(paginator, raw):
    """The page of `paginator` that `raw` (a query-string value, or None) names; InvalidPage
    (with a reader's message, `page_problem`) when there is none."""
    if raw in (None, ""):
        number = 1
    elif raw == "last":
        number = paginator.num_pages
    else:
        number = parse_number(raw)
        if number is None:
            raise PageNotAnInteger(raw)
    return paginator.page(number)


def page_problem(raw, paginator):
    """What a reader is told when `raw` names no page of `paginator`."""
    pages = paginator.num_pages
    return (
        f"There is no page “{str(raw)[:20]}”: the results fill {pages:,} "
        f"page{'s' if pages != 1 else ''}."
    )


# How many entries a detail page lists of something that can grow without bound (an
# outlet's articles, a company's coverage); the full list is a filtered, paginated list page.
SHORTLIST_LENGTH = 50


class Shortlist:
    """The first SHORTLIST_LENGTH of `queryset` (newest first, say) and how many there are
    in all (a count in SQL, so the page states the whole), with the address of the list
    page holding all of them (`more_url`, or "" when there is none). Iterates over the
    entries shown; `count` is the whole; `more` whether some are left out.

    `count`, when the caller knows it (a count the database keeps, say), is the whole
    instead of a count of `queryset`: it must be the count of exactly `queryset`."""

    def __init__(self, queryset, more_url="", length=None, count=None):
        length = length or SHORTLIST_LENGTH
        self.entries = list(queryset[:length])
        # Fewer than asked for is all there are: no second query to count them (most
        # entries' shortlists are short, and an uncached page pays for every query).
        if len(self.entries) < length:
            self.count = len(self.entries)
        else:
            self.count = queryset.count() if count is None else count
        self.more_url = more_url

    @property
    def more(self):
        return self.count > len(self.entries)

    def __iter__(self):
        return iter(self.entries)

    def __len__(self):
        return len(self.entries)


def coverage_url(**filters):
    """The coverage list (`/coverage/`) filtered by `filters`: where a shortlist of
    articles links for all of them."""
    return f"{reverse('press:list')}?{urlencode(filters)}"


__all__ = ["InvalidPage", "Shortlist", "coverage_url", "page_problem", "requested_page"]
