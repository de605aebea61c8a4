"""Retention of closed cases (``manage.py cases_retention``).

A case closed longer ago than its type's ``CaseRetentionRule`` is deleted
with everything that belongs to it only: circle, subjects' roles, status
history, reveals, hits, notifications, linked-signal history, agenda items
with minutes, decisions and actions, plan of approach and exit plan, and the
subjects that are in no other case (with their links, name keys, merge and
revision rows). A ``CaseDeletionProof`` without content stays. Audit events
are never touched: they name the case only by type and id.

A case type without a rule is kept (nothing is deleted by default).
"""

from __future__ import annotations

import calendar
import hashlib
import json
from datetime import datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from schakel.audit import services as audit
from schakel.subjects.models import Subject, SubjectLink

from .models import (
    ActionItem,
    AgendaItem,
    Case,
    CaseDeletionProof,
    CaseMember,
    CaseRetentionRule,
    CaseSignalLink,
    CaseStatus,
    CaseStatusChange,
    CaseSubject,
    Decision,
    ExitGoal,
    ExitGoalStatusChange,
    Hit,
    IdentityReveal,
    Intervention,
    InterventionStatusChange,
    MinutesRevision,
    Notification,
    TwoPhaseFile,
)


def months_ago(now: datetime, months: int) -> datetime:
    year, month = divmod(now.month - 1 - months, 12)
    target = now.replace(day=1, year=now.year + year, month=month + 1)
    # Keep the day where the month allows it (31 March - 1 month = 28/29 February).
    last = calendar.monthrange(target.year, target.month)[1]
    return target.replace(day=min(now.day, last))


def months_later(when: datetime, months: int) -> datetime:
    """``when`` plus ``months`` calendar months (the inverse of ``months_ago``)."""
    return months_ago(when, -months)


def deletion_due(*, case_type: str, closed_at: datetime) -> tuple[CaseRetentionRule | None, datetime | None]:
    """The rule of the type and the day a case closed at ``closed_at`` becomes
    due for deletion; (None, None) when the type has no rule (kept)."""
    rule = CaseRetentionRule.objects.filter(case_type=case_type).first()
    if rule is None:
        return None, None
    return rule, months_later(closed_at, rule.months_after_close)


def expired_cases(*, now: datetime | None = None):
    """(case, rule) pairs past their retention, oldest closure first."""
    now = now or timezone.now()
    for rule in CaseRetentionRule.objects.order_by("case_type"):
        cutoff = months_ago(now, rule.months_after_close)
        qs = Case.objects.filter(
            case_type=rule.case_type, status=CaseStatus.CLOSED, closed_at__isnull=False, closed_at__lt=cutoff
        ).order_by("closed_at", "pk")
        for case in qs.iterator():
            yield case, rule


def _raw_delete(qs) -> int:
    # Append-only history goes too: retention is the one writer allowed to
    # remove it (see core.models.AppendOnlyModel), and leaves a proof.
    return qs._raw_delete(qs.db) or 0


def _content_hash(case: Case) -> str:
    items = AgendaItem.objects.filter(case=case)
    content = {
        "title": case.title,
        "minutes": list(items.order_by("pk").values_list("minutes", flat=True)),
        "revisions": list(
            MinutesRevision.objects.filter(item__case=case).order_by("pk").values_list("text", flat=True)
        ),
        "decisions": list(Decision.objects.filter(item__case=case).order_by("pk").values_list("text", flat=True)),
        "actions": list(ActionItem.objects.filter(case=case).order_by("pk").values_list("title", flat=True)),
        "interventions": list(case.interventions.order_by("pk").values_list("description", flat=True)),
        "goals": list(case.exit_goals.order_by("pk").values_list("goal", flat=True)),
        "subjects": list(case.case_subjects.order_by("pk").values_list("subject_id", "role")),
        "signals": list(
            CaseSignalLink.objects.filter(case=case).order_by("pk").values_list("signal_reference", "note")
        ),
    }
    return hashlib.sha256(json.dumps(content, default=str, sort_keys=True).encode("utf-8")).hexdigest()


def _orphan_subjects(subject_ids: set[int], case: Case) -> set[int]:
    """Subjects of ``case`` in no other case, plus the duplicates merged into
    them (a merged duplicate has no case role of its own)."""
    elsewhere = set(
        CaseSubject.objects.filter(subject_id__in=subject_ids).exclude(case=case).values_list("subject_id", flat=True)
    )
    orphans = subject_ids - elsewhere
    frontier = set(orphans)
    while frontier:
        merged = set(
            Subject.objects.filter(merged_into_id__in=frontier)
            .exclude(case_links__isnull=False)
            .values_list("pk", flat=True)
        )
        frontier = merged - orphans
        orphans |= frontier
    return orphans


