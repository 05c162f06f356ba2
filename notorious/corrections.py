"""`/corrections/`: every public correction, newest first, and its Atom feed.

The corrections are read from the edit history (notorious/core/corrections.py): a page
costs a count, a page of rows and one query per kind of entry on it, whatever the size of
the record.
"""

from django.core.paginator import Paginator
from django.urls import reverse
from django.utils.html import linebreaks
from django.views.generic import TemplateView

from notorious.core.corrections import all_corrections, with_entries
from notorious.core.paging import InvalidPage, page_problem, requested_page
from notorious.core.sharing import absolute_url
from notorious.feeds import FEED_LENGTH, Entry, EntryFeed

PAGE_LENGTH = 50


class CorrectionsView(TemplateView):
    """Every correction readers may see, newest first, 50 a page."""

    template_name = "corrections/list.html"

    def get(self, request, *args, **kwargs):
        paginator = Paginator(all_corrections(), PAGE_LENGTH, allow_empty_first_page=True)
        raw = request.GET.get("page")
        try:
            page = requested_page(paginator, raw)
        except InvalidPage:
            context = self.get_context_data(
                paginator=paginator, problem=page_problem(raw, paginator)
            )
            return self.render_to_response(context, status=400)
        context = self.get_context_data(
            paginator=paginator,
            page_obj=page,
            is_paginated=page.has_other_pages(),
            corrections=with_entries(page.object_list),
        )
        return self.render_to_response(context)


def correction_entry(correction):
    return Entry(
        title=f"Correction to {correction.entry}",
        link=correction.link,
        description=linebreaks(
            f"{correction.kind_label.capitalize()}: {correction.entry}. {correction.note}",
            autoescape=True,
        ),
        published=correction.date,
        updated=correction.date,
    )


class CorrectionsFeed(EntryFeed):
    title = "Notorious: corrections"
    subtitle = "Corrections to published entries, with the editors' notes, newest first."

    def link(self):
        return absolute_url(reverse("corrections"))

    def feed_url(self):
        return absolute_url(reverse("corrections_feed"))

    def items(self):
        return [correction_entry(c) for c in with_entries(all_corrections()[:FEED_LENGTH])]
