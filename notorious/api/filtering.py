"""How the API's lists are filtered: django-filter's backend, keeping what it read."""

from django_filters.rest_framework import DjangoFilterBackend


class FilterBackend(DjangoFilterBackend):
    """django-filter's backend, leaving the list's filterset on the view (`view.filterset`)
    for what follows to read: whether the list is filtered at all (`PageOfIdsFirstMixin
    .known_count`)."""

    def get_filterset(self, request, queryset, view):
        view.filterset = super().get_filterset(request, queryset, view)
        return view.filterset
