"""Which part of a download a file holds: downloads are cut into pages of at most
`settings.DOWNLOAD_MAX_ROWS` rows (`?page=2`), and a file that is not the whole says so
in itself (the JSON envelope, the file name) and in its headers (`X-Total-Count`, `Link`).
"""

from django.conf import settings
from django.core.paginator import Paginator

from notorious.core.paging import InvalidPage, requested_page
from notorious.core.sharing import absolute_url

# Where a reader with only the file learns how to get everything.
WHOLE_DATASET = "the whole dataset is the site's dataset export (manage.py export_dataset)"


class PageProblem(ValueError):
    """A `?page=` the download does not have; the message says which pages it has."""


class DownloadPage:
    """Page `number` of a download of `total` rows, DOWNLOAD_MAX_ROWS a page: the slice of
    the entries it holds (`start`, `end`), and how to say so. `extra` query parameters go
    into the links to other pages (the search's three-group file links to one group)."""

    def __init__(self, request, total, number, extra=None):
        self.request = request
        self.total = total
        self.number = number
        self.cap = settings.DOWNLOAD_MAX_ROWS
        self.pages = max(1, -(-total // self.cap))
        self.start = (number - 1) * self.cap
        self.end = min(total, number * self.cap)
        self.extra = extra or {}

    @classmethod
    def from_request(cls, request, total):
        """The page `?page=` asks for (`1` when absent, `last` for the last), else
        PageProblem: the pages' own rule (`core.paging.requested_page`), except that an
        empty `?page=` names no part of a download."""
        paginator = Paginator(range(total), settings.DOWNLOAD_MAX_ROWS)
        raw = request.GET.get("page")
        try:
            if raw == "":
                raise InvalidPage(raw)
            number = requested_page(paginator, raw).number
        except InvalidPage:
            pages = paginator.num_pages
            raise PageProblem(
                f"There is no page “{str(raw)[:20]}” of this download: it has {pages} "
                f"page{'s' if pages != 1 else ''} of up to {settings.DOWNLOAD_MAX_ROWS:,} rows "
                "(?page=1 to ?page=last)."
            ) from None
        return cls(request, total, number)

    @property
    def partial(self):
        return self.pages > 1

    def url(self, number):
        """The absolute address of page `number` of the same download (on SITE_URL)."""
        query = self.request.GET.copy()
        for key, value in self.extra.items():
            query[key] = value
        query["page"] = str(number)
        return absolute_url(f"{self.request.path}?{query.urlencode()}")

    def next_url(self):
        return self.url(self.number + 1) if self.number < self.pages else None

    def previous_url(self):
        return self.url(self.number - 1) if self.number > 1 else None

    def note(self):
        """What this file holds of the whole, in words."""
        if not self.partial:
            return f"All {self.total:,} rows."
        first = self.start + 1 if self.total else 0
        return (
            f"Page {self.number} of {self.pages}: rows {first:,} to {self.end:,} of "
            f"{self.total:,}. A download holds at most {self.cap:,} rows; `next` and "
            f"`previous` are the neighbouring pages, and {WHOLE_DATASET}."
        )

    def envelope(self):
        """The JSON file's fields around its `results`."""
        return {
            "count": self.total,
            "page": self.number,
            "pages": self.pages,
            "cap": self.cap,
            "next": self.next_url(),
            "previous": self.previous_url(),
            "note": self.note(),
        }

    def filename(self, base, extension):
        """`base.csv`, or `base-page-2-of-3.csv` for a part, so the file says it."""
        if self.partial:
            base = f"{base}-page-{self.number}-of-{self.pages}"
        return f"{base}.{extension}"

    def headers(self):
        """`X-Total-Count`, the page and cap, and `Link` to the neighbouring, first and
        last pages (RFC 8288), as GitHub's API gives them."""
        headers = {
            "X-Total-Count": str(self.total),
            "X-Download-Page": f"{self.number} of {self.pages}",
            "X-Download-Cap": str(self.cap),
        }
        links = [
            (self.next_url(), "next"),
            (self.previous_url(), "prev"),
            (self.url(1) if self.partial else None, "first"),
            (self.url(self.pages) if self.partial else None, "last"),
        ]
        link = ", ".join(f'<{url}>; rel="{rel}"' for url, rel in links if url)
        if link:
            headers["Link"] = link
        return headers
