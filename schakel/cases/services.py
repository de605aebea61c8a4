"""Writes of cases. Every function checks the actor's membership and role
itself (``selectors.case_get_for`` semantics), runs in a transaction and
writes the audit event. Errors are Dutch ``ValidationError``s; nothing is
half-saved."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from schakel.audit import services as audit
from schakel.core.deferred import defer, job
from schakel.legal.models import LegalGround
from schakel.subjects import selectors as subject_selectors
from schakel.subjects.models import Subject

from . import selectors
from .models import (
    EXIT_GOAL_TRANSITIONS,
    INTERVENTION_TRANSITIONS,
    PARTICIPATE_PERMISSION,
    TRANSITIONS,
    ActionItem,
    AgendaItem,
    Case,
    CaseMember,
    CaseSignalLink,
    CaseStatus,
    CaseStatusChange,
    CaseSubject,
    CaseType,
    Decision,
    ExitGoal,
    ExitGoalStatusChange,
    Hit,
    IdentityReveal,
    Intervention,
    InterventionStatusChange,
    Meeting,
    MinutesRevision,
    Notification,
    Track,
    TwoPhaseFile,
)


def _member_or_deny(*, actor, case: Case, perm: str) -> CaseMember:
    """Same rule as ``case_get_for``; services refuse with PermissionDenied."""
    member = selectors.membership(user=actor, case=case)
    if (
        member is None
        or not actor.has_perm(PARTICIPATE_PERMISSION[case.case_type])
        or (perm == "change" and member.role not in selectors.CHANGE_ROLES)
        or (perm == "manage" and member.role not in selectors.MANAGE_ROLES)
    ):
        raise PermissionDenied
    return member


def _check_ground(legal_ground) -> LegalGround:
    if legal_ground is None:
        raise ValidationError({"legal_ground": _("Kies de rechtsgrond die dit toelaat.")})
    if not legal_ground.active:
        raise ValidationError({"legal_ground": _("Deze rechtsgrond is niet meer actief.")})
    return legal_ground


@transaction.atomic
def case_open(
    *, actor, case_type: str, title: str, legal_ground: LegalGround | None, is_demo: bool = False, note: str = ""
) -> Case:
    """Open a case; the actor becomes its owner and first member.
    Needs ``cases.add_case`` and the participation permission of the type."""
    if case_type not in CaseType.values:
        raise ValidationError({"case_type": _("Onbekend soort casus.")})
    if not actor.has_perm("cases.add_case") or not actor.has_perm(PARTICIPATE_PERMISSION[case_type]):
        raise PermissionDenied
    title = (title or "").strip()
    if not 3 <= len(title) <= 120:
        raise ValidationError({"title": _("Geef een neutrale titel van 3 tot 120 tekens.")})
    ground = _check_ground(legal_ground)
    from . import textmatch

    title_matches = textmatch.matches_in_text(title, organisations=False)
    check_neutral_title(actor=actor, title=title, matches=title_matches)
    now = timezone.now()
    case = Case.objects.create(
        case_type=case_type, title=title, legal_ground=ground, owner=actor, registered_at=now, is_demo=is_demo
    )
    CaseMember.objects.create(case=case, user=actor, role=CaseMember.Role.OWNER, legal_ground=ground, added_by=actor)
    CaseStatusChange.objects.create(
        case=case, from_status="", to_status=CaseStatus.REGISTERED, changed_by=actor, changed_at=now, note=note[:500]
    )
    audit.record_write(actor=actor, action="cases.case_opened", obj=case, summary=f"type {case_type}")
    # Written with the case: a rolled-back case leaves no job behind.
    raise_hits(actor=actor, matches=title_matches, trigger_kind="case_title")
    return case


@transaction.atomic
def case_member_add(*, actor, case: Case, user, role: str, legal_ground: LegalGround | None) -> CaseMember:
    """The owner adds a person to the circle, naming the legal ground. A member
    of another organisation receives the case content: a disclosure event."""
    _member_or_deny(actor=actor, case=case, perm="manage")
    ground = _check_ground(legal_ground)
    if role not in CaseMember.Role.values or role == CaseMember.Role.OWNER:
        raise ValidationError({"role": _("Kies een rol in de casus.")})
    if user is None or not user.is_active:
        raise ValidationError({"user": _("Kies een actieve gebruiker.")})
    if not user.has_perm(PARTICIPATE_PERMISSION[case.case_type]):
        raise ValidationError({"user": _("Deze gebruiker mag geen lid zijn van dit soort casus.")})
    if CaseMember.objects.filter(case=case, user=user, removed_at__isnull=True).exists():
        raise ValidationError({"user": _("Deze gebruiker is al lid van de casus.")})
    member = CaseMember.objects.create(case=case, user=user, role=role, legal_ground=ground, added_by=actor)
    audit.record_write(actor=actor, action="cases.member_added", obj=case, summary=f"member user {user.pk} as {role}")
    if user.organisation_id != actor.organisation_id:
        audit.record_disclosure(
            actor=actor,
            obj=case,
            recipient_organisation=user.organisation,
            legal_ground=str(ground),
            purpose="case circle membership",
        )
    return member


@transaction.atomic
def case_member_remove(*, actor, case: Case, member: CaseMember) -> None:
    _member_or_deny(actor=actor, case=case, perm="manage")
    if member.case_id != case.pk or member.removed_at is not None:
        raise ValidationError(_("Dit lid hoort niet (meer) bij de casus."))
    if member.role == CaseMember.Role.OWNER:
        raise ValidationError(_("De eigenaar kan niet uit de casus verwijderd worden."))
    member.removed_at, member.removed_by = timezone.now(), actor
    member.save(update_fields=["removed_at", "removed_by", "updated_at"])
    audit.record_write(actor=actor, action="cases.member_removed", obj=case, summary=f"member user {member.user_id}")


@transaction.atomic
def case_status_change(*, actor, case: Case, to_status: str, note: str = "") -> Case:
    """Move the case along ``TRANSITIONS`` (members with a change role). The
    change is appended to the history with its note; closing needs a note
    and sets ``closed_at``, which starts the retention period."""
    _member_or_deny(actor=actor, case=case, perm="change")
    case = Case.objects.select_for_update().get(pk=case.pk)
    if to_status not in TRANSITIONS.get(case.status, ()):
        raise ValidationError(
            _("Van ‘%(a)s’ naar ‘%(b)s’ is geen toegelaten stap.")
            % {"a": CaseStatus(case.status).label, "b": dict(CaseStatus.choices).get(to_status, to_status)}
        )
    note = (note or "").strip()
    # Closing starts the retention period of the case (retention.py): the
    # circle must be able to read later why it was closed.
    if to_status == CaseStatus.CLOSED and len(note) < 5:
        raise ValidationError({"note": _("Geef een toelichting: waarom wordt de casus afgesloten?")})
    now = timezone.now()
    CaseStatusChange.objects.create(
        case=case, from_status=case.status, to_status=to_status, changed_by=actor, changed_at=now, note=note[:500]
    )
    case.status = to_status
    fields = ["status", "updated_at"]
    if to_status == CaseStatus.PLAN and case.plan_at is None:
        case.plan_at = now
        fields.append("plan_at")
    case.closed_at = now if to_status == CaseStatus.CLOSED else None
    fields.append("closed_at")
    case.save(update_fields=fields)
    audit.record_write(actor=actor, action="cases.status_changed", obj=case, summary=f"to {to_status}")
    return case


def _actor(actor_id):
    """The user a deferred job acts for (None: a partner without account)."""
    if actor_id is None:
        return None
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(pk=actor_id)


def _raise_hits(*, actor, subject: Subject, trigger_kind: str, case: Case) -> None:
    """Tell owners of cases the actor cannot see that one of their subjects
    matched, after the response (``raise_hits``). The matching itself runs
    then too: it reads the whole registry and costs up to tens of ms."""
    defer(
        "cases.raise_subject_hits",
        actor_id=actor.pk,
        subject_id=subject.pk,
        case_id=case.pk,
        trigger_kind=trigger_kind,
    )


@job("cases.raise_subject_hits")
def _raise_subject_hits(*, actor_id, subject_id: int, case_id: int, trigger_kind: str) -> int:
    # Nothing when the link was removed in the meantime.
    if not CaseSubject.objects.filter(case_id=case_id, subject_id=subject_id).exists():
        return 0
    subject = Subject.objects.get(pk=subject_id)
    matches = {m.subject_id: m for m in subject_selectors.matches_for(subject)}
    return raise_hits_now(actor=_actor(actor_id), matches=matches, exact_ids={subject_id}, trigger_kind=trigger_kind)


def raise_hits(*, actor, matches: dict, trigger_kind: str, exact_ids=(), trigger_reference: str = "") -> None:
    """Hit/no-hit (ADR 0401): ``raise_hits_now`` once the actor's response has
    been sent (ADR 0007), so whether a hit was written never shows in that
    response, its content or its timing. The job is written in the caller's
    transaction whatever ``matches`` holds (durable: ``core.deferred``), so a
    rolled-back request raises nothing and a worker that dies after
    answering loses nothing."""
    defer(
        "cases.raise_hits",
        actor_id=actor.pk if actor is not None else None,
        matches={str(sid): [m.reason, float(m.score)] for sid, m in matches.items()},
        trigger_kind=trigger_kind,
        exact_ids=sorted(exact_ids),
        trigger_reference=trigger_reference,
    )


@job("cases.raise_hits")
def _raise_hits_job(*, actor_id, matches: dict, trigger_kind: str, exact_ids=(), trigger_reference: str = "") -> int:
    from schakel.subjects.matching import Match

    found = {int(sid): Match(int(sid), score, reason) for sid, (reason, score) in matches.items()}
    return raise_hits_now(
        actor=_actor(actor_id),
        matches=found,
        trigger_kind=trigger_kind,
        exact_ids=exact_ids,
        trigger_reference=trigger_reference,
    )


@transaction.atomic
def raise_hits_now(*, actor, matches: dict, trigger_kind: str, exact_ids=(), trigger_reference: str = "") -> int:
    """The one place that raises hits: one open hit (and a notification to the owner) per matching subject in
    a case ``actor`` cannot see. ``actor`` None (a partner's signal) sees no
    case, so every matching case gets a hit. Returns how many were raised
    (for tests; never shown to the actor)."""
    ids = set(matches) | set(exact_ids)
    if not ids:
        return 0
    rows = CaseSubject.objects.filter(subject_id__in=ids).select_related("case", "case__owner")
    if actor is not None:
        visible_case_ids = set(selectors.cases_visible_to(user=actor).values_list("pk", flat=True))
        rows = rows.exclude(case_id__in=visible_case_ids).filter(~Exists(_active_membership(actor)))
    created = 0
    for row in rows:
        match = matches.get(row.subject_id)
        reason, score = (match.reason, match.score) if match else ("identifier", 100.0)
        hit, was_created = Hit.objects.get_or_create(
            case=row.case,
            matched_subject_id=row.subject_id,
            triggered_by=actor,
            trigger_kind=trigger_kind,
            trigger_reference=trigger_reference[:30],
            status=Hit.Status.NEW,
            defaults={"reason": reason, "score": Decimal(str(round(min(score, 100.0), 1)))},
        )
        if was_created:
            created += 1
            Notification.objects.create(
                recipient=row.case.owner,
                case=row.case,
                kind="hit",
                text=_("Hit: een subject van deze casus kwam overeen met een nieuwe registratie."),
            )
            audit.record_write(actor=actor, action="cases.hit_raised", obj=hit, summary=f"{reason} match")
    return created


def _active_membership(user):
    """The user's active membership of the outer row's case (one EXISTS: an
    ``exclude()`` over two member conditions could match them on different
    members, e.g. a removed membership and someone else's active one)."""
    return CaseMember.objects.filter(case=OuterRef("case"), user=user, removed_at__isnull=True)


def subject_changed_outside_circles(*, actor, subject_id: int) -> None:
    """A subject was edited (name, number, address …) by ``actor``: the owners
    of the cases that hold it and that ``actor`` is not a member of are told,
    after the response (ADR 0007), so they can check the change in the
    subject's history. ``actor`` learns nothing of those cases."""
    defer("cases.notify_subject_changed", actor_id=actor.pk, subject_id=subject_id)


@job("cases.notify_subject_changed")
def _notify_subject_changed(*, actor_id, subject_id: int) -> int:
    actor = _actor(actor_id)
    rows = (
        CaseSubject.objects.filter(subject_id=subject_id)
        .filter(~Exists(_active_membership(actor)))
        .select_related("case")
    )
    told = 0
    for row in rows:
        Notification.objects.create(
            recipient_id=row.case.owner_id,
            case=row.case,
            kind="subject_changed",
            text=_(
                "Een subject van deze casus werd gewijzigd door iemand buiten de kring; "
                "de geschiedenis van het subject toont wat er veranderde."
            ),
        )
        told += 1
    return told


@job("cases.signal_hits")
def signal_raise_hits(*, signal_id: int) -> int:
    """A new signal's "subjects mentioned" text against the subjects of cases
    its reporter cannot see: hits for those owners, nothing for the reporter.
    A deferred job written with the signal (see ``receivers``)."""
    from schakel.signals.models import Signal

    from . import textmatch

    signal = Signal.objects.select_related("reporter").filter(pk=signal_id).first()
    if signal is None or not signal.subjects_text.strip():
        return 0
    with transaction.atomic():
        matches = textmatch.matches_in_text(signal.subjects_text)
        return raise_hits_now(
            actor=signal.reporter, matches=matches, trigger_kind="signal", trigger_reference=signal.reference
        )


def title_names_known_person(*, actor, title: str, case: Case | None = None, matches: dict | None = None) -> bool:
    """Does ``title`` contain the name (or the surname alone) of a person of
    ``case`` or of a person the actor already sees in his own cases? Matched
    on the subjects app's normal forms and blocking index, so accents,
    particles and spelling variants do not slip through, and the cost follows
    the title, not the number of persons the actor sees. ``matches`` are the
    registry matches of the title if already computed."""
    from django.db.models import Q

    from schakel.subjects import matching
    from schakel.subjects.models import Person

    from . import textmatch

    known = Q(pk__in=selectors.subjects_visible_to(user=actor).values("pk"))
    if case is not None:
        known |= Q(case_links__case=case)
    persons = Person.objects.filter(known, merged_into__isnull=True)
    if matches is None:
        matches = textmatch.matches_in_text(title, organisations=False)
    if matches and persons.filter(pk__in=list(matches)).exists():
        return True
    # A surname alone ("Winkel Amrani"): candidates share a stored blocking
    # key with a title token; the surname's tokens must all be in the title.
    title_tokens = {t for t in (*matching.tokens(title), *matching.tokens(title, surname=True)) if len(t) >= 3}
    if not title_tokens:
        return False
    keys = {k for t in title_tokens for k in matching.blocking_keys(f"{t}||")}
    candidates = persons.filter(name_keys__key__in=keys).distinct().values_list("last_name", flat=True)
    for last in candidates:
        surname = [t for t in matching.tokens(last, surname=True) if len(t) >= 3]
        if surname and all(t in title_tokens for t in surname):
            return True
    return False


def check_neutral_title(*, actor, title: str, case: Case | None = None, matches: dict | None = None) -> None:
    """Refuse a title naming a person the actor knows from his cases (or of
    this case). The rest of the registry is not used to refuse: a refusal
    would tell the actor that a person is registered in a circle he is not in
    (an existence oracle). A match there raises a silent hit for that case's
    owner instead (ADR 0401), after the case is saved."""
    if title_names_known_person(actor=actor, title=title, case=case, matches=matches):
        raise ValidationError(
            {
                "title": _(
                    "Een casustitel moet neutraal zijn: deze titel bevat de naam van een persoon uit uw "
                    "casussen. Beschrijf het pand, de onderneming of de situatie zonder namen."
                )
            }
        )


@transaction.atomic
def case_subject_add(*, actor, case: Case, subject: Subject, role: str) -> CaseSubject:
    """Link a subject to a case. The subject must be new (created by the actor
    and in no case yet) or already visible to the actor. Matching subjects in
    cases the actor cannot see raise hits for their owners, silently."""
    _member_or_deny(actor=actor, case=case, perm="change")
    if role not in CaseSubject.Role.values:
        raise ValidationError({"role": _("Kies de rol van het subject in de casus.")})
    if role not in CaseSubject.ROLES_BY_KIND.get(subject.kind, ()):
        raise ValidationError(
            {
                "role": _("De rol ‘%(role)s’ past niet bij een subject van de soort ‘%(kind)s’.")
                % {"role": CaseSubject.Role(role).label, "kind": subject.get_kind_display()}
            }
        )
    if subject.merged_into_id:
        raise ValidationError(_("Dit subject is samengevoegd met een ander subject."))
    fresh = subject.created_by_id == actor.pk and not CaseSubject.objects.filter(subject=subject).exists()
    if not fresh and not selectors.subjects_visible_to(user=actor).filter(pk=subject.pk).exists():
        raise PermissionDenied
    if CaseSubject.objects.filter(case=case, subject=subject).exists():
        raise ValidationError(_("Dit subject is al aan de casus gekoppeld."))
    row = CaseSubject.objects.create(case=case, subject=subject, role=role, added_by=actor)
    audit.record_write(actor=actor, action="cases.subject_added", obj=case, summary=f"subject {subject.pk} as {role}")
    _raise_hits(actor=actor, subject=subject, trigger_kind="case_subject", case=case)
    return row


def case_subjects_repoint(*, duplicate: Subject, survivor: Subject) -> None:
    """Called by ``subjects.services.subject_merge`` inside its transaction."""
    for row in CaseSubject.objects.filter(subject=duplicate):
        if CaseSubject.objects.filter(case_id=row.case_id, subject=survivor).exists():
            row.delete()  # the survivor already plays a role there; the merge row keeps the trace
        else:
            row.subject = survivor
            row.save(update_fields=["subject", "updated_at"])


@transaction.atomic
def identity_reveal(*, actor, case: Case, subject: Subject, reason: str) -> IdentityReveal:
    """A member reveals a protected (young) person's identity for himself, with
    a reason: an access event and a notification to the owner."""
    _member_or_deny(actor=actor, case=case, perm="view")
    reason = (reason or "").strip()
    if len(reason) < 10:
        raise ValidationError({"reason": _("Geef een reden van minstens 10 tekens.")})
    row = CaseSubject.objects.filter(case=case, subject=subject).first()
    if row is None:
        raise PermissionDenied
    if not selectors.is_protected(subject, case=case, role=row.role):
        raise ValidationError(_("De identiteit van dit subject is niet afgeschermd."))
    reveal = IdentityReveal.objects.create(
        case=case, subject=subject, revealed_by=actor, revealed_at=timezone.now(), reason=reason[:500]
    )
    audit.record_access(
        actor=actor, obj=subject, purpose=reason[:300], action="cases.identity_revealed", summary=f"case {case.pk}"
    )
    if case.owner_id != actor.pk:
        Notification.objects.create(
            recipient=case.owner,
            case=case,
            kind="reveal",
            text=_("Een lid van de casus heeft de identiteit van een jongere zichtbaar gemaakt."),
        )
    return reveal


def case_summary_disclose_check(*, actor, case: Case, recipient_organisation, legal_ground, purpose: str) -> str:
    """The checks of ``case_summary_disclose`` without recording anything, for
    the preview step; returns the cleaned purpose."""
    _member_or_deny(actor=actor, case=case, perm="change")
    _check_ground(legal_ground)
    if recipient_organisation is None:
        raise ValidationError({"recipient_organisation": _("Kies de ontvangende organisatie.")})
    if recipient_organisation.pk == actor.organisation_id:
        raise ValidationError({"recipient_organisation": _("Dit is uw eigen organisatie: geen verstrekking.")})
    purpose = (purpose or "").strip()
    if len(purpose) < 5:
        raise ValidationError({"purpose": _("Vermeld het doel van de verstrekking.")})
    return purpose


@transaction.atomic
def case_summary_disclose(
    *, actor, case: Case, recipient_organisation, legal_ground, purpose: str, summary_sha256: str = ""
) -> str:
    """Record that the summary of the case (``selectors.case_summary``) goes
    to another organisation: a disclosure event with recipient, legal ground,
    purpose and the SHA-256 of the summary text. With ``summary_sha256`` (the
    fingerprint of the text the user previewed) the disclosure is refused when
    the case changed in between. Returns the fingerprint."""
    purpose = case_summary_disclose_check(
        actor=actor,
        case=case,
        recipient_organisation=recipient_organisation,
        legal_ground=legal_ground,
        purpose=purpose,
    )
    _text, digest = selectors.case_summary(case=case)
    if summary_sha256 and summary_sha256 != digest:
        raise ValidationError(
            _(
                "De casus is gewijzigd sinds u de samenvatting bekeek. Bekijk de nieuwe samenvatting en bevestig opnieuw."
            )
        )
    audit.record_disclosure(
        actor=actor,
        obj=case,
        recipient_organisation=recipient_organisation,
        legal_ground=str(_check_ground(legal_ground)),
        purpose=purpose,
        summary=f"case summary sha256:{digest}",
    )
    return digest


@transaction.atomic
def hit_decide(*, actor, hit: Hit, status: str) -> Hit:
    """The owner of the hit's case decides whether to contact the trigger."""
    if hit.case.owner_id != actor.pk:
        raise PermissionDenied
    _member_or_deny(actor=actor, case=hit.case, perm="manage")
    if status not in (Hit.Status.CONTACTED, Hit.Status.DISMISSED):
        raise ValidationError(_("Kies ‘contact opgenomen’ of ‘geen opvolging’."))
    hit.status = status
    hit.save(update_fields=["status", "updated_at"])
    audit.record_write(actor=actor, action="cases.hit_decided", obj=hit, summary=status)
    return hit


def notifications_mark_read(*, actor, case: Case) -> None:
    Notification.objects.filter(recipient=actor, case=case, read_at__isnull=True).update(read_at=timezone.now())


@transaction.atomic
def case_link_create(
    *,
    actor,
    case: Case,
    source_subject_id: int,
    target_subject_id: int,
    link_type: str,
    source: str,
    valid_from=None,
    valid_until=None,
):
    """A typed link between two subjects of the same case (never across cases)."""
    from schakel.subjects import services as subject_services

    _member_or_deny(actor=actor, case=case, perm="change")
    rows = {
        r.subject_id: r.subject
        for r in case.case_subjects.select_related("subject").filter(
            subject_id__in=[source_subject_id, target_subject_id]
        )
    }
    if source_subject_id not in rows or target_subject_id not in rows:
        raise ValidationError(_("Beide subjecten moeten bij deze casus horen."))
    return subject_services.subject_link_create(
        actor=actor,
        source_subject=rows[source_subject_id],
        target_subject=rows[target_subject_id],
        link_type=link_type,
        source=source,
        valid_from=valid_from,
        valid_until=valid_until,
    )


# --- Meetings -----------------------------------------------------------------

MEETING_CASE_TYPES = {
    Meeting.Type.OBH: {CaseType.OBH, CaseType.OTHER},
    Meeting.Type.OSP: {CaseType.YOUTH},
    Meeting.Type.YOUTH: {CaseType.YOUTH},
}


@transaction.atomic
def meeting_create(
    *,
    actor,
    meeting_type: str,
    title: str,
    starts_at,
    ends_at,
    location: str = "",
    participants=(),
    is_demo: bool = False,
) -> Meeting:
    """Plan a meeting. Needs ``cases.add_meeting``; the organiser takes part."""
    if not actor.has_perm("cases.add_meeting"):
        raise PermissionDenied
    if meeting_type not in Meeting.Type.values:
        raise ValidationError({"meeting_type": _("Onbekend soort overleg.")})
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": _("Geef het overleg een titel.")})
    if starts_at is None or ends_at is None or ends_at <= starts_at:
        raise ValidationError({"ends_at": _("Het einde moet na het begin liggen.")})
    meeting = Meeting.objects.create(
        meeting_type=meeting_type,
        title=title[:200],
        starts_at=starts_at,
        ends_at=ends_at,
        location=(location or "").strip()[:200],
        organiser=actor,
        is_demo=is_demo,
    )
    meeting.participants.set({actor, *participants})
    audit.record_write(actor=actor, action="cases.meeting_created", obj=meeting, summary=meeting_type)
    return meeting


@transaction.atomic
def meeting_item_add(*, actor, meeting: Meeting, case: Case) -> AgendaItem:
    """Put a case on the agenda. Only the organiser, and only a case he is a
    member of (otherwise he would learn it exists); the case type must fit."""
    if meeting.organiser_id != actor.pk:
        raise PermissionDenied
    _member_or_deny(actor=actor, case=case, perm="change")
    if case.case_type not in MEETING_CASE_TYPES[meeting.meeting_type]:
        raise ValidationError(_("Dit soort casus hoort niet op dit soort overleg."))
    if AgendaItem.objects.filter(meeting=meeting, case=case).exists():
        raise ValidationError(_("Deze casus staat al op de agenda."))
    position = AgendaItem.objects.filter(meeting=meeting).count() + 1
    item = AgendaItem.objects.create(meeting=meeting, case=case, position=position)
    audit.record_write(actor=actor, action="cases.agenda_item_added", obj=meeting, summary=f"case {case.pk}")
    return item


class MinutesConflict(ValidationError):
    pass


def minutes_save(*, actor, item: AgendaItem, text: str, expected_version: int) -> AgendaItem:
    """Save the minutes of one case item (members who may change the case).
    Optimistic concurrency: the update only applies when the stored version
    is still ``expected_version``; otherwise ``MinutesConflict`` and nothing
    changes, so a second editor never overwrites the first."""
    with transaction.atomic():
        _member_or_deny(actor=actor, case=item.case, perm="change")
        text = (text or "").strip()
        if len(text) > 20000:
            raise ValidationError({"minutes": _("Het verslag is te lang (max. 20 000 tekens).")})
        now = timezone.now()
        updated = AgendaItem.objects.filter(pk=item.pk, minutes_version=expected_version).update(
            minutes=text,
            minutes_version=expected_version + 1,
            minutes_updated_by=actor,
            minutes_updated_at=now,
            updated_at=now,
        )
        if updated != 1:
            raise MinutesConflict(
                _(
                    "Iemand anders heeft dit verslag intussen bewaard. Uw wijziging is niet opgeslagen: "
                    "herlaad de pagina, bekijk de nieuwe versie en voer uw aanpassing opnieuw in."
                )
            )
        MinutesRevision.objects.create(item=item, version=expected_version + 1, text=text, saved_by=actor, saved_at=now)
        audit.record_write(
            actor=actor, action="cases.minutes_saved", obj=item, summary=f"version {expected_version + 1}"
        )
    item.refresh_from_db()
    return item


@transaction.atomic
def decision_record(*, actor, item: AgendaItem, text: str) -> Decision:
    _member_or_deny(actor=actor, case=item.case, perm="change")
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Beschrijf de beslissing.")})
    decision = Decision.objects.create(item=item, text=text[:1000], recorded_by=actor, recorded_at=timezone.now())
    audit.record_write(actor=actor, action="cases.decision_recorded", obj=item.case)
    return decision


@transaction.atomic
def action_item_create(
    *,
    actor,
    case: Case,
    title: str,
    track: str,
    owner_organisation,
    owner_user=None,
    due_date=None,
    item: AgendaItem | None = None,
) -> ActionItem:
    _member_or_deny(actor=actor, case=case, perm="change")
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": _("Beschrijf de actie.")})
    if track not in Track.values:
        raise ValidationError({"track": _("Kies een spoor.")})
    if owner_organisation is None:
        raise ValidationError({"owner_organisation": _("Kies de verantwoordelijke organisatie.")})
    if owner_user is not None:
        if owner_user.organisation_id != owner_organisation.pk:
            raise ValidationError({"owner_user": _("De verantwoordelijke hoort niet bij die organisatie.")})
        if selectors.membership(user=owner_user, case=case) is None:
            raise ValidationError({"owner_user": _("De verantwoordelijke moet lid zijn van de kring.")})
    if item is not None and item.case_id != case.pk:
        raise ValidationError(_("Dit agendapunt hoort niet bij deze casus."))
    # An action is agreed at a meeting: a deadline before that day would make it
    # overdue from the start. Without a meeting, today is the earliest day.
    earliest = timezone.localdate(item.meeting.starts_at) if item is not None else timezone.localdate()
    if due_date is not None and due_date < earliest:
        raise ValidationError(
            {
                "due_date": (
                    _("De deadline ligt vóór de datum van het overleg (%(day)s). Kies die dag of later.")
                    if item is not None
                    else _("De deadline ligt in het verleden. Kies vandaag of later.")
                )
                % {"day": earliest.strftime("%d-%m-%Y")}
            }
        )
    action = ActionItem.objects.create(
        case=case,
        item=item,
        title=title[:300],
        track=track,
        owner_organisation=owner_organisation,
        owner_user=owner_user,
        due_date=due_date,
        created_by=actor,
    )
    audit.record_write(actor=actor, action="cases.action_created", obj=action, summary=track)
    return action


@transaction.atomic
def action_item_set_status(*, actor, action: ActionItem, status: str) -> ActionItem:
    _member_or_deny(actor=actor, case=action.case, perm="change")
    if status not in ActionItem.Status.values:
        raise ValidationError({"status": _("Onbekende status.")})
    action.status = status
    action.save(update_fields=["status", "updated_at"])
    audit.record_write(actor=actor, action="cases.action_status", obj=action, summary=status)
    return action


# --- Plan of approach and exit plan ---------------------------------------------


@transaction.atomic
def intervention_add(
    *, actor, case: Case, track: str, instrument, description: str, responsible_organisation, due_date=None
) -> Intervention:
    _member_or_deny(actor=actor, case=case, perm="change")
    if track not in Track.values:
        raise ValidationError({"track": _("Kies een spoor.")})
    if instrument is None or not instrument.active:
        raise ValidationError({"instrument": _("Kies een actief juridisch instrument.")})
    if instrument.track != track:
        raise ValidationError({"instrument": _("Dit instrument hoort bij een ander spoor.")})
    if responsible_organisation is None:
        raise ValidationError({"responsible_organisation": _("Kies de verantwoordelijke partner.")})
    description = (description or "").strip()
    if not description:
        raise ValidationError({"description": _("Beschrijf de interventie.")})
    intervention = Intervention.objects.create(
        case=case,
        track=track,
        instrument=instrument,
        description=description[:500],
        responsible_organisation=responsible_organisation,
        due_date=due_date,
        created_by=actor,
    )
    audit.record_write(actor=actor, action="cases.intervention_added", obj=intervention, summary=instrument.code)
    return intervention


@transaction.atomic
def exit_goal_add(*, actor, case: Case, domain: str, goal: str, responsible_partner) -> ExitGoal:
    _member_or_deny(actor=actor, case=case, perm="change")
    if case.case_type != CaseType.YOUTH:
        raise ValidationError(_("Een exitplan hoort alleen bij een jongerencasus."))
    from .models import LifeDomain

    if domain not in LifeDomain.values:
        raise ValidationError({"domain": _("Kies een levensdomein.")})
    goal = (goal or "").strip()
    if not goal:
        raise ValidationError({"goal": _("Beschrijf het doel.")})
    if responsible_partner is None:
        raise ValidationError({"responsible_partner": _("Kies de verantwoordelijke partner.")})
    row = ExitGoal.objects.create(
        case=case, domain=domain, goal=goal[:500], responsible_partner=responsible_partner, created_by=actor
    )
    audit.record_write(actor=actor, action="cases.exit_goal_added", obj=row, summary=domain)
    return row


# --- Two-phase list ---------------------------------------------------------------


def _twophase_allowed(actor) -> bool:
    org = getattr(actor, "organisation", None)
    return actor.has_perm("cases.view_twophasefile") and org is not None and org.kind in ("police", "prosecutor")


@transaction.atomic
def twophase_propose(*, actor, judicial_reference: str, summary: str) -> TwoPhaseFile:
    if not _twophase_allowed(actor) or not actor.has_perm("cases.add_twophasefile"):
        raise PermissionDenied
    ref, summary = (judicial_reference or "").strip(), (summary or "").strip()
    if not ref or not summary:
        raise ValidationError(_("Notitienummer en omschrijving zijn verplicht."))
    row = TwoPhaseFile.objects.create(judicial_reference=ref[:60], summary=summary[:500], proposed_by=actor)
    audit.record_write(actor=actor, action="cases.twophase_proposed", obj=row)
    return row


@transaction.atomic
def twophase_decide(*, actor, row: TwoPhaseFile, phase: str, legal_ground: LegalGround | None = None) -> TwoPhaseFile:
    """Decide on a two-phase file. "Transferred" (fit for an administrative
    approach) opens the OBH case at once: a neutral title from the judicial
    reference, the chosen legal ground (default art. 458ter Sw.), the decider
    as owner and the proposer and the earlier decider as partners, and links
    the file to it."""
    if not _twophase_allowed(actor) or not actor.has_perm("cases.change_twophasefile"):
        raise PermissionDenied
    if phase not in (TwoPhaseFile.Phase.SELECTED, TwoPhaseFile.Phase.REJECTED, TwoPhaseFile.Phase.TRANSFERRED):
        raise ValidationError(_("Onbekende fase."))
    row = TwoPhaseFile.objects.select_for_update().get(pk=row.pk)
    if row.phase == TwoPhaseFile.Phase.TRANSFERRED:
        raise ValidationError(_("Dit dossier is al overgedragen."))
    earlier_decider = row.decided_by
    if phase == TwoPhaseFile.Phase.TRANSFERRED:
        if legal_ground is None:
            legal_ground = LegalGround.objects.filter(code="art-458ter-sw", active=True).first()
        row.case = case_open(
            actor=actor,
            case_type=CaseType.OBH,
            title=(_("Tweefasendossier %(ref)s") % {"ref": row.judicial_reference})[:120],
            legal_ground=legal_ground,
            note=_("Overgedragen vanuit de tweefasenlijst."),
        )
        for user in (row.proposed_by, earlier_decider):
            if (
                user is not None
                and user.is_active
                and user.pk != actor.pk
                and user.has_perm(PARTICIPATE_PERMISSION[CaseType.OBH])
                and selectors.membership(user=user, case=row.case) is None
            ):
                case_member_add(
                    actor=actor, case=row.case, user=user, role=CaseMember.Role.PARTNER, legal_ground=legal_ground
                )
    row.phase, row.decided_by, row.decided_at = phase, actor, timezone.now()
    row.save(update_fields=["phase", "decided_by", "decided_at", "case", "updated_at"])
    audit.record_write(actor=actor, action="cases.twophase_decided", obj=row, summary=phase)
    return row


# --- Status of interventions and exit-plan goals ------------------------------------


def _step_status(*, actor, item, transitions: dict, history, history_fk: str, action: str, to_status: str, note: str):
    """Move a plan item (intervention or exit goal) one allowed step along its
    flow, append the step to its history and audit it."""
    _member_or_deny(actor=actor, case=item.case, perm="change")
    item = type(item).objects.select_for_update().get(pk=item.pk)
    status = type(item).Status
    if to_status not in transitions.get(item.status, ()):
        raise ValidationError(
            _("Van ‘%(a)s’ naar ‘%(b)s’ is geen toegelaten stap.")
            % {"a": status(item.status).label, "b": dict(status.choices).get(to_status, to_status)}
        )
    history.objects.create(
        **{history_fk: item},
        from_status=item.status,
        to_status=to_status,
        changed_by=actor,
        changed_at=timezone.now(),
        note=(note or "").strip()[:500],
    )
    item.status = to_status
    item.save(update_fields=["status", "updated_at"])
    audit.record_write(actor=actor, action=action, obj=item, summary=f"to {to_status}")
    return item


@transaction.atomic
def intervention_set_status(*, actor, intervention: Intervention, to_status: str, note: str = "") -> Intervention:
    """Move an intervention along its flow (gepland -> lopend -> uitgevoerd /
    niet uitgevoerd); the change is appended to its history."""
    return _step_status(
        actor=actor,
        item=intervention,
        transitions=INTERVENTION_TRANSITIONS,
        history=InterventionStatusChange,
        history_fk="intervention",
        action="cases.intervention_status",
        to_status=to_status,
        note=note,
    )


@transaction.atomic
def exit_goal_set_status(*, actor, goal: ExitGoal, to_status: str, note: str = "") -> ExitGoal:
    """Mark an exit-plan goal reached or not reached (or open again); appended to its history."""
    return _step_status(
        actor=actor,
        item=goal,
        transitions=EXIT_GOAL_TRANSITIONS,
        history=ExitGoalStatusChange,
        history_fk="goal",
        action="cases.exit_goal_status",
        to_status=to_status,
        note=note,
    )


# --- Linked signals -------------------------------------------------------------------


def _may_link_signals(*, actor, case: Case) -> CaseMember:
    member = _member_or_deny(actor=actor, case=case, perm="change")
    if not actor.has_perm("cases.link_signal"):
        raise PermissionDenied
    return member


@transaction.atomic
def case_signal_link(*, actor, case: Case, signal, note: str = "") -> CaseSignalLink:
    """Link a signal the actor may see in full to a case he may change. The
    circle gains nothing on the signal: each member sees its content only if
    the signals app lets him; the others see the reference and the note."""
    from schakel.signals import selectors as signal_selectors

    _may_link_signals(actor=actor, case=case)
    if signal is None or not signal_selectors.signals_visible_to(actor).filter(pk=signal.pk).exists():
        raise PermissionDenied
    if signal.is_youth and case.case_type != CaseType.YOUTH:
        raise ValidationError(_("Een jongerensignaal kan alleen aan een jongerencasus gekoppeld worden."))
    case = Case.objects.select_for_update().get(pk=case.pk)
    if signal.pk in selectors.linked_signal_ids(case=case):
        raise ValidationError(_("Dit signaal is al aan de casus gekoppeld."))
    row = CaseSignalLink.objects.create(
        case=case,
        signal_id=signal.pk,
        signal_reference=signal.reference,
        action=CaseSignalLink.Action.LINKED,
        note=(note or "").strip()[:500],
        actor=actor,
        at=timezone.now(),
    )
    audit.record_write(actor=actor, action="cases.signal_linked", obj=case, summary=f"signal {signal.pk}")
    return row


@transaction.atomic
def case_open_from_signal(
    *, actor, signal, case_type: str, title: str, legal_ground: LegalGround | None, link_note: str = ""
) -> Case:
    """Open a case from a signal and link the signal to it, in one
    transaction: a refused link (signal not visible in full, a youth signal
    for a non-youth case) leaves no case behind. The signal's content (and a
    youth signal's identifier) is not copied into the case: the link gives
    the circle what ``case_signal_link`` gives, nothing more."""
    if not actor.has_perm("cases.link_signal"):
        raise PermissionDenied
    case = case_open(actor=actor, case_type=case_type, title=title, legal_ground=legal_ground)
    case_signal_link(actor=actor, case=case, signal=signal, note=link_note)
    return case


@transaction.atomic
def case_signal_unlink(*, actor, case: Case, signal_id: int, note: str = "") -> CaseSignalLink:
    """Unlink a signal: a new history row; the link row stays."""
    _may_link_signals(actor=actor, case=case)
    case = Case.objects.select_for_update().get(pk=case.pk)
    current = selectors.linked_signal_rows(case=case).get(signal_id)
    if current is None:
        raise ValidationError(_("Dit signaal is niet (meer) aan de casus gekoppeld."))
    row = CaseSignalLink.objects.create(
        case=case,
        signal_id=signal_id,
        signal_reference=current.signal_reference,
        action=CaseSignalLink.Action.UNLINKED,
        note=(note or "").strip()[:500],
        actor=actor,
        at=timezone.now(),
    )
    audit.record_write(actor=actor, action="cases.signal_unlinked", obj=case, summary=f"signal {signal_id}")
    return row


# --- Retention rules -------------------------------------------------------------------


@transaction.atomic
def retention_rule_save(*, actor, rule, months_after_close: int, legal_basis: str):
    """Edit the retention period of a case type (reference data), audited."""
    if not actor.has_perm("cases.change_caseretentionrule"):
        raise PermissionDenied
    legal_basis = (legal_basis or "").strip()
    if not legal_basis:
        raise ValidationError({"legal_basis": _("Vermeld de grondslag van de termijn.")})
    if months_after_close is None or months_after_close < 1:
        raise ValidationError({"months_after_close": _("Geef een termijn van minstens 1 maand.")})
    before = rule.months_after_close
    rule.months_after_close, rule.legal_basis = months_after_close, legal_basis[:300]
    rule.save(update_fields=["months_after_close", "legal_basis", "updated_at"])
    audit.record_write(
        actor=actor, action="cases.retention_rule_saved", obj=rule, summary=f"{before} -> {months_after_close} months"
    )
    return rule
