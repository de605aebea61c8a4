"""The versioned REST API. Each app that offers endpoints ships
``schakel/<app>/api_urls.py`` with ``urlpatterns``; they are mounted under
``/api/v1/<app>/`` here, in INSTALLED_APPS order."""

import importlib

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from schakel.core.seeding import schakel_apps

app_name = "api"


def _app_routes():
    routes = []
    for cfg in schakel_apps():
        try:
            importlib.import_module(f"{cfg.name}.api_urls")
        except ModuleNotFoundError as exc:
            if exc.name == f"{cfg.name}.api_urls":
                continue
            raise
        routes.append(path(f"{cfg.label}/", include(f"{cfg.name}.api_urls")))
    return routes


urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    *_app_routes(),
]
