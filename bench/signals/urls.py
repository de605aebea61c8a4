import json

from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.urls import include, path
from django.views.decorators.http import require_POST


@require_POST
@login_required
def bare_json(request):
    """Baseline: the same middleware stack, session and CSRF check; parses the
    same JSON body and answers, but writes nothing."""
    data = json.loads(request.body or b"{}")
    return JsonResponse({"ok": True, "fields": len(data)}, status=201)


urlpatterns = [
    path("bench/bare/", bare_json),
    path("", include("schakel.urls")),
]
