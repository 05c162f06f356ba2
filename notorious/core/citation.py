"""The "cite this page" block that ends each market and company page."""

import datetime
from dataclasses import dataclass

from django.utils import timezone

from .sharing import SITE_NAME, SITE_TAGLINE, absolute_url


def date_for_people(value):
    """E.g. '5 March 2026' (a datetime is taken in the site's time zone)."""
    if isinstance(value, datetime.datetime):
        value = timezone.localdate(value)
    return f"{value.day} {value:%B %Y}"


@dataclass(frozen=True)
class Citation:
    """How to cite one page: its title, address, last change and the day it was read."""

    title: str
    url: str
    last_changed: datetime.datetime
    accessed: datetime.date

    @classmethod
    def for_page(cls, request, entry, last_changed=None):
        """The citation of `entry`'s page, read today, last changed at `last_changed`
        (by default the entry's `updated_at`)."""
        return cls(
            title=str(entry),
            url=absolute_url(entry.get_absolute_url()),
            last_changed=last_changed or entry.updated_at,
            accessed=timezone.localdate(),
        )

    @property
    def last_changed_date(self):
        return timezone.localdate(self.last_changed)

    @property
    def last_changed_display(self):
        return date_for_people(self.last_changed)

    @property
    def accessed_display(self):
        return date_for_people(self.accessed)

    @property
    def text(self):
        """A suggested citation, e.g. '“AliExpress.” Notorious: USTR's notorious markets, on
        record. Last changed 3 March 2026. https://…/markets/aliexpress/ (accessed 5 March
        2026).'"""
        return (
            f"“{self.title}.” {SITE_NAME}: {SITE_TAGLINE}. Last changed "
            f"{self.last_changed_display}. {self.url} (accessed {self.accessed_display})."
        )
