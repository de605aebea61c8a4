"""Writes of the signals app.

Every function is keyword-only, runs in a transaction, checks its permission
and writes an audit event. The process side (status, team, deadlines of the
current step) follows the BPMN instance through ``_on_process``.
"""

from __future__ import annotations

import contextvars
import hashlib
import logging
import secrets
import smtplib
from datetime import datetime, timedelta

from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext as _

from schakel.audit import services as audit
from schakel.legal.models import LegalGround
from schakel.places import geo
from schakel.places import selectors as places
from schakel.workflows import services as workflows
from schakel.workflows.models import ProcessInstance, WorkItem

from .models import (
    Attachment,
    Category,
    DeadlineReminder,
    DeletionProof,
    FeedbackReview,
    Invitation,
    RoutingRule,
    Signal,
    SignalAccess,
    SignalEvent,
)
from .uploads import check_uploads

logger = logging.getLogger(__name__)

TRIAGE_PROCESS = "signaal_triage"
YOUTH_PROCESS = "jongeren_vroegdetectie"
INTAKE_LANE = "Intake en triage"
SUBJECT = "signals.signal"
ROUTES = {"obh", "politie", "stad", "osp"}
# Choices that end a signal without follow-up: they need a written reason.
CLOSING_CHOICES = {"afsluiten", "geen_zorg"}
MAX_DESCRIPTION = 5000


def _feedback_text() -> str:
    # Deliberately says nothing about what happens next (brief: never reveal).
    return _("Bedankt voor uw melding. Ze werd ontvangen en behandeld.")


def route_for(*, category: Category, area) -> RoutingRule | None:
    """The first active rule matching the category (or its parent) and the area."""
    cats = [category.pk] + ([category.parent_id] if category.parent_id else [])
    return (
        RoutingRule.objects.select_related("team")
        .filter(active=True)
        .filter(Q(category__isnull=True) | Q(category__in=cats))
        .filter(Q(area__isnull=True) | Q(area=area) if area else Q(area__isnull=True))
        .order_by("order", "pk")
        .first()
    )


def _event(signal, *, kind, actor=None, status="", team=None, text="", legal_ground=None):
    SignalEvent.objects.create(
        signal=signal,
        at=timezone.now(),
        kind=kind,
        actor=actor,
        status=status,
        team=team,
        text=text,
        legal_ground=legal_ground,
    )


# The legal ground the user chose while completing a step: the process
# receiver needs it when that step hands the signal to another organisation.
_step_ground: contextvars.ContextVar[LegalGround | None] = contextvars.ContextVar("signals_step_ground", default=None)
_step_actor: contextvars.ContextVar = contextvars.ContextVar("signals_step_actor", default=None)


def legal_ground_check(legal_ground: LegalGround | None) -> LegalGround:
    """The chosen ground, active; ValidationError (field ``legal_ground``) otherwise."""
    if legal_ground is None:
        raise ValidationError(
            {
                "legal_ground": _(
                    "Deze stap geeft het signaal door aan een andere organisatie: kies de rechtsgrond die dit toelaat."
                )
            }
        )
    if not legal_ground.active:
        raise ValidationError({"legal_ground": _("Deze rechtsgrond is niet meer actief.")})
    return legal_ground


def _set_status(signal: Signal, status: str, *, actor=None) -> None:
    if signal.status != status:
        signal.status = status
        _event(signal, kind=SignalEvent.Kind.STATUS, status=status, actor=actor)


def _clean_text(value: str, *, limit: int, field: str) -> str:
    value = (value or "").replace("\x00", "").strip()
    if len(value) > limit:
        raise ValidationError({field: _("Maximaal %(n)s tekens.") % {"n": limit}})
    return value


def _may_report(actor, invitation) -> bool:
    if invitation is not None:
        return True
    return bool(actor and actor.is_authenticated and actor.has_perm("signals.add_signal"))


