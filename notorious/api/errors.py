"""The API's errors as JSON problems (RFC 9457), the shape `notorious.core.errors` gives
every error under `/api/`: DRF's own answers (a filter's bad value, an unknown slug, a page
past the end, a method the API does not take) come through `exception_handler`."""

from rest_framework import exceptions
from rest_framework.views import exception_handler as drf_exception_handler

from notorious.core.errors import PROBLEM_CONTENT_TYPE, problem


def exception_handler(exc, context):
    """DRF's answer to `exc`, its body a problem document; None (a 500) for anything else.

    A 400 names each query parameter in error, with its messages, under `errors`. A browser
    reading the browsable API gets the same data on its HTML page.
    """
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError) and isinstance(response.data, dict):
        names = ", ".join(sorted(response.data))
        response.data = problem(
            response.status_code,
            f"Not a valid value for: {names}.",
            errors={name: [str(m) for m in messages] for name, messages in response.data.items()},
        )
    else:
        detail = response.data.get("detail") if isinstance(response.data, dict) else None
        response.data = problem(response.status_code, str(detail or exc))
    request = context.get("request")
    renderer = getattr(request, "accepted_renderer", None)
    if renderer is None or renderer.format == "json":
        response.content_type = PROBLEM_CONTENT_TYPE
    return response
