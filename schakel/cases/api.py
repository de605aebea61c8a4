"""REST API of cases, with the same rules as the pages (ADR 0400).

Every endpoint reads through ``selectors``: the list holds only cases the
caller is an active member of (and its count counts only those); one case is
fetched with ``selectors.case_get_for``, which answers 404 for a missing and
a not-allowed case alike and audits the refused attempt. Endpoints that show
case content need the current deontological code to be accepted, like the
pages; the API cannot accept it (that is a deliberate act in the browser), so
it answers 403 with a message pointing there. Reading a case, its circle or
its subjects is an access event, as opening the case page is.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, permissions, serializers, status
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from schakel.audit import services as audit
from schakel.legal.selectors import code_accepted_current

from . import forms, selectors, services
from .models import TRANSITIONS, CaseStatus, CaseType

# --- Permissions -------------------------------------------------------------


class CodeAccepted(permissions.BasePermission):
    """The deontological-code gate of the pages (``legal.decorators``), as an
    API answer: 403 with a message instead of a redirect. It runs before any
    case is looked up, so it says nothing about whether a case exists."""

    message = gettext_lazy(
        "Aanvaard eerst de huidige deontologische code in de browser (Juridisch kader › Deontologische code); "
        "daarna geeft de API casusgegevens."
    )

    def has_permission(self, request, view):
        return code_accepted_current(user=request.user)


class CaseListPermission(permissions.BasePermission):
    """GET needs ``cases.view_case`` (as the list page); POST ``cases.add_case``
    and the accepted code (as the new-case page)."""

    def has_permission(self, request, view):
        if request.method == "POST":
            if not request.user.has_perm("cases.add_case"):
                return False
            if not code_accepted_current(user=request.user):
                self.message = CodeAccepted.message
                return False
            return True
        return request.user.has_perm("cases.view_case")


# --- Serializers -------------------------------------------------------------


class CaseSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    reference = serializers.CharField()
    case_type = serializers.CharField()
    status = serializers.CharField()
    title = serializers.CharField()
    legal_ground = serializers.CharField(source="legal_ground.code")
    owner = serializers.SerializerMethodField()
    registered_at = serializers.DateTimeField()
    plan_at = serializers.DateTimeField(allow_null=True)
    closed_at = serializers.DateTimeField(allow_null=True)
    n_subjects = serializers.IntegerField(required=False)
    url = serializers.SerializerMethodField()

    def get_owner(self, case) -> str:
        return case.owner.get_full_name()

    def get_url(self, case) -> str:
        return reverse("api:case_detail", args=[case.pk])


class CaseDetailSerializer(CaseSerializer):
    legal_ground_name = serializers.CharField(source="legal_ground.name")
    my_role = serializers.CharField(source="viewer_membership.role")
    next_statuses = serializers.SerializerMethodField()
    history = serializers.SerializerMethodField()

    def get_next_statuses(self, case) -> list[str]:
        return list(TRANSITIONS[case.status])

    def get_history(self, case) -> list[dict]:
        return [
            {"from": c.from_status, "to": c.to_status, "at": c.changed_at.isoformat(), "note": c.note}
            for c in case.status_changes.all()
        ]


class CaseCreateSerializer(serializers.Serializer):
    """Documentation of the body; validation is the page's ``CaseOpenForm``."""

    case_type = serializers.ChoiceField(choices=CaseType.choices)
    title = serializers.CharField(max_length=120)
    legal_ground = serializers.CharField(help_text="code of an active legal ground, e.g. art-458ter-sw")


class MemberSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="user.get_full_name")
    organisation = serializers.CharField(source="user.organisation.name")
    role = serializers.CharField()
    legal_ground = serializers.CharField(source="legal_ground.code")
    added_at = serializers.DateTimeField(source="created_at")


