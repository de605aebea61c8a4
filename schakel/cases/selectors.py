"""Reads of cases. Every function takes the user and returns only what that
user may see: the content of a case is visible to its active members only,
and only while they hold the participation permission of its type.

``case_get_for`` is the one door to a single case: it raises Http404 both for
a case that does not exist and for one the user is not a member of, and it
audits the refused attempt, so guessing ids teaches nothing and is visible to
the DPO.
"""

from __future__ import annotations

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404

from schakel.audit import services as audit
from schakel.subjects.models import Subject

from .models import (
    PARTICIPATE_PERMISSION,
    Case,
    CaseMember,
    CaseSubject,
    Hit,
    IdentityReveal,
    Notification,
)

# What a member may do, by role.
CHANGE_ROLES = {CaseMember.Role.OWNER, CaseMember.Role.PARTNER, CaseMember.Role.MINUTES}
MANAGE_ROLES = {CaseMember.Role.OWNER}


def allowed_types(user) -> list[str]:
    return [t for t, perm in PARTICIPATE_PERMISSION.items() if user.has_perm(perm)]


def cases_visible_to(*, user) -> QuerySet[Case]:
    if not user.is_authenticated or not user.is_active:
        return Case.objects.none()
    # Driven from the member side (index on user, case): the cost follows the
    # number of the user's own cases, not the size of the case table.
    member_of = CaseMember.objects.filter(user=user, removed_at__isnull=True).values("case_id")
    return Case.objects.filter(pk__in=member_of, case_type__in=allowed_types(user))


# Earlier prefixes still found by a search, so an old note or PDF leads to its case.
_OLD_PREFIXES = {"YOUTH": "youth", "OTHER": "other"}


def reference_lookup(query: str) -> Q | None:
    """A filter for a case reference typed as a search ("JEUGD-3", "obh 12"),
    or None when the query is not one."""
    import re

    from .models import REFERENCE_PREFIX

    match = re.fullmatch(r"\s*([A-Za-z]+)[\s-]*(\d{1,12})\s*", query)
    if not match:
        return None
    prefixes = {prefix: case_type for case_type, prefix in REFERENCE_PREFIX.items()} | _OLD_PREFIXES
    case_type = prefixes.get(match.group(1).upper())
    return Q(case_type=case_type, pk=int(match.group(2))) if case_type else None


def cases_list(*, user, case_type: str = "", status: str = "", query: str = "") -> QuerySet[Case]:
    qs = cases_visible_to(user=user).select_related("legal_ground", "owner", "owner__organisation")
    if case_type:
        qs = qs.filter(case_type=case_type)
    if status:
        qs = qs.filter(status=status)
    if query:
        by_reference = reference_lookup(query)
        qs = qs.filter(Q(title__icontains=query) | by_reference) if by_reference else qs.filter(title__icontains=query)
    # A correlated count per row of the page: no GROUP BY over the whole join.
    n_subjects = (
        CaseSubject.objects.filter(case=OuterRef("pk")).order_by().values("case").annotate(n=Count("pk")).values("n")
    )
    return qs.annotate(n_subjects=Coalesce(Subquery(n_subjects), 0)).order_by("-registered_at", "-id")


def membership(*, user, case: Case) -> CaseMember | None:
    return CaseMember.objects.filter(case=case, user=user, removed_at__isnull=True).first()


