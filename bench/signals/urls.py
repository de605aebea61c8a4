import json

from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import JsonResponse
from django.urls import include, path
from django.views.decorators.http import require_POST
from rest_framework import permissions
from rest_framework.response import Response
from rest_framework.views import APIView

from schakel.signals.api import CanReport, SignalCreateSerializer, SignalSerializer
from schakel.signals.models import Signal


@require_POST
@login_required
def bare_json(request):
    """Baseline: the same middleware stack, session and CSRF check; parses the
    same JSON body and answers, but writes nothing."""
    data = json.loads(request.body or b"{}")
    return JsonResponse({"ok": True, "fields": len(data)}, status=201)


# Floors: what the intake costs before it does its own work. Each adds one
# layer the intake cannot do without, so that the benchmark shows where the
# ratio to the bare view is lost. None of them is an intake: they store
# nothing (the insert is rolled back).


class DrfFloor(APIView):
    """The intake endpoint's DRF layer only: the project's authentication,
    permission (the same classes as the intake) and throttle checks, the
    parsed body and a JSON answer."""

    permission_classes = [permissions.IsAuthenticated, CanReport]

    def post(self, request):
        return Response({"ok": True, "fields": len(request.data)}, status=201)


class DrfValidateFloor(DrfFloor):
    """Plus the intake's own validation of the posted JSON (its serializer)."""

    def post(self, request):
        data = SignalCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return Response({"ok": True, "fields": len(data.validated_data)}, status=201)


class DrfInsertFloor(DrfFloor):
    """Plus one signal row inserted in a transaction (rolled back, so nothing
    is kept) and serialised for the answer, as the intake answers: no routing,
    no history, no process, no audit event."""

    def post(self, request):
        data = SignalCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        with transaction.atomic():
            signal = Signal.objects.create(
                channel=Signal.Channel.API,
                reporter=request.user,
                category=v["category"],
                observed_at=v["observed_at"],
                description=v["description"],
            )
            transaction.set_rollback(True)
        return Response(SignalSerializer(signal).data, status=201)


urlpatterns = [
    path("bench/bare/", bare_json),
    path("bench/floor/drf/", DrfFloor.as_view()),
    path("bench/floor/validate/", DrfValidateFloor.as_view()),
    path("bench/floor/insert/", DrfInsertFloor.as_view()),
    path("", include("schakel.urls")),
]
