"""Reads of the legal frame. Legal grounds, protocols, instruments and the
code text hold no personal data; acceptances are read per user."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import CodeAcceptance, CodeVersion, LegalGround, LegalInstrument, ProtocolAgreement


def code_current() -> CodeVersion | None:
    return CodeVersion.objects.order_by("-number").first()


def code_accepted_current(*, user) -> bool:
    """True when ``user`` accepted the current code, or when no code is published."""
    current = code_current()
    if current is None:
        return True
    return CodeAcceptance.objects.filter(user=user, version=current).exists()


def legal_grounds_active() -> QuerySet[LegalGround]:
    return LegalGround.objects.filter(active=True).order_by("name")


def protocols_list() -> QuerySet[ProtocolAgreement]:
    return ProtocolAgreement.objects.select_related("legal_basis").prefetch_related("parties").order_by("title")


def instruments_active() -> QuerySet[LegalInstrument]:
    return LegalInstrument.objects.filter(active=True).order_by("track", "name")
