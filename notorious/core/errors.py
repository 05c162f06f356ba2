"""The responses for requests that could not be served: 400 and 500.

Django's own handlers render 400.html and 500.html; these differ in two ways:

- the pages are rendered without the request (templates/error_page.html reads nothing from
  it), since the request may be what is wrong: with a Host header not in ALLOWED_HOSTS,
  `request.get_host` raises, and the 400 page calling it became a 500;
- the response gets the security headers itself. A disallowed host is refused by
  CommonMiddleware, so its 400 never passes back through the clickjacking and CSP
  middleware listed after it; nor does a 500 raised by a middleware.

The errors themselves are logged by Django, with their tracebacks (django.security for a
disallowed host, django.request for a 500).
"""

from csp.middleware import CSPMiddleware
from django.http import HttpResponseBadRequest, HttpResponseServerError
from django.middleware.clickjacking import XFrameOptionsMiddleware
from django.template.loader import render_to_string


def _with_security_headers(request, response):
    """`response` with the headers the clickjacking and CSP middleware give every page.

    Each only adds a header that is not set yet, so a response that passes through them
    as well is unchanged.
    """
    for middleware_class in (XFrameOptionsMiddleware, CSPMiddleware):
        # Only process_response is called, so the middleware never calls get_response.
        middleware = middleware_class(get_response=lambda request: None)
        response = middleware.process_response(request, response)
    return response


def bad_request(request, exception):
    """handler400: a plain, static 400 page."""
    return _with_security_headers(request, HttpResponseBadRequest(render_to_string("400.html")))


def server_error(request):
    """handler500: the site's static 500 page, with no detail of the fault."""
    return _with_security_headers(request, HttpResponseServerError(render_to_string("500.html")))
