"""Views shared by every app."""

from django.views.generic import DetailView


class PublishedDetailView(DetailView):
    """A detail page readers see once published; staff may preview drafts (others get a 404)."""

    def get_queryset(self):
        return super().get_queryset().visible_to(self.request.user)
