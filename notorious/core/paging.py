"""Reading `?page=` for a public page's paginated list: a number in ASCII digits (see
`numbers.parse_number`), `last`, or nothing for the first page. One rule for every list
(the filtered lists, an edition's listings, the timeline), so they answer alike."""

from django.core.paginator import InvalidPage, PageNotAnInteger

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


__all__ = ["InvalidPage", "page_problem", "requested_page"]