def case_get_for(*, user, pk, perm: str = "view") -> Case:
    """The case ``pk`` if ``user`` may ``perm`` it ("view", "change", "manage"),
    else Http404 (the same answer for missing and not allowed)."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404 from None
    case = cases_visible_to(user=user).select_related("legal_ground", "owner", "owner__organisation").filter(pk=pk)
    case = case.first()
    member = membership(user=user, case=case) if case else None
    allowed = member is not None and (
        perm == "view"
        or (perm == "change" and member.role in CHANGE_ROLES)
        or (perm == "manage" and member.role in MANAGE_ROLES)
    )
    if not allowed:
        if user.is_authenticated:
            audit.record_access(
                actor=user,
                obj=("cases.case", str(pk)),
                purpose="refused: not a member or no such case",
                action="cases.case_access_refused",
            )
        raise Http404
    case.viewer_membership = member
    return case


def case_members(*, case: Case) -> QuerySet[CaseMember]:
    return (
        case.members.filter(removed_at__isnull=True)
        .select_related("user", "user__organisation", "legal_ground")
        .order_by("created_at", "id")
    )


def _subject_related():
    return ("subject", "subject__person", "subject__enterprise", "subject__establishment", "subject__vehicle")


def case_subjects(*, case: Case, viewer) -> list[CaseSubject]:
    """Subjects of a case, each with ``.label`` as the viewer may see it:
    a minor (or the young person of a youth case) by pseudonym unless this
    viewer revealed the identity in this case."""
    rows = list(case.case_subjects.select_related(*_subject_related()).order_by("created_at", "id"))
    revealed = set(IdentityReveal.objects.filter(case=case, revealed_by=viewer).values_list("subject_id", flat=True))
    for row in rows:
        row.label, row.pseudonymised = subject_label(row.subject, case=case, role=row.role, revealed=revealed)
    return rows


def is_protected(subject: Subject, *, case: Case, role: str) -> bool:
    if subject.kind != Subject.Kind.PERSON:
        return False
    return subject.person.is_minor or (case.case_type == "youth" and role == CaseSubject.Role.YOUNG_PERSON)


def subject_label(subject: Subject, *, case: Case, role: str, revealed: set) -> tuple[str, bool]:
    kind = subject.kind
    if kind == Subject.Kind.PERSON:
        person = subject.person
        if is_protected(subject, case=case, role=role) and subject.pk not in revealed:
            return person.pseudonym, True
        birth = f" ({person.birth_date:%d-%m-%Y})" if person.birth_date else ""
        return f"{person.full_name()}{birth}", False
    if kind == Subject.Kind.ENTERPRISE:
        e = subject.enterprise
        kbo = f" – KBO {e.kbo_number[:4]}.{e.kbo_number[4:7]}.{e.kbo_number[7:]}" if e.kbo_number else ""
        return f"{e.name}{' ' + e.legal_form if e.legal_form else ''}{kbo}", False
    if kind == Subject.Kind.ESTABLISHMENT:
        est = subject.establishment
        return f"{est.name}{', ' + est.address_text if est.address_text else ''}", False
    return f"{subject.vehicle.plate}", False


def subjects_visible_to(*, user) -> QuerySet[Subject]:
    """Subjects in at least one case the user is a member of."""
    return Subject.objects.filter(case_links__case__in=cases_visible_to(user=user)).distinct()


def hits_for_owner(*, user) -> QuerySet[Hit]:
    """Hits on cases the user owns (and still sees)."""
    owned = cases_visible_to(user=user).filter(owner=user).values("pk")
    return (
        Hit.objects.filter(case_id__in=owned)
        .select_related(
            "case",
            "triggered_by",
            "triggered_by__organisation",
            *(
                "matched_subject",
                "matched_subject__person",
                "matched_subject__enterprise",
                "matched_subject__establishment",
                "matched_subject__vehicle",
            ),
        )
        .order_by("-created_at", "-id")
    )


def notifications_for(*, user, unread_only: bool = True) -> QuerySet[Notification]:
    qs = Notification.objects.filter(recipient=user, case__in=cases_visible_to(user=user)).select_related("case")
    return qs.filter(read_at__isnull=True) if unread_only else qs


def case_subject_get(*, case: Case, subject_pk) -> CaseSubject:
    row = case.case_subjects.select_related(*_subject_related()).filter(subject_id=subject_pk).first()
    if row is None:
        raise Http404
    return row


def case_members_prefetch():
    return Prefetch(
        "members", queryset=CaseMember.objects.filter(removed_at__isnull=True).select_related("user"), to_attr="active"
    )


def case_links(*, case: Case):
    """Links between subjects of this case only (the network view never crosses cases)."""
    from schakel.subjects.models import SubjectLink

    ids = list(case.case_subjects.values_list("subject_id", flat=True))
    return SubjectLink.objects.filter(source_subject_id__in=ids, target_subject_id__in=ids).order_by("id")


def case_network(*, case: Case, viewer) -> dict:
    rows = case_subjects(case=case, viewer=viewer)
    nodes = [
        {"id": f"s{r.subject_id}", "label": r.label, "kind": r.subject.kind, "role": r.get_role_display()} for r in rows
    ]
    edges = [
        {
            "id": f"l{link.pk}",
            "source": f"s{link.source_subject_id}",
            "target": f"s{link.target_subject_id}",
            "label": link.get_link_type_display(),
        }
        for link in case_links(case=case)
    ]
    return {"nodes": nodes, "edges": edges}


# --- Linked signals ----------------------------------------------------------------


def linked_signal_rows(*, case: Case) -> dict:
    """signal id -> the row that linked it, for the signals linked now (the
    latest history row per signal says "linked")."""
    from .models import CaseSignalLink

    latest: dict = {}
    for row in CaseSignalLink.objects.filter(case=case).select_related("actor").order_by("at", "id"):
        latest[row.signal_id] = row
    return {sid: row for sid, row in latest.items() if row.action == CaseSignalLink.Action.LINKED}


def linked_signal_ids(*, case: Case) -> set:
    return set(linked_signal_rows(case=case))


def case_signals(*, case: Case, viewer) -> list:
    """The signals linked to a case, for a member. ``row.signal`` is the
    signal only when the signals app lets this viewer see it in full
    (``row.visible``); otherwise the member sees the reference, who linked
    it, when, and the note — never the signal's content. A signal deleted by
    its retention shows as deleted."""
    from schakel.signals import selectors as signal_selectors
    from schakel.signals.models import Signal

    rows = sorted(linked_signal_rows(case=case).values(), key=lambda r: (r.at, r.id))
    ids = [r.signal_id for r in rows]
    visible = {s.pk: s for s in signal_selectors.signals_visible_to(viewer).filter(pk__in=ids)} if ids else {}
    existing = set(Signal.objects.filter(pk__in=ids).values_list("pk", flat=True)) if ids else set()
    for row in rows:
        row.visible_signal = visible.get(row.signal_id)
        row.visible = row.visible_signal is not None
        row.deleted = row.signal_id not in existing
    return rows


# --- Meetings, plan, two-phase --------------------------------------------------


def meetings_visible_to(*, user):
    from .models import Meeting

    if not user.has_perm("cases.view_meeting"):
        return Meeting.objects.none()
    return (
        Meeting.objects.filter(participants=user).select_related("organiser").order_by("-starts_at", "-id").distinct()
    )


def meeting_get_for(*, user, pk):
    meeting = meetings_visible_to(user=user).filter(pk=pk).first()
    if meeting is None:
        raise Http404
    return meeting


def meeting_items_for(*, meeting, user):
    """Agenda items of ``meeting`` whose case the user is a member of; the
    other items are not counted, named or numbered for this user."""
    return (
        meeting.items.filter(case__in=cases_visible_to(user=user))
        .select_related("case", "case__legal_ground", "minutes_updated_by")
        .prefetch_related("decisions", "actions__owner_organisation", "actions__owner_user")
        .order_by("position", "id")
    )


def meeting_item_get_for(*, user, meeting, item_pk):
    item = meeting_items_for(meeting=meeting, user=user).filter(pk=item_pk).first()
    if item is None:
        raise Http404
    return item


def case_plan(*, case):
    from .models import EXIT_GOAL_TRANSITIONS, INTERVENTION_TRANSITIONS, ExitGoal, Intervention

    history = "status_changes__changed_by"
    interventions = list(
        case.interventions.select_related("instrument", "responsible_organisation")
        .prefetch_related(history)
        .order_by("track", "id")
    )
    goals = list(
        case.exit_goals.select_related("responsible_partner").prefetch_related(history).order_by("domain", "id")
    )
    for row in interventions:
        row.next_statuses = [(s, Intervention.Status(s).label) for s in INTERVENTION_TRANSITIONS[row.status]]
    for row in goals:
        row.next_statuses = [(s, ExitGoal.Status(s).label) for s in EXIT_GOAL_TRANSITIONS[row.status]]
    for row in (*interventions, *goals):
        changes = list(row.status_changes.all())  # prefetched, oldest first
        row.last_change = changes[-1] if changes else None
    return {
        "interventions": interventions,
        "exit_goals": goals,
        "actions": list(
            case.action_items.select_related("owner_organisation", "owner_user").order_by("due_date", "id")
        ),
    }


def twophase_visible_to(*, user):
    from .models import TwoPhaseFile

    org = getattr(user, "organisation", None)
    if not user.has_perm("cases.view_twophasefile") or org is None or org.kind not in ("police", "prosecutor"):
        return TwoPhaseFile.objects.none()
    return TwoPhaseFile.objects.select_related("proposed_by", "decided_by").order_by("-created_at", "-id")


def case_duplicates(*, case: Case, viewer) -> list[dict]:
    """Possible duplicates among the subjects this viewer sees, for the
    subjects of this case: pairs only where both sides are visible, so the
    page never points at a subject of another circle."""
    from schakel.subjects import selectors as subject_selectors

    rows = case_subjects(case=case, viewer=viewer)
    visible = set(subjects_visible_to(user=viewer).values_list("pk", flat=True))
    labels = {r.subject_id: r.label for r in rows}
    pairs, seen = [], set()
    for row in rows:
        for match in subject_selectors.matches_for(row.subject):
            other = match.subject_id
            key = tuple(sorted((row.subject_id, other)))
            if other not in visible or key in seen:
                continue
            seen.add(key)
            if other not in labels:
                other_subject = Subject.objects.select_related("person", "enterprise", "establishment", "vehicle").get(
                    pk=other
                )
                labels[other] = subject_label(other_subject, case=case, role="", revealed=set())[0]
            pairs.append(
                {
                    "a": row.subject_id,
                    "b": other,
                    "a_label": labels[row.subject_id],
                    "b_label": labels[other],
                    "score": round(match.score),
                    "reason": match.reason,
                }
            )
    return pairs


def summary_disclosure_for(*, user, case: Case, sha256: str):
    """The disclosure event that ``user`` recorded for the summary of ``case``
    with fingerprint ``sha256`` (``services.case_summary_disclose``), or None.
    Only such a recorded disclosure hands out the summary file: whoever
    downloads it has left recipient, legal ground and purpose in the log."""
    from schakel.audit.models import AuditEvent

    if not user.is_authenticated or len(sha256) != 64 or not all(c in "0123456789abcdef" for c in sha256):
        return None
    return (
        AuditEvent.objects.filter(
            kind=AuditEvent.Kind.DISCLOSURE,
            object_type="cases.case",
            object_id=str(case.pk),
            actor=user,
            summary=f"case summary sha256:{sha256}",
        )
        .select_related("recipient_organisation")
        .order_by("-id")
        .first()
    )


def case_summary(*, case: Case) -> tuple[str, str]:
    """The summary of a case that a member may disclose to another
    organisation, as plain text, and its SHA-256 (recorded with the
    disclosure, so the log says exactly which text went out).

    Structured facts only: reference, type, status, neutral title, the
    subjects as a partner would see them (protected young people always by
    pseudonym, whatever the discloser revealed) and the plan of approach by
    track, instrument, partner and status. No minutes, decisions, notes or
    other free text. Always in Dutch, so that the same case gives the same
    text and fingerprint whatever the discloser's interface language."""
    import hashlib

    from django.utils import timezone, translation
    from django.utils.translation import gettext as _

    from .models import ExitGoal, Intervention

    with translation.override("nl"):
        lines = [
            _("Samenvatting van casus %(ref)s") % {"ref": case.reference},
            "",
            f"{_('Neutrale titel')}: {case.title}",
            f"{_('Soort casus')}: {case.get_case_type_display()}",
            f"{_('Status')}: {case.get_status_display()}",
            f"{_('Aangemeld op')}: {timezone.localtime(case.registered_at):%d-%m-%Y}",
            f"{_('Rechtsgrond')}: {case.legal_ground.name}",
            "",
            f"{_('Subjecten')}:",
        ]
        rows = list(case.case_subjects.select_related(*_subject_related()).order_by("created_at", "id"))
        for row in rows:
            label, _hidden = subject_label(row.subject, case=case, role=row.role, revealed=set())
            lines.append(f"- {label} ({row.subject.get_kind_display()}, {row.get_role_display()})")
        if not rows:
            lines.append(f"- {_('geen')}")
        interventions = list(
            case.interventions.select_related("instrument", "responsible_organisation").order_by("track", "id")
        )
        lines += ["", f"{_('Plan van aanpak')}:"]
        for i in interventions:
            lines.append(
                f"- {i.get_track_display()}: {i.instrument.name} – {i.responsible_organisation.name} – "
                f"{Intervention.Status(i.status).label}"
            )
        if not interventions:
            lines.append(f"- {_('geen')}")
        if case.case_type == "youth":
            goals = list(case.exit_goals.select_related("responsible_partner").order_by("domain", "id"))
            lines += ["", f"{_('Exitplan')}:"]
            for g in goals:
                lines.append(
                    f"- {g.get_domain_display()}: {g.responsible_partner.name} – {ExitGoal.Status(g.status).label}"
                )
            if not goals:
                lines.append(f"- {_('geen')}")
    text = "\n".join(lines) + "\n"
    return text, hashlib.sha256(text.encode("utf-8")).hexdigest()