@transaction.atomic
def signal_create(
    *,
    actor,
    category: Category,
    description: str,
    observed_at: datetime,
    channel: str = Signal.Channel.STAFF,
    address=None,
    lat: float | None = None,
    lon: float | None = None,
    location_text: str = "",
    subjects_text: str = "",
    youth_identifier: str = "",
    confidentiality: str = Signal.Confidentiality.NORMAL,
    attachments=(),
    invitation: Invitation | None = None,
    reporter_organisation: str = "",
    reporter_function: str = "",
    reporter_contact: str = "",
    is_demo: bool = False,
) -> Signal:
    """Register a signal and start its triage process.

    Staff need ``signals.add_signal``; a partner submission passes a checked
    ``invitation`` instead (actor None). Raises ValidationError (nothing is
    stored) for bad input: empty or too long text, a date in the future, a
    location outside Belgium, personal details on a youth signal beyond the
    minimum, an attachment that is too large or not what its name says.
    """
    if not _may_report(actor, invitation):
        raise PermissionDenied
    errors = {}
    description = _clean_text(description, limit=MAX_DESCRIPTION, field="description")
    if not description:
        errors["description"] = _("Beschrijf wat u hebt vastgesteld.")
    if category is None or not category.active:
        errors["category"] = _("Kies een actieve categorie.")
    now = timezone.now()
    if observed_at is None or timezone.is_naive(observed_at):
        errors["observed_at"] = _("Geef aan wanneer u dit vaststelde.")
    elif observed_at > now + timedelta(minutes=10):
        errors["observed_at"] = _("Het tijdstip ligt in de toekomst.")
    elif observed_at < now - timedelta(days=3 * 365):
        errors["observed_at"] = _("Het tijdstip ligt meer dan drie jaar terug.")
    if confidentiality not in Signal.Confidentiality.values:
        errors["confidentiality"] = _("Kies een vertrouwelijkheidsniveau.")
    youth = bool(category and category.youth)
    subjects_text = _clean_text(subjects_text, limit=2000, field="subjects_text")
    youth_identifier = _clean_text(youth_identifier, limit=80, field="youth_identifier")
    if youth and subjects_text:
        errors["subjects_text"] = _(
            "Bij een jongerensignaal noteert u alleen voornaam of initialen en geboortejaar, geen andere personen."
        )
    if not youth and youth_identifier:
        errors["youth_identifier"] = _("Alleen bij een jongerensignaal.")
    if (lat is None) != (lon is None):
        errors["lat"] = _("Geef zowel breedte- als lengtegraad.")
    elif lat is not None and not geo.in_belgium(lat, lon):
        errors["lat"] = _("Deze plaats ligt niet in België.")
    if errors:
        raise ValidationError(errors)
    files = check_uploads(attachments)

    if address is not None:
        lat, lon, x, y = address.lat, address.lon, address.x, address.y
    elif lat is not None:
        x, y = geo.to_lambert(lat, lon)
    else:
        x = y = None
    area = places.area_containing(lat=lat, lon=lon) if lat is not None else None
    rule = route_for(category=category, area=area)
    team = rule.team if rule else None
    signal = Signal.objects.create(
        channel=channel,
        reporter=actor if actor is not None and actor.is_authenticated else None,
        invitation=invitation,
        reporter_organisation=_clean_text(reporter_organisation, limit=160, field="reporter_organisation"),
        reporter_function=_clean_text(reporter_function, limit=160, field="reporter_function"),
        reporter_contact=_clean_text(reporter_contact, limit=200, field="reporter_contact"),
        observed_at=observed_at,
        category=category,
        address=address,
        area=area,
        location_text=_clean_text(location_text, limit=200, field="location_text"),
        lat=lat,
        lon=lon,
        x=x,
        y=y,
        cell=geo.cell_of(x, y) if x is not None else None,
        description=description,
        subjects_text=subjects_text,
        youth_identifier=youth_identifier,
        confidentiality=confidentiality,
        team=team,
        triage_due_at=now + timedelta(days=category.setting("triage_days", 5)),
        is_demo=is_demo,
    )
    _event(signal, kind=SignalEvent.Kind.STATUS, status=signal.status, actor=signal.reporter, team=team)
    for f in files:
        att = Attachment(
            signal=signal, original_name=f.name, content_type=f.content_type, size=len(f.data), sha256=f.sha256
        )
        att.file.save(f.sha256[:16], ContentFile(f.data), save=False)
        att.save()
    # The process receiver below updates this very object (no re-read) and
    # links the instance to it.
    token = _creating.set(signal)
    try:
        instance = workflows.instance_start(
            actor=signal.reporter,
            key=TRIAGE_PROCESS,
            subject_type=SUBJECT,
            subject_id=str(signal.pk),
            data={"jeugd": youth},
            team_overrides={INTAKE_LANE: team.pk} if team else None,
            record=False,
        )
    finally:
        _creating.reset(token)
    # One audit event for the intake: the signal and the process it started.
    audit.record_write(
        actor=signal.reporter,
        action="signals.signal_created",
        obj=signal,
        summary=(
            f"channel {channel}, category {category.code}; process {instance.definition.key} "
            f"v{instance.definition.version} instance {instance.pk} started"
        ),
    )
    return signal


# The signal being created: the process receiver works on this object.
_creating: contextvars.ContextVar[Signal | None] = contextvars.ContextVar("signals_creating", default=None)


