"""Bounds on what the admin's own forms accept, so that no input gives a server error.

Found by the generated bad-input tests (tests/test_fuzz.py):

- the login form checked the username's length only in the browser, so a longer username
  reached the login-failure record (django-axes stores at most 255 characters) and the
  database refused it;
- the changelists' search box turned every word of a query into its own condition, so a
  pasted page of text built a query PostgreSQL plans at length.
"""

from django.contrib import messages
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.validators import MaxLengthValidator
from django.utils.text import smart_split

# An editor's search is a name, a slug or a few words of a headline.
MAX_ADMIN_SEARCH_LENGTH = 200
MAX_ADMIN_SEARCH_WORDS = 20


class LoginForm(AdminAuthenticationForm):
    """The admin login form, refusing a username longer than any account's."""

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        username = self.fields["username"]
        # AuthenticationForm sets max_length on the field after it is built, which sizes the
        # input box but adds no validator; a too-long username must fail here, before it is
        # checked (and recorded as a failed login).
        username.validators.append(MaxLengthValidator(username.max_length))


class BoundedSearchMixin:
    """For a ModelAdmin: a search longer than an editor's ever is finds nothing, and says why."""

    def get_search_results(self, request, queryset, search_term):
        words = list(smart_split(search_term))
        if len(search_term) > MAX_ADMIN_SEARCH_LENGTH or len(words) > MAX_ADMIN_SEARCH_WORDS:
            messages.warning(
                request,
                f"Searches are limited to {MAX_ADMIN_SEARCH_LENGTH} characters and "
                f"{MAX_ADMIN_SEARCH_WORDS} words; search for a name or a few words instead.",
            )
            return queryset.none(), False
        return super().get_search_results(request, queryset, search_term)
