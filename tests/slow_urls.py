"""URLs for tests/test_database_stall.py only: the site's, and a page and an API address whose
query takes `?seconds=` (PostgreSQL's pg_sleep), and a streamed page, which the real site must
not have."""

from django.db import connection
from django.http import HttpResponse, JsonResponse, StreamingHttpResponse
from django.urls import include, path

from notorious.urls import handler400, handler500  # noqa: F401 (the site's error pages)


def sleep(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_sleep(%s)", [float(request.GET["seconds"])])
    return HttpResponse("slept\n", content_type="text/plain; charset=utf-8")


def sleep_json(request):
    sleep(request)
    return JsonResponse({"slept": True})


def streamed_limit(request):
    """A streamed body, produced after the request's middleware has returned, that reports
    the statement timeout its query ran under."""

    def lines():
        yield "statement_timeout: "
        with connection.cursor() as cursor:
            cursor.execute("SHOW statement_timeout")
            yield f"{cursor.fetchone()[0]}\n"

    return StreamingHttpResponse(lines(), content_type="text/plain; charset=utf-8")


urlpatterns = [
    path("streamed/", streamed_limit),
    path("slow/", sleep),
    path("api/slow/", sleep_json),
    path("", include("notorious.urls")),
]