@receiver(workflows.process_advanced)
def _on_process(sender, instance: ProcessInstance, event: str, **kwargs) -> None:
    """Follow the process: status, team and deadline of the current step, the
    youth process after routing to the OSP, feedback at the end."""
    if instance.subject_type != SUBJECT:
        return
    signal = _creating.get()
    if signal is None or str(signal.pk) != instance.subject_id:
        signal = Signal.objects.select_related("category__parent", "team").filter(pk=int(instance.subject_id)).first()
    if signal is None:
        return
    if signal.instance_id is None and instance.definition.key == TRIAGE_PROCESS:
        signal.instance = instance
    now = timezone.now()
    data = instance.data
    key = instance.definition.key
    if key == TRIAGE_PROCESS:
        closing = "afsluiten" in (data.get("beoordeling"), data.get("privacy"), data.get("route"))
        if signal.triaged_at is None and (closing or data.get("route") in ROUTES):
            signal.triaged_at = now
            if not closing:
                _set_status(signal, Signal.Status.ROUTED)
        if data.get("jeugdproces") == "start" and signal.youth_instance_id is None:
            youth = workflows.instance_start(
                actor=None, key=YOUTH_PROCESS, subject_type=SUBJECT, subject_id=str(signal.pk), data={}
            )
            signal.youth_instance = youth
            signal.refresh_from_db(fields=["team", "current_task", "task_due_at", "status"])
            _set_status(signal, Signal.Status.FOLLOW_UP)
        if event == "completed":
            if data.get("terugkoppeling") == "verzonden" and not signal.feedback:
                signal.feedback = _feedback_text()
            if closing:
                _set_status(signal, Signal.Status.CLOSED_NO_FOLLOWUP)
                signal.closed_at = now
            elif signal.youth_instance_id is None:
                _set_status(signal, Signal.Status.CLOSED)
                signal.closed_at = now
    elif key == YOUTH_PROCESS and event == "completed":
        _set_status(
            signal, Signal.Status.CLOSED_NO_FOLLOWUP if data.get("beslissing") == "geen_zorg" else Signal.Status.CLOSED
        )
        signal.closed_at = now
    # The current step: the open work item of the signal's processes, if any
    # (the sender passes this instance's open items: no query when it is the
    # signal's only process).
    open_items = kwargs.get("open_items")
    if open_items is not None and ({signal.instance_id, signal.youth_instance_id} - {None, instance.pk}) == set():
        item = open_items[-1] if open_items else None
    else:
        item = (
            WorkItem.objects.select_related("team__organisation")
            .filter(instance_id__in={instance.pk, signal.instance_id, signal.youth_instance_id} - {None})
            .filter(status=WorkItem.Status.OPEN)
            .order_by("-pk")
            .first()
        )
    if item is None:
        signal.current_task = ""
        signal.task_due_at = None
    else:
        if item.team_id and item.team_id != signal.team_id:
            previous = signal.team
            signal.team = item.team
            ground = None
            if previous is not None and previous.organisation_id != item.team.organisation_id:
                # A disclosure to another organisation: only on the legal ground
                # the user chose for this step (nothing is stored without one).
                ground = legal_ground_check(_step_ground.get())
                audit.record_disclosure(
                    actor=_step_actor.get(),
                    obj=signal,
                    recipient_organisation=item.team.organisation,
                    legal_ground=str(ground),
                    purpose=_("opvolging van een signaal"),
                    summary=f"legal ground {ground.code}; unit {item.team_id}",
                )
            _event(signal, kind=SignalEvent.Kind.ASSIGNMENT, team=item.team, legal_ground=ground)
        if item.team_id:
            # One INSERT ... ON CONFLICT DO NOTHING (the pair is unique).
            SignalAccess.objects.bulk_create([SignalAccess(signal=signal, team_id=item.team_id)], ignore_conflicts=True)
        signal.current_task = item.name
        signal.task_due_at = item.due_at
    signal.save()


def _visible_work_item(actor, signal: Signal, item_pk: int) -> WorkItem:
    from .selectors import signal_get_for

    signal_get_for(user=actor, pk=signal.pk)  # 404 if not visible
    item = (
        WorkItem.objects.select_related("instance")
        .filter(pk=item_pk, instance_id__in=[signal.instance_id, signal.youth_instance_id])
        .first()
    )
    if item is None:
        raise PermissionDenied
    return item


@transaction.atomic
def signal_task_complete(
    *,
    actor,
    signal: Signal,
    item_pk: int,
    choice: str = "",
    note: str = "",
    legal_ground: LegalGround | None = None,
    feedback: str = "",
) -> WorkItem:
    """Complete the current step of the signal's process.

    Needs ``signals.triage_signal``, visibility of the signal and membership of
    the step's team. Closing choices need a written reason (``note``). A step
    that hands the signal to a team of another organisation needs an active
    ``legal_ground`` (schakel.legal); the disclosure event records it.

    ``feedback`` is an optional text for the reporter, written by the handler
    on the step that closes the signal; once someone else approved it
    (``feedback_approve``) it replaces the fixed thank-you text the reporter
    reads. Refused for youth signals (ADR 0302:
    fixed text only) and when the step does not close the signal.
    """
    if not actor.has_perm("signals.triage_signal"):
        raise PermissionDenied
    item = _visible_work_item(actor, signal, item_pk)
    note = _clean_text(note, limit=2000, field="note")
    feedback = _clean_text(feedback, limit=300, field="feedback")
    if feedback and signal.is_youth:
        raise ValidationError(
            {"feedback": _("Bij een jongerensignaal krijgt de melder alleen de vaste terugkoppeling.")}
        )
    if choice in CLOSING_CHOICES and not note:
        raise ValidationError(
            {"note": _("Geef de reden waarom het signaal zonder verdere opvolging wordt afgesloten.")}
        )
    if legal_ground is not None:
        legal_ground_check(legal_ground)
    ground_token = _step_ground.set(legal_ground)
    actor_token = _step_actor.set(actor)
    try:
        done = workflows.work_item_complete(actor=actor, item=item, choice=choice)
    finally:
        _step_ground.reset(ground_token)
        _step_actor.reset(actor_token)
    signal.refresh_from_db()
    _event(signal, kind=SignalEvent.Kind.TASK, actor=actor, text=f"{item.name}: {choice}" if choice else item.name)
    if note:
        _event(signal, kind=SignalEvent.Kind.NOTE, actor=actor, text=note)
    audit.record_write(
        actor=actor, action="signals.signal_step_completed", obj=signal, summary=f"{item.bpmn_id}: {choice}"
    )
    if feedback:
        if signal.closed_at is None:
            # Nothing is sent while the signal is still being handled: the
            # whole step is undone and the form shown again.
            raise ValidationError(
                {
                    "feedback": _(
                        "Een terugkoppeling aan de melder kan alleen bij een beslissing die het signaal afsluit. "
                        "Kies zo'n beslissing of laat het veld leeg."
                    )
                }
            )
        # Proposed only: the reporter reads it after review (feedback_propose, end of module).
        feedback_propose(actor=actor, signal=signal, text=feedback)
    return done


