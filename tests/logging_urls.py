"""URLs for tests/test_logging.py only: the site's, and a view that crashes, which the real site
must not have, and one that answers plainly."""

from django.http import HttpResponse
from django.urls import include, path

from notorious.urls import handler400, handler500  # noqa: F401 (the site's error pages)


def crash(request):
    raise RuntimeError("a deliberate crash, for the logging tests")


def ok(request):
    return HttpResponse("ok\n", content_type="text/plain; charset=utf-8")


urlpatterns = [path("crash/", crash), path("ok/", ok), path("", include("notorious.urls"))]