class CaseSubjectSerializer(serializers.Serializer):
    """A subject as the caller may see it in this case: ``label`` is the
    pseudonym of a protected young person unless the caller revealed the
    identity in this case (the same ``selectors.case_subjects`` as the page)."""

    subject_id = serializers.IntegerField()
    kind = serializers.CharField(source="subject.kind")
    role = serializers.CharField()
    label = serializers.CharField()
    pseudonymised = serializers.BooleanField()


# --- Views -------------------------------------------------------------------


FILTERS = [
    OpenApiParameter("type", OpenApiTypes.STR, enum=CaseType.values, description="case type"),
    OpenApiParameter("status", OpenApiTypes.STR, enum=CaseStatus.values, description="case status"),
    OpenApiParameter("q", OpenApiTypes.STR, description="part of the title"),
]


class CaseListCreate(generics.ListCreateAPIView):
    """Cases the caller is an active member of (GET; paged, ``count`` counts
    only those); open a case (POST; the caller becomes its owner)."""

    permission_classes = [permissions.IsAuthenticated, CaseListPermission]
    serializer_class = CaseSerializer

    def get_queryset(self):
        params = self.request.query_params
        case_type = params.get("type", "")
        status_ = params.get("status", "")
        if case_type and case_type not in CaseType.values:
            raise ValidationError({"type": _("Onbekend soort casus.")})
        if status_ and status_ not in CaseStatus.values:
            raise ValidationError({"status": _("Onbekende status.")})
        return selectors.cases_list(
            user=self.request.user, case_type=case_type, status=status_, query=params.get("q", "").strip()[:100]
        )

    @extend_schema(parameters=FILTERS)
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(request=CaseCreateSerializer, responses={201: CaseDetailSerializer})
    def post(self, request, *args, **kwargs):
        data = {k: request.data.get(k, "") for k in ("case_type", "title", "legal_ground")}
        form = forms.CaseOpenForm(data, allowed_types=selectors.allowed_types(request.user))
        form.fields["legal_ground"].to_field_name = "code"
        if not form.is_valid():
            raise ValidationError({k: [str(m) for m in v] for k, v in form.errors.items()})
        try:
            case = services.case_open(actor=request.user, **form.cleaned_data)
        except DjangoPermissionDenied as exc:
            raise PermissionDenied from exc
        except DjangoValidationError as exc:
            raise ValidationError(exc.message_dict if hasattr(exc, "error_dict") else exc.messages) from exc
        case = selectors.case_get_for(user=request.user, pk=case.pk)
        return Response(CaseDetailSerializer(case).data, status=status.HTTP_201_CREATED)


class _OneCase(APIView):
    """Base of the endpoints under one case: the code gate, then the one door."""

    permission_classes = [permissions.IsAuthenticated, CodeAccepted]
    purpose = "case consultation (API)"

    def case(self, request, pk):
        case = selectors.case_get_for(user=request.user, pk=pk)
        audit.record_access(actor=request.user, obj=case, purpose=self.purpose, action="cases.case_opened_view")
        return case


class CaseDetail(_OneCase):
    """One case the caller is a member of; 404 for a missing case and for a
    case the caller is not in, with the same body."""

    @extend_schema(responses={200: CaseDetailSerializer})
    def get(self, request, pk: int):
        return Response(CaseDetailSerializer(self.case(request, pk)).data)


class CaseMembers(_OneCase):
    """The circle of one case (active members)."""

    purpose = "case circle (API)"

    @extend_schema(responses={200: MemberSerializer(many=True)})
    def get(self, request, pk: int):
        case = self.case(request, pk)
        return Response(MemberSerializer(selectors.case_members(case=case), many=True).data)


class CaseSubjects(_OneCase):
    """The subjects of one case; young people by pseudonym unless the caller
    revealed the identity in this case (on the case page)."""

    purpose = "case subjects (API)"

    @extend_schema(responses={200: CaseSubjectSerializer(many=True)})
    def get(self, request, pk: int):
        case = self.case(request, pk)
        rows = selectors.case_subjects(case=case, viewer=request.user)
        return Response(CaseSubjectSerializer(rows, many=True).data)