@transaction.atomic
def signal_note_add(*, actor, signal: Signal, text: str) -> SignalEvent:
    """Append a note (needs ``signals.triage_signal`` and visibility)."""
    from .selectors import signal_get_for

    if not actor.has_perm("signals.triage_signal"):
        raise PermissionDenied
    signal_get_for(user=actor, pk=signal.pk)
    text = _clean_text(text, limit=2000, field="text")
    if not text:
        raise ValidationError({"text": _("De notitie is leeg.")})
    event = SignalEvent.objects.create(
        signal=signal, at=timezone.now(), kind=SignalEvent.Kind.NOTE, actor=actor, text=text
    )
    audit.record_write(actor=actor, action="signals.note_added", obj=signal, summary="note")
    return event


# --- invitations --------------------------------------------------------


class InvitationError(Exception):
    """Unknown, forged, revoked or expired token; or rate limit reached."""

    def __init__(self, message, *, status=403, invitation=None, retry_at=None):
        super().__init__(message)
        self.status = status
        self.invitation = invitation
        self.retry_at = retry_at


def reporter_contact(invitation: Invitation | None) -> str:
    """Whom a partner can reach when reporting through the link fails: the
    contact of the link, else the installation's ``SIGNALS_FALLBACK_CONTACT``
    setting (empty when not configured)."""
    from django.conf import settings

    return (invitation.contact if invitation else "") or getattr(settings, "SIGNALS_FALLBACK_CONTACT", "")


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@transaction.atomic
def invitation_create(
    *,
    actor,
    label: str,
    organisation_name: str,
    channel: str = Invitation.Channel.PARTNER,
    days_valid: int = 30,
    max_per_hour: int = 5,
    contact: str = "",
) -> tuple[Invitation, str]:
    """Create an invitation link; returns (invitation, token). The token is
    shown once; only its hash is stored. Needs ``signals.manage_invitation``."""
    if not actor.has_perm("signals.manage_invitation"):
        raise PermissionDenied
    label = _clean_text(label, limit=160, field="label")
    organisation_name = _clean_text(organisation_name, limit=160, field="organisation_name")
    contact = _clean_text(contact, limit=200, field="contact")
    if not label or not organisation_name:
        raise ValidationError(_("Omschrijving en organisatie zijn verplicht."))
    if not 1 <= days_valid <= 365:
        raise ValidationError({"days_valid": _("Tussen 1 en 365 dagen.")})
    if not 1 <= max_per_hour <= 100:
        raise ValidationError({"max_per_hour": _("Tussen 1 en 100.")})
    if channel not in Invitation.Channel.values:
        raise ValidationError({"channel": _("Onbekend kanaal.")})
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        label=label,
        organisation_name=organisation_name,
        channel=channel,
        token_hash=_hash(token),
        expires_at=timezone.now() + timedelta(days=days_valid),
        max_per_hour=max_per_hour,
        contact=contact,
        created_by=actor,
    )
    audit.record_write(
        actor=actor, action="signals.invitation_created", obj=invitation, summary=f"valid {days_valid} days"
    )
    return invitation, token


@transaction.atomic
def invitation_revoke(*, actor, invitation: Invitation) -> None:
    """Revoke a link the actor may revoke (``selectors.invitations_revocable_by``:
    one of the actor's team, or any for the functional administrator)."""
    from .selectors import invitations_revocable_by

    if not invitations_revocable_by(actor).filter(pk=invitation.pk).exists():
        raise PermissionDenied
    invitation.revoked = True
    invitation.save(update_fields=["revoked", "updated_at"])
    audit.record_write(actor=actor, action="signals.invitation_revoked", obj=invitation)


def invitation_check(*, token: str, lock: bool = False) -> Invitation:
    """The invitation of ``token``; InvitationError if it is unknown, revoked or expired."""
    if not token or len(token) > 100:
        raise InvitationError(_("Deze link is ongeldig."), status=404)
    qs = Invitation.objects.select_for_update() if lock else Invitation.objects
    invitation = qs.filter(token_hash=_hash(token)).first()
    if invitation is None:
        raise InvitationError(_("Deze link is ongeldig."), status=404)
    if invitation.revoked or invitation.expires_at <= timezone.now():
        raise InvitationError(
            _("Deze link is verlopen. Vraag een nieuwe link aan uw contactpersoon."), status=410, invitation=invitation
        )
    return invitation


