"""Building blocks of the public pages: filtered lists, and detail pages that editors may
preview as drafts."""

from django.utils.cache import patch_cache_control
from django.views.generic import DetailView, ListView

from .corrections import corrections_of
from .filters import applied_filters, filter_problems, selects_everything
from .paging import InvalidPage, page_problem, requested_page
from .prepared import plans_kept
from .sharing import normalised_query, with_query


class FilteredListView(ListView):
    """A paginated list narrowed by a django-filter FilterSet read from the query string.

    Input the reader cannot have meant (an unknown choice such as `?kind=banana`, a page
    past the end) gives the page with no results, a message saying what was wrong, and a
    400 status: never a 500, and never a silently ignored filter.
    """

    filterset_class = None
    paginate_by = 50
    filter_problems = ()

    def get_base_queryset(self):
        """What readers may list before any filter: published entries only."""
        return self.model.objects.published()

    def get_queryset(self):
        self.filterset = self.filterset_class(
            self.request.GET, queryset=self.get_base_queryset(), request=self.request
        )
        if not self.filterset.is_valid():
            self.filter_problems = filter_problems(self.filterset.form)
            return self.filterset.queryset.none()
        return self.filterset.qs

    def unfiltered(self):
        """Whether the list is the whole of `get_base_queryset`: every filter read and
        empty (a view may then state a count kept apart rather than count it)."""
        return selects_everything(self.filterset.form)

    def paginate_queryset(self, queryset, page_size):
        paginator = self.get_paginator(queryset, page_size, allow_empty_first_page=True)
        raw = self.request.GET.get(self.page_kwarg)
        try:
            page = requested_page(paginator, raw)
        except InvalidPage:
            self.filter_problems = [*self.filter_problems, page_problem(raw, paginator)]
            return paginator, None, [], False
        return paginator, page, page.object_list, page.has_other_pages()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["filter"] = self.filterset
        context["filter_problems"] = self.filter_problems
        context["applied_filters"] = applied_filters(self.filterset.form)
        # Only the filters count: a parameter no page reads changes nothing.
        context["filtered"] = any(self.request.GET.get(name) for name in self.filterset.form.fields)
        # A filtered list or a later page is a page of its own, canonical to itself; the
        # parameters no filter reads are dropped, so two addresses of one page share one.
        filters = list(self.filterset.form.fields)
        context["canonical_filters"] = normalised_query(self.request.GET, filters)
        context["canonical_path"] = with_query(
            self.request.path, normalised_query(self.request.GET, [*filters, self.page_kwarg])
        )
        return context

    def render_to_response(self, context, **response_kwargs):
        if self.filter_problems:
            response_kwargs["status"] = 400
        return super().render_to_response(context, **response_kwargs)


class PublishedDetailView(DetailView):
    """A detail page readers see once published; editors may preview drafts (others get a
    404; see `may_preview_drafts`)."""

    def get_queryset(self):
        return super().get_queryset().visible_to(self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["corrections"] = corrections_of(self.object)
        return context

    def dispatch(self, request, *args, **kwargs):
        # Every statement of one entry's page is keyed by that entry: a plan made once on a
        # connection serves every entry of its kind (core.prepared). The page is rendered
        # here, so that the statements its template runs are among them.
        with plans_kept():
            response = super().dispatch(request, *args, **kwargs)
            if hasattr(response, "render"):
                response.render()
        entry = getattr(self, "object", None)
        if entry is not None and not entry.is_published:
            # A draft preview is for this editor only: no shared cache (a proxy, or the
            # page cache, which skips private responses) may keep it.
            patch_cache_control(response, private=True)
        return response
