"""Test-only URL configuration: the real routes plus views that fail on purpose."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import path

from schakel.urls import handler400, handler403, handler404, handler500, urlpatterns  # noqa: F401


def _forbidden(request):
    raise PermissionDenied


def _missing(request):
    raise Http404("geheim-object-42")


def _broken(request):
    raise RuntimeError("kapot met persoonsgegevens: Jan Janssens")


urlpatterns = [
    path("__test__/403/", _forbidden),
    path("__test__/404/", _missing),
    path("__test__/500/", _broken),
    *urlpatterns,
]