@transaction.atomic
def partner_signal_submit(*, token: str, **fields) -> Signal:
    """A partner's report through an invitation link (no account).

    Refuses an unknown/expired token and more than ``max_per_hour`` reports
    per link per hour (the row lock makes the count exact under concurrency).
    """
    invitation = invitation_check(token=token, lock=True)
    window = Signal.objects.filter(invitation=invitation, created_at__gte=timezone.now() - timedelta(hours=1))
    recent = window.count()
    if recent >= invitation.max_per_hour:
        # A report fits again once enough of the last hour's reports are an hour old.
        times = list(window.order_by("created_at").values_list("created_at", flat=True))
        retry_at = times[recent - invitation.max_per_hour] + timedelta(hours=1, minutes=1)
        raise InvitationError(
            _("Via deze link werden het voorbije uur te veel meldingen gedaan. Probeer het later opnieuw."),
            status=429,
            invitation=invitation,
            retry_at=retry_at,
        )
    channel = Signal.Channel.SECTOR if invitation.channel == Invitation.Channel.SECTOR else Signal.Channel.PARTNER
    fields.setdefault("reporter_organisation", invitation.organisation_name)
    return signal_create(actor=None, invitation=invitation, channel=channel, **fields)


# --- retention ----------------------------------------------------------


def _months_ago(now: datetime, months: int) -> datetime:
    return now - timedelta(days=int(months * 30.44))


@transaction.atomic
def retention_run(*, now: datetime | None = None, dry_run: bool = False) -> int:
    """Delete closed signals whose retention period (per category) has passed,
    keeping a DeletionProof without content. Returns the number deleted.
    System action (command ``signals_retention``)."""
    now = now or timezone.now()
    deleted = 0
    for category in Category.objects.select_related("parent"):
        for status, field, default in (
            (Signal.Status.CLOSED_NO_FOLLOWUP, "retention_months_no_followup", 6),
            (Signal.Status.CLOSED, "retention_months", 60),
        ):
            months = category.setting(field, default)
            expired = Signal.objects.filter(category=category, status=status, closed_at__lt=_months_ago(now, months))
            for signal in expired.iterator():
                if dry_run:
                    deleted += 1
                    continue
                content = "|".join(
                    [signal.description, signal.subjects_text, signal.youth_identifier, signal.location_text]
                )
                DeletionProof.objects.create(
                    signal_reference=signal.reference,
                    category_code=category.code,
                    created_month=signal.created_at.strftime("%Y-%m"),
                    closed_at=signal.closed_at,
                    status=signal.status,
                    rule=f"{field}={months}",
                    content_sha256=hashlib.sha256(content.encode("utf-8")).hexdigest(),
                    deleted_at=now,
                )
                for att in signal.attachments.all():
                    att.file.delete(save=False)
                audit.record_write(
                    actor=None, action="signals.signal_deleted_retention", obj=signal, summary=f"{field}={months}"
                )
                # History rows are append-only; retention removes them on purpose.
                SignalEvent.objects.filter(signal=signal)._raw_delete(SignalEvent.objects.db)
                instances = [pk for pk in (signal.instance_id, signal.youth_instance_id) if pk]
                Signal.objects.filter(pk=signal.pk).delete()
                ProcessInstance.objects.filter(pk__in=instances).delete()
                deleted += 1
    return deleted


# --- reference data -----------------------------------------------------


RULE_STEP = 10


def _renumber_rules(*, keep_first=None) -> int:
    """Give the rules the orders 10, 20, 30... in their current order (order,
    then ``keep_first`` before others with the same order, then pk): no gaps, no
    ties, so the table shows exactly the order in which rules are tried.
    Returns how many rules got a new number."""
    rules = list(RoutingRule.objects.select_for_update().order_by("order", "pk"))
    if keep_first is not None:
        rules.sort(key=lambda r: (r.order, r.pk != keep_first.pk))
    changed = 0
    for i, rule in enumerate(rules, start=1):
        if rule.order != i * RULE_STEP:
            rule.order = i * RULE_STEP
            rule.save(update_fields=["order", "updated_at"])
            changed += 1
    return changed


@transaction.atomic
def settings_save(*, actor, form):
    """Save a validated category or routing-rule form (needs
    ``signals.manage_signal_settings``). Routing rules are renumbered after a
    save (10, 20, 30...); a rule saved with the order of another comes first."""
    if not actor.has_perm("signals.manage_signal_settings"):
        raise PermissionDenied
    obj = form.save()
    summary = ""
    if isinstance(obj, RoutingRule):
        _renumber_rules(keep_first=obj)
        obj.refresh_from_db(fields=["order"])
        summary = f"order {obj.order}"
    audit.record_write(actor=actor, action=f"signals.{obj._meta.model_name}_saved", obj=obj, summary=summary)
    return obj


@transaction.atomic
def routing_rule_delete(*, actor, rule: RoutingRule) -> int:
    """Delete a routing rule (needs ``signals.manage_signal_settings``) and
    renumber the others so their order stays 10, 20, 30... Signals already
    routed keep their team. Returns how many rules were renumbered."""
    if not actor.has_perm("signals.manage_signal_settings"):
        raise PermissionDenied
    rule = RoutingRule.objects.select_for_update().get(pk=rule.pk)
    audit.record_write(
        actor=actor,
        action="signals.routingrule_deleted",
        obj=rule,
        summary=(
            f"order {rule.order}, category {rule.category.code if rule.category else '*'}, "
            f"area {rule.area_id or '*'}, unit {rule.team_id}"
        ),
    )
    rule.delete()
    return _renumber_rules()


# --- deadline reminders ---------------------------------------------------


