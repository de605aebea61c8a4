"""REST API: list and create signals with the same permissions as the pages."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import PolymorphicProxySerializer, extend_schema
from rest_framework import generics, permissions, serializers, status
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response

from . import selectors, services
from .models import Category, Signal


class SignalSerializer(serializers.ModelSerializer):
    reference = serializers.CharField(read_only=True)
    category = serializers.SlugRelatedField(slug_field="code", read_only=True)
    team = serializers.CharField(source="team.name", read_only=True, default=None)

    class Meta:
        model = Signal
        fields = [
            "id",
            "reference",
            "created_at",
            "observed_at",
            "channel",
            "category",
            "status",
            "team",
            "current_task",
            "task_due_at",
            "triaged_at",
            "lat",
            "lon",
            "location_text",
            "description",
        ]
        read_only_fields = fields


class SignalReceiptSerializer(serializers.ModelSerializer):
    """What a reporter who may not see the signal in full gets back: the
    reference and the stage a reporter may know ("received", "in_progress",
    "closed"; a youth signal only "received" or "closed"), as on the status
    page. Never the team, the current step or its deadline."""

    reference = serializers.CharField(read_only=True)
    category = serializers.SlugRelatedField(slug_field="code", read_only=True)
    stage = serializers.SerializerMethodField()

    class Meta:
        model = Signal
        fields = ["id", "reference", "created_at", "observed_at", "category", "stage"]
        read_only_fields = fields

    def get_stage(self, signal) -> str:
        return signal.reporter_stage


class SignalCreateSerializer(serializers.Serializer):
    category = serializers.SlugRelatedField(
        slug_field="code", queryset=Category.objects.filter(active=True).select_related("parent")
    )
    observed_at = serializers.DateTimeField()
    description = serializers.CharField(max_length=5000)
    lat = serializers.FloatField(required=False, allow_null=True)
    lon = serializers.FloatField(required=False, allow_null=True)
    location_text = serializers.CharField(required=False, allow_blank=True, max_length=200)
    subjects_text = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    youth_identifier = serializers.CharField(required=False, allow_blank=True, max_length=80)
    confidentiality = serializers.ChoiceField(choices=Signal.Confidentiality.choices, required=False)


class CanReport(permissions.BasePermission):
    def has_permission(self, request, view):
        if request.method == "POST":
            return request.user.has_perm("signals.add_signal")
        return True


class SignalListCreate(generics.ListCreateAPIView):
    """Signals the caller may see in full (GET); report a signal (POST,
    needs ``signals.add_signal``; the triage process starts at once)."""

    permission_classes = [permissions.IsAuthenticated, CanReport]
    serializer_class = SignalSerializer

    def get_queryset(self):
        return selectors.signals_visible_to(self.request.user).order_by("-created_at", "-pk")

    @extend_schema(
        request=SignalCreateSerializer,
        responses={
            201: PolymorphicProxySerializer(
                component_name="SignalCreated",
                serializers=[SignalSerializer, SignalReceiptSerializer],
                resource_type_field_name=None,
            )
        },
    )
    def post(self, request, *args, **kwargs):
        data = SignalCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = {k: v for k, v in data.validated_data.items() if v is not None}
        try:
            signal = services.signal_create(actor=request.user, channel=Signal.Channel.API, **fields)
        except DjangoPermissionDenied as exc:
            raise PermissionDenied from exc
        except DjangoValidationError as exc:
            raise ValidationError(exc.message_dict if hasattr(exc, "error_dict") else exc.messages) from exc
        # The caller gets what they may see: the signal in full if they handle
        # it (their team's queue, the coordinator), otherwise a receipt, as a
        # reporter's status page shows it.
        if selectors.signals_visible_to(request.user).filter(pk=signal.pk).exists():
            return Response(SignalSerializer(signal).data, status=status.HTTP_201_CREATED)
        return Response(SignalReceiptSerializer(signal).data, status=status.HTTP_201_CREATED)