def _delete_subjects(ids: set[int]) -> int:
    """Delete subjects and every row that points at them (links, name keys,
    merge and revision history, whatever the subjects app holds)."""
    if not ids:
        return 0
    _raw_delete(SubjectLink.objects.filter(Q(source_subject_id__in=ids) | Q(target_subject_id__in=ids)))
    for rel in Subject._meta.related_objects:
        model = rel.related_model
        if not (rel.one_to_many or rel.one_to_one) or model is Subject or issubclass(model, Subject):
            continue
        if model in (SubjectLink, CaseSubject):
            continue
        _raw_delete(model._base_manager.filter(**{f"{rel.field.name}__in": ids}))
    Subject.objects.filter(pk__in=ids, merged_into_id__isnull=False).update(merged_into=None)
    deleted, _per_model = Subject.objects.filter(pk__in=ids).delete()
    return deleted


def delete_case(case: Case, *, rule: CaseRetentionRule, now: datetime) -> CaseDeletionProof:
    """Delete one expired case and what belongs only to it; keep a proof."""
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        subject_ids = set(case.case_subjects.values_list("subject_id", flat=True))
        content_sha256 = _content_hash(case)
        items = AgendaItem.objects.filter(case=case)
        interventions = Intervention.objects.filter(case=case)
        goals = ExitGoal.objects.filter(case=case)
        counts = {
            "members": CaseMember.objects.filter(case=case).count(),
            "subjects": len(subject_ids),
            "agenda_items": items.count(),
            "actions": ActionItem.objects.filter(case=case).count(),
            "interventions": interventions.count(),
            "exit_goals": goals.count(),
            "linked_signals": CaseSignalLink.objects.filter(case=case).count(),
            "hits": Hit.objects.filter(case=case).count(),
        }
        _raw_delete(MinutesRevision.objects.filter(item__in=items))
        _raw_delete(Decision.objects.filter(item__in=items))
        ActionItem.objects.filter(case=case).delete()
        items.delete()
        _raw_delete(InterventionStatusChange.objects.filter(intervention__in=interventions))
        interventions.delete()
        _raw_delete(ExitGoalStatusChange.objects.filter(goal__in=goals))
        goals.delete()
        _raw_delete(CaseSignalLink.objects.filter(case=case))
        _raw_delete(CaseStatusChange.objects.filter(case=case))
        _raw_delete(IdentityReveal.objects.filter(case=case))
        Hit.objects.filter(case=case).delete()
        Notification.objects.filter(case=case).delete()
        CaseMember.objects.filter(case=case).delete()
        TwoPhaseFile.objects.filter(case=case).update(case=None)
        orphans = _orphan_subjects(subject_ids, case)
        CaseSubject.objects.filter(case=case).delete()
        # Hits elsewhere that point at a subject about to go (no longer in their case).
        Hit.objects.filter(matched_subject_id__in=orphans).delete()
        _raw_delete(IdentityReveal.objects.filter(subject_id__in=orphans))
        counts["subjects_deleted"] = len(orphans)
        _delete_subjects(orphans)
        proof = CaseDeletionProof.objects.create(
            case_reference=case.reference,
            case_type=case.case_type,
            registered_month=case.registered_at.strftime("%Y-%m"),
            closed_at=case.closed_at,
            rule=f"{rule.case_type}: {rule.months_after_close} months after closing ({rule.legal_basis})"[:200],
            content_sha256=content_sha256,
            counts=counts,
            deleted_at=now,
        )
        audit.record_write(
            actor=None,
            action="cases.case_deleted_retention",
            obj=case,
            summary=f"{rule.case_type} {rule.months_after_close} months; proof {proof.pk}",
        )
        Case.objects.filter(pk=case.pk).delete()
    return proof


def retention_run(*, now: datetime | None = None, dry_run: bool = False) -> int:
    """Delete every expired closed case (one transaction per case). Returns
    the number of cases (that would be) deleted."""
    now = now or timezone.now()
    n = 0
    for case, rule in list(expired_cases(now=now)):
        if not dry_run:
            delete_case(case, rule=rule, now=now)
        n += 1
    return n