def _reminder_recipients(item: WorkItem, signal: Signal) -> list:
    """Active members of the step's team who may work on it and see the signal."""
    from schakel.accounts.models import User

    if item.team_id is None:
        return []
    users = User.objects.filter(units=item.team_id, is_active=True).exclude(email="").order_by("pk")
    youth = signal.is_youth
    return [
        u
        for u in users
        if u.has_perm("signals.triage_signal")
        and u.has_perm("workflows.work_on_items")
        and (not youth or u.has_perm("signals.view_youth_signal"))
    ]


def _reminder_mail(*, user, signal: Signal, item: WorkItem, url: str) -> mail.EmailMessage:
    from django.conf import settings
    from django.utils import translation

    # Only the reference, the step and the deadline: no content of the signal
    # leaves Schakel by e-mail.
    with translation.override(getattr(user, "language", "") or settings.LANGUAGE_CODE):
        due = timezone.localtime(item.due_at).strftime("%d-%m-%Y %H:%M")
        subject = _("Schakel: termijn verstreken voor signaal %(ref)s") % {"ref": signal.reference}
        body = _(
            'De termijn voor de stap "%(step)s" van signaal %(ref)s is verstreken op %(due)s.\n'
            "Het signaal wacht in de wachtrij van uw team (%(team)s).\n\n"
            "Open het signaal in Schakel: %(url)s\n\n"
            "U ontvangt deze herinnering één keer per termijn."
        ) % {"step": item.name, "ref": signal.reference, "due": due, "team": item.team.name, "url": url}
    return mail.EmailMessage(subject=subject, body=body, to=[user.email])


def reminders_send(*, now: datetime | None = None, base_url: str = "", fire_timers: bool = True) -> int:
    """Fire due BPMN timers, then e-mail the team of every overdue open step of
    a signal once per deadline. Returns the number of reminders sent.

    Idempotent: a ``DeadlineReminder`` per (work item, deadline) is written in
    the same transaction as the audit event, under a row lock on the work item,
    and a unique constraint refuses a second one; a new deadline (a new step)
    gets its own reminder. The mails are sent inside that transaction: if the
    mail server refuses, nothing is recorded and the next run tries again.
    System action (command ``signals_reminders``, from cron).
    """
    from django.urls import reverse

    now = now or timezone.now()
    if fire_timers:
        workflows.timers_tick(now=now)
    overdue = list(
        WorkItem.objects.filter(
            status=WorkItem.Status.OPEN,
            due_at__lte=now,
            team__isnull=False,
            instance__subject_type=SUBJECT,
        )
        .exclude(pk__in=DeadlineReminder.objects.values("work_item_id"))
        .values_list("pk", flat=True)
        .order_by("due_at", "pk")
    )
    sent = 0
    for pk in overdue:
        try:
            with transaction.atomic():
                item = (
                    WorkItem.objects.select_for_update(of=("self",))
                    .select_related("team", "instance")
                    .filter(pk=pk, status=WorkItem.Status.OPEN)
                    .first()
                )
                if item is None or DeadlineReminder.objects.filter(work_item=item, due_at=item.due_at).exists():
                    continue
                signal = (
                    Signal.objects.select_related("category__parent").filter(pk=int(item.instance.subject_id)).first()
                )
                if signal is None:
                    continue
                users = _reminder_recipients(item, signal)
                url = base_url.rstrip("/") + reverse("signals:detail", args=[signal.pk])
                DeadlineReminder.objects.create(
                    signal=signal,
                    work_item=item,
                    due_at=item.due_at,
                    team=item.team,
                    recipients=len(users),
                    sent_at=now,
                )
                Signal.objects.filter(pk=signal.pk).update(reminded_at=now)
                audit.record_write(
                    actor=None,
                    action="signals.deadline_reminder_sent",
                    obj=signal,
                    summary=f"step {item.bpmn_id}, due {item.due_at.isoformat()}, unit {item.team_id}, "
                    f"{len(users)} recipients",
                )
                if users:
                    messages = [_reminder_mail(user=u, signal=signal, item=item, url=url) for u in users]
                    with mail.get_connection() as connection:
                        connection.send_messages(messages)
                sent += 1
        except IntegrityError:
            # Another run recorded this deadline first.
            continue
        except (smtplib.SMTPException, OSError):
            # Rolled back: no reminder recorded, the next run tries again.
            logger.exception("signals: deadline reminder for work item %s could not be sent", pk)
            continue
    return sent


# --- review of written feedback (four eyes) ---------------------------------


def feedback_propose(*, actor, signal: Signal, text: str) -> None:
    """Record a handler's written feedback as a proposal: the reporter keeps
    reading the fixed sentence until someone else approves it. Called by
    ``signal_task_complete`` inside its transaction, after the checks there.
    A signal handled in the youth early-detection process is about a young
    person whatever its category: fixed text only (ADR 0302); the refusal
    undoes the whole step."""
    if signal.is_youth:
        raise ValidationError(
            {"feedback": _("Bij een jongerensignaal krijgt de melder alleen de vaste terugkoppeling.")}
        )
    signal.feedback_proposed = text
    signal.feedback_proposed_by = actor
    signal.feedback_review = FeedbackReview.PENDING
    signal.save(update_fields=["feedback_proposed", "feedback_proposed_by", "feedback_review", "updated_at"])
    _event(signal, kind=SignalEvent.Kind.FEEDBACK, actor=actor, text=text)
    audit.record_write(
        actor=actor, action="signals.feedback_written", obj=signal, summary="feedback to reporter proposed for review"
    )


