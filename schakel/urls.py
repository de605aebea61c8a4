from django.urls import include, path
from django.views.i18n import set_language

from schakel.core import views as core_views

urlpatterns = [
    path("", include("schakel.core.urls")),
    path("i18n/setlang/", set_language, name="set_language"),
    path("account/", include("schakel.accounts.urls")),
    path("audit/", include("schakel.audit.urls")),
    path("plan/", include("schakel.plan.urls")),
    path("plaatsen/", include("schakel.places.urls")),
    path("wijken/", include("schakel.neighbourhoods.urls")),
    path("processen/", include("schakel.workflows.urls")),
    path("signalen/", include("schakel.signals.urls")),
    path("juridisch/", include("schakel.legal.urls")),
    path("registratie/", include("schakel.subjects.urls")),
    path("casussen/", include("schakel.cases.urls")),
    path("api/v1/", include("schakel.api.urls")),
]

handler400 = core_views.bad_request
handler403 = core_views.permission_denied
handler404 = core_views.page_not_found
handler500 = core_views.server_error
