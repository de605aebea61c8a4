"""REST API of the subject registry: the search of the registry page.

The search goes through ``services.registry_search`` like the page: it
returns only subjects the caller may see (in a case he is a member of, or
registered by him and in no case yet), and turns matches in other circles
into hits for their case owners. The answer is built from the visible results
alone, so it is the same whether or not something matched elsewhere: no
count, id, message or field differs (ADR 0401).
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions, serializers
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from schakel.cases.api import CodeAccepted
from schakel.cases.models import CaseSubject
from schakel.cases.selectors import cases_visible_to

from . import forms, selectors, services
from .models import Subject


class CanSearchRegistry(permissions.BasePermission):
    """The permission of the registry pages (``subjects.view_subject``)."""

    def has_permission(self, request, view):
        return request.user.has_perm(selectors.REGISTRY_PERMISSION)


class SubjectCaseSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="case_id")
    reference = serializers.CharField(source="case.reference")
    role = serializers.CharField()


class SubjectResultSerializer(serializers.Serializer):
    """A visible subject as the caller may see it: a protected young person
    by pseudonym (and found only by the pseudonym), unless the caller revealed
    the identity; ``cases`` lists only the caller's own cases."""

    id = serializers.IntegerField(source="pk")
    kind = serializers.ChoiceField(choices=Subject.Kind.choices)
    label = serializers.CharField()
    pseudonymised = serializers.BooleanField()
    match = serializers.CharField(source="match_reason")
    score = serializers.FloatField(source="match_score")
    cases = SubjectCaseSerializer(source="visible_cases", many=True)
    url = serializers.SerializerMethodField()

    def get_url(self, subject) -> str:
        return reverse("subjects:detail", args=[subject.pk])


class SearchAnswerSerializer(serializers.Serializer):
    results = SubjectResultSerializer(many=True)


class SubjectSearch(APIView):
    """Search the registry by name, national register number, KBO number,
    plate or pseudonym. An invalid national register or KBO number is a 400
    with the message of the forms."""

    permission_classes = [permissions.IsAuthenticated, CanSearchRegistry, CodeAccepted]
    throttle_scope = "registry_search"  # settings.REST_FRAMEWORK: tighter than other endpoints

    @extend_schema(
        parameters=[
            OpenApiParameter("q", OpenApiTypes.STR, required=True, description="name, number, plate or pseudonym"),
            OpenApiParameter("kind", OpenApiTypes.STR, enum=Subject.Kind.values),
        ],
        responses={200: SearchAnswerSerializer},
    )
    def get(self, request):
        form = forms.SearchForm(request.query_params)
        if not form.is_valid():
            raise ValidationError({k: [str(m) for m in v] for k, v in form.errors.items()})
        query, kind = form.cleaned_data["q"].strip(), form.cleaned_data["kind"]
        if len(query) < 2:
            raise ValidationError({"q": [_("Geef minstens twee tekens op.")]})
        outcome = services.registry_search(actor=request.user, query=query, kind=kind)
        if outcome.error:
            raise ValidationError({"q": [outcome.error]})
        results = outcome.results
        in_cases = {}
        rows = (
            CaseSubject.objects.filter(
                subject_id__in=[s.pk for s in results], case__in=cases_visible_to(user=request.user)
            )
            .select_related("case")
            .order_by("case_id")
        )
        for row in rows:
            in_cases.setdefault(row.subject_id, []).append(row)
        for subject in results:
            subject.visible_cases = in_cases.get(subject.pk, [])
        return Response({"results": SubjectResultSerializer(results, many=True).data})