def _feedback_under_review(actor, signal: Signal) -> Signal:
    """The signal, locked, if ``actor`` may review its pending feedback now."""
    from .selectors import FULL, signal_get_for

    if not actor.has_perm("signals.review_feedback"):
        raise PermissionDenied
    _visible, level = signal_get_for(user=actor, pk=signal.pk)  # 404 if not visible
    if level != FULL:
        raise PermissionDenied
    locked = Signal.objects.select_for_update(of=("self",)).select_related("category__parent").get(pk=signal.pk)
    if locked.feedback_review != FeedbackReview.PENDING:
        raise ValidationError(_("Deze terugkoppeling werd al nagekeken."))
    if locked.feedback_proposed_by_id == actor.pk:
        # Four eyes: the author of the text never approves or rejects it.
        raise PermissionDenied(_("U schreef deze terugkoppeling zelf; een collega kijkt ze na."))
    return locked


@transaction.atomic
def feedback_approve(*, actor, signal: Signal, text: str | None = None) -> Signal:
    """Approve the proposed feedback (needs ``signals.review_feedback``, full
    visibility and not being its author). ``text`` may edit it: the edit is a
    new history row, the proposal's row stays. Only now does the reporter read
    it (``Signal.feedback``)."""
    locked = _feedback_under_review(actor, signal)
    final = locked.feedback_proposed if text is None else _clean_text(text, limit=300, field="text")
    if not final:
        raise ValidationError({"text": _("De terugkoppeling is leeg. Weiger ze als de melder niets mag lezen.")})
    if locked.is_youth:
        raise ValidationError(_("Bij een jongerensignaal krijgt de melder alleen de vaste terugkoppeling."))
    edited = final != locked.feedback_proposed
    locked.feedback = final
    locked.feedback_review = FeedbackReview.APPROVED
    locked.save(update_fields=["feedback", "feedback_review", "updated_at"])
    _event(locked, kind=SignalEvent.Kind.FEEDBACK_APPROVED, actor=actor, text=final)
    audit.record_write(
        actor=actor,
        action="signals.feedback_approved",
        obj=locked,
        summary="approved with edits" if edited else "approved unchanged",
    )
    return locked


@transaction.atomic
def feedback_reject(*, actor, signal: Signal, reason: str) -> Signal:
    """Reject the proposed feedback with a reason (same rules as approving).
    The reporter keeps the fixed sentence; the reason stays in the history."""
    locked = _feedback_under_review(actor, signal)
    reason = _clean_text(reason, limit=500, field="reason")
    if not reason:
        raise ValidationError({"reason": _("Geef de reden waarom de terugkoppeling geweigerd wordt.")})
    locked.feedback_review = FeedbackReview.REJECTED
    locked.save(update_fields=["feedback_review", "updated_at"])
    _event(locked, kind=SignalEvent.Kind.FEEDBACK_REJECTED, actor=actor, text=reason)
    audit.record_write(actor=actor, action="signals.feedback_rejected", obj=locked, summary="rejected")
    return locked


@transaction.atomic
def feedback_repropose(*, actor, signal: Signal, text: str) -> Signal:
    """After a rejection, the author of the rejected text proposes a new one
    (for instance without the detail the reviewer objected to). It goes
    through review again, by someone else; the rejected text and the reason
    stay in the history."""
    from .selectors import FULL, signal_get_for

    _visible, level = signal_get_for(user=actor, pk=signal.pk)  # 404 if not visible
    if level != FULL:
        raise PermissionDenied
    locked = Signal.objects.select_for_update(of=("self",)).select_related("category__parent").get(pk=signal.pk)
    if locked.feedback_review != FeedbackReview.REJECTED:
        raise ValidationError(_("Alleen een geweigerde terugkoppeling kan opnieuw voorgesteld worden."))
    if locked.feedback_proposed_by_id != actor.pk:
        raise PermissionDenied(_("Alleen wie de geweigerde tekst schreef, stelt een nieuwe voor."))
    text = _clean_text(text, limit=300, field="text")
    if not text:
        raise ValidationError({"text": _("Schrijf de nieuwe tekst voor de melder.")})
    feedback_propose(actor=actor, signal=locked, text=text)
    return locked


# --- status lookup for partners without an account ---------------------------

LOOKUP_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # 32 signs, no 0/O/1/I
LOOKUP_LENGTH = 12  # 60 bits
# Refused lookups per hour before the page refuses everything (429): per
# client address and per reference (a guesser spread over many addresses).
LOOKUP_MAX_FAILURES_PER_CLIENT = 10
LOOKUP_MAX_FAILURES_PER_REFERENCE = 20
LOOKUP_PURPOSE = "status lookup by the reporter (reference and code)"
# Compared against when the reference is unknown or has no code, so that the
# answer takes the same work as a wrong code.
_NO_HASH = "0" * 64


def _lookup_key(purpose: str, value: str) -> str:
    import hmac

    from django.conf import settings

    return hmac.new(settings.SECRET_KEY.encode(), f"{purpose}:{value}".encode(), hashlib.sha256).hexdigest()


def lookup_hash(number: int, code: str) -> str:
    """The stored form of a lookup code: a keyed hash bound to the signal."""
    return _lookup_key("signals.lookup", f"{number}:{_normalise_code(code)}")


