from django.contrib.auth.decorators import login_required, permission_required
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import requires_csrf_token
from django.views.decorators.http import require_GET

from . import home as home_panels
from . import scheduled as scheduled_tasks


@login_required
def home(request):
    return render(
        request, "core/home.html", {"panels": home_panels.panels_for(request.user, today=timezone.localdate())}
    )


@login_required
@permission_required(scheduled_tasks.VIEW, raise_exception=True)
def scheduled(request):
    """Every scheduled task's state and the last runs (core/scheduled.py)."""
    return render(
        request,
        "core/scheduled.html",
        {"tasks": scheduled_tasks.overview(), "runs": scheduled_tasks.recent_runs()},
    )


@require_GET
def health(request):
    """Liveness for the reverse proxy / monitoring: answers only whether the database responds."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def _error(request, status: int, title: str, message: str) -> HttpResponse:
    template = loader.get_template("error.html")
    return HttpResponse(template.render({"status": status, "title": title, "message": message}, request), status=status)


@requires_csrf_token
def bad_request(request, exception=None):
    return _error(request, 400, _("Ongeldige aanvraag"), _("De aanvraag kon niet worden verwerkt."))


@requires_csrf_token
def permission_denied(request, exception=None):
    return _error(request, 403, _("Geen toegang"), _("U hebt geen toegang tot deze pagina."))


@requires_csrf_token
def page_not_found(request, exception=None):
    return _error(
        request,
        404,
        _("Pagina niet gevonden"),
        _("Deze pagina bestaat niet, of u hebt er geen toegang toe."),
    )


@requires_csrf_token
def server_error(request):
    # No request-bound context beyond the id: the template must render even if the database is down.
    template = loader.get_template("error_500.html")
    return HttpResponse(template.render({"request_id": getattr(request, "request_id", "")}), status=500)


def csrf_failure(request, reason=""):
    return _error(
        request,
        403,
        _("Formulier verlopen"),
        _(
            "Het formulier kon niet worden verzonden omdat de beveiligingscode ontbrak of verlopen is. "
            "Laad de pagina opnieuw en probeer het nog eens; er is niets opgeslagen."
        ),
    )
