"""The responses for requests that could not be served: 400, 404 and 500.

Under `/api/` a client that does not ask for HTML gets a JSON problem (RFC 9457,
`application/problem+json`, `problem_response`): the shape of every error the API answers,
whichever layer answers it (a URL no route matches, the rate limits, a lost database, the
API's views through `notorious.api.errors`). Elsewhere, and for a browser, the site's pages.

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

import json
from http import HTTPStatus

from csp.middleware import CSPMiddleware
from django.http import HttpResponse, HttpResponseBadRequest, HttpResponseServerError
from django.middleware.clickjacking import XFrameOptionsMiddleware
from django.template.loader import render_to_string
from django.views import defaults

PROBLEM_CONTENT_TYPE = "application/problem+json"


def problem(status, detail, **extra):
    """An RFC 9457 problem document: `type` about:blank, so the status's phrase is its title."""
    return {
        "type": "about:blank",
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
        **extra,
    }


def problem_response(status, detail, **extra):
    """`problem(...)` as a response, `application/problem+json`."""
    return HttpResponse(
        json.dumps(problem(status, detail, **extra)),
        status=status,
        content_type=PROBLEM_CONTENT_TYPE,
    )


def wants_problem(request):
    """Whether an error for this request is a JSON problem: an API address, asked for by a
    client that did not name HTML (a browser gets the site's page)."""
    return request.path.startswith("/api/") and "text/html" not in request.headers.get("Accept", "")


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
    if wants_problem(request):
        return _with_security_headers(
            request, problem_response(400, "The request could not be understood.")
        )
    return _with_security_headers(request, HttpResponseBadRequest(render_to_string("400.html")))


def page_not_found(request, exception):
    """handler404: Django's (templates/404.html), or a JSON problem for the API."""
    if wants_problem(request):
        return problem_response(404, "There is nothing at this address in the API.")
    return defaults.page_not_found(request, exception)


def server_error(request):
    """handler500: the site's static 500 page, with no detail of the fault."""
    if wants_problem(request):
        return _with_security_headers(
            request, problem_response(500, "The server failed to answer; the fault is logged.")
        )
    return _with_security_headers(request, HttpResponseServerError(render_to_string("500.html")))