def _normalise_code(code: str) -> str:
    return "".join(ch for ch in (code or "")[:60].upper() if ch.isalnum())


def _reference_number(reference: str) -> int | None:
    import re

    match = re.fullmatch(r"\s*(?:S\s*-?\s*)?0*(\d{1,12})\s*", reference or "", flags=re.IGNORECASE)
    return int(match.group(1)) if match else None


def lookup_code_issue(*, signal: Signal) -> str:
    """A new lookup code for ``signal``: returned once (grouped "ABCD-EFGH-
    JKLM"), only its keyed hash is stored."""
    code = "".join(secrets.choice(LOOKUP_ALPHABET) for _ in range(LOOKUP_LENGTH))
    signal.lookup_hash = lookup_hash(signal.pk, code)
    signal.save(update_fields=["lookup_hash", "updated_at"])
    return "-".join(code[i : i + 4] for i in range(0, LOOKUP_LENGTH, 4))


@transaction.atomic
def partner_signal_submit_with_lookup(*, token: str, **fields) -> tuple[Signal, str]:
    """``partner_signal_submit`` plus a lookup code for the partner (no account)."""
    signal = partner_signal_submit(token=token, **fields)
    return signal, lookup_code_issue(signal=signal)


class LookupRefused(Exception):
    """Wrong reference or code (one neutral answer for both), or rate limited."""

    def __init__(self, message, *, status=400, retry_at=None):
        super().__init__(message)
        self.status = status
        self.retry_at = retry_at


def signal_status_lookup(*, reference: str, code: str, client: str | None, now: datetime | None = None) -> dict:
    """The status of the one signal whose reference and lookup code match:
    {"reference", "stage", "feedback"} — the approved written feedback, never
    for youth signals; nothing else about the signal.

    Raises LookupRefused with one neutral message for an unknown reference, a
    signal without a code and a wrong code alike (the same queries and hash
    work in each case, hashes compared in constant time), and status 429 after
    too many refused lookups in the last hour from the client or for the
    reference. Every lookup, allowed or refused, is audited."""
    import hmac

    from .models import LookupAttempt

    now = now or timezone.now()
    number = _reference_number(reference)
    client_key = _lookup_key("signals.lookup.client", client or "unknown")
    since = now - timedelta(hours=1)
    audit_obj = ("signals.signal", str(number) if number else "?")
    refused = None
    with transaction.atomic():
        # Rows are only needed for the hourly counts.
        LookupAttempt.objects.filter(at__lt=now - timedelta(days=1)).delete()
        failures = LookupAttempt.objects.filter(ok=False, at__gte=since)
        by_client = list(failures.filter(client=client_key).order_by("at").values_list("at", flat=True))
        # Counted also for an unreadable reference (number 0 matches nothing): the same queries.
        by_reference = list(failures.filter(signal_number=number or 0).order_by("at").values_list("at", flat=True))

        def until(times, limit):
            return times[len(times) - limit] + timedelta(hours=1, minutes=1) if len(times) >= limit else None

        client_until = until(by_client, LOOKUP_MAX_FAILURES_PER_CLIENT)
        # Too many refusals for the reference (guessing spread over many
        # addresses) refuse every *wrong* code with 429, but a correct code
        # still answers: otherwise a stranger could keep the partner from
        # their own status for an hour. A guesser learns nothing more than
        # from any other attempt (the code has 60 bits).
        reference_until = until(by_reference, LOOKUP_MAX_FAILURES_PER_REFERENCE)
        if client_until:
            audit.record_access(
                actor=None,
                obj=audit_obj,
                purpose=LOOKUP_PURPOSE,
                action="signals.status_lookup_refused",
                summary="rate limited",
            )
            refused = LookupRefused(
                _("Te veel mislukte pogingen. Probeer het later opnieuw."),
                status=429,
                retry_at=max(t for t in (client_until, reference_until) if t),
            )
        else:
            # The same query also for an unreadable reference (no signal has pk 0).
            signal = Signal.objects.select_related("category__parent").filter(pk=number or 0).first()
            stored = signal.lookup_hash if signal is not None and signal.lookup_hash else _NO_HASH
            ok = hmac.compare_digest(stored, lookup_hash(number or 0, code)) and stored != _NO_HASH
            LookupAttempt.objects.create(at=now, client=client_key, signal_number=number, ok=ok)
            if ok:
                stage = signal.reporter_stage
                audit.record_access(
                    actor=None, obj=signal, purpose=LOOKUP_PURPOSE, action="signals.status_lookup", summary=stage
                )
                youth = signal.is_youth
                approved = signal.feedback_review == FeedbackReview.APPROVED
                return {
                    "reference": signal.reference,
                    "stage": stage,
                    "feedback": signal.feedback if approved and not youth else "",
                }
            audit.record_access(
                actor=None,
                obj=audit_obj,
                purpose=LOOKUP_PURPOSE,
                action="signals.status_lookup_refused",
                summary="rate limited" if reference_until else "wrong reference or code",
            )
            if reference_until:
                refused = LookupRefused(
                    _("Te veel mislukte pogingen. Probeer het later opnieuw."), status=429, retry_at=reference_until
                )
            else:
                refused = LookupRefused(
                    _(
                        "Deze combinatie van referentie en opvolgcode kennen we niet. "
                        "Controleer beide en probeer opnieuw."
                    )
                )
    raise refused
