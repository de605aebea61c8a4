from __future__ import annotations

import csv
from datetime import timedelta
from io import BytesIO

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from schakel.audit import services as audit
from schakel.core.exports import safe_row
from schakel.core.forms import apply_validation_error, posted, posted_files
from schakel.legal import selectors as legal
from schakel.places.models import Area
from schakel.workflows.models import LaneTeam, WorkItem
from schakel.workflows.selectors import diagram_for
from schakel.workflows.services import may_work_on

from . import selectors, services
from .forms import (
    CategoryForm,
    FeedbackApproveForm,
    FeedbackRejectForm,
    FeedbackReproposeForm,
    IntakeForm,
    InvitationForm,
    NoteForm,
    PartnerForm,
    QueueFilterForm,
    RoutingRuleForm,
    StatusLookupForm,
)
from .models import Category, FeedbackReview, RoutingRule, SignalEvent


def _signal_fields(data: dict) -> dict:
    keys = [
        "category",
        "observed_at",
        "location_text",
        "description",
        "youth_identifier",
        "subjects_text",
        "attachments",
        "confidentiality",
        "reporter_function",
        "reporter_contact",
        "lat",
        "lon",
    ]
    fields = {k: data[k] for k in keys if k in data and data[k] is not None}
    if data.get("address"):
        fields["address"] = data["address"]
    return fields


@login_required
@permission_required("signals.add_signal", raise_exception=True)
def intake(request):
    form = IntakeForm(posted(request), posted_files(request))
    if request.method == "POST" and form.is_valid():
        try:
            signal = services.signal_create(actor=request.user, **_signal_fields(form.cleaned_data))
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Signaal %(ref)s is geregistreerd. Bedankt.") % {"ref": signal.reference})
            return redirect("signals:mine")
    from django.conf import settings

    return render(
        request,
        "signals/intake.html",
        {"form": form, "pick_map": {"areas": []}, "map_tile_url": settings.MAP_TILE_URL},
    )


@login_required
@permission_required("signals.add_signal", raise_exception=True)
def address_search(request):
    """The address suggestions of the intake form, for everyone who may report
    (the register's own search needs places.view_address, which not every
    reporter holds). Same options and template as places:address_search."""
    from schakel.places import selectors as places

    query = request.GET.get("q") or request.GET.get("address") or ""
    return render(request, "places/address_options.html", {"results": places.address_search(query=query, limit=10)})


@login_required
def mine(request):
    page = Paginator(selectors.my_signals(request.user), 25).get_page(request.GET.get("page"))
    return render(request, "signals/mine.html", {"page": page})


QUEUE_COLUMNS = (
    "pk",
    "created_at",
    "category_id",
    "current_task",
    "task_due_at",
    "reminded_at",
    "team_id",
    "area_id",
    "youth_instance_id",
)


@login_required
@permission_required("signals.triage_signal", raise_exception=True)
def queue(request):
    """The team queue. Lean on purpose (docs/bench-signals.md, 1 M signals):
    the small category table is read once (filter choices, youth exclusion,
    labels), the page reads only the columns shown, and rows are prepared
    here so the template does no lookups, URL reversing or date filters."""
    categories = list(Category.objects.select_related("parent"))
    by_id = {c.pk: c for c in categories}
    teams = dict(request.user.units.values_list("pk", "name"))
    form = QueueFilterForm(request.GET or None, categories=categories)
    filters = selectors.QueueFilters()
    if form.is_valid():
        filters = selectors.QueueFilters(
            category=form.cleaned_data["category"],
            status=form.cleaned_data["status"] or "",
            overdue=form.cleaned_data["overdue"],
        )
    qs = selectors.queue_for(request.user, filters, categories=categories, teams=list(teams)).values(*QUEUE_COLUMNS)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    now = timezone.now()
    url = reverse("signals:detail", args=[0])[: -len("0/")]
    records = list(page.object_list)
    # Area names for this page only: a join would also slow the count.
    area_ids = {r["area_id"] for r in records if r["area_id"]}
    areas = dict(Area.objects.filter(pk__in=area_ids).values_list("pk", "name")) if area_ids else {}
    rows = []
    for r in records:
        category = by_id.get(r["category_id"])
        due = r["task_due_at"]
        rows.append(
            {
                "url": f"{url}{r['pk']}/",
                "reference": f"S-{r['pk']:06d}",
                "youth": bool(r["youth_instance_id"] or (category and category.youth)),
                "created": timezone.localtime(r["created_at"]).strftime("%d-%m-%Y"),
                "category": str(category) if category else "",
                "task": r["current_task"],
                "due": timezone.localtime(due).strftime("%d-%m-%Y") if due else "",
                "overdue": bool(due and due < now),
                "reminded": (
                    timezone.localtime(r["reminded_at"]).strftime("%d-%m-%Y %H:%M")
                    if r["reminded_at"] and due and r["reminded_at"] >= due
                    else ""
                ),
                "team": teams.get(r["team_id"], ""),
                "area": areas.get(r["area_id"], ""),
            }
        )
    return render(request, "signals/queue.html", {"form": form, "page": page, "rows": rows})


def _crossing_options(item: WorkItem, form: dict | None) -> set[str]:
    """The choices of ``form`` whose next user task lies with a team of another
    organisation than the item's team: choosing one is a disclosure and needs
    a legal ground. Read from the diagram (flow -> task -> lane -> team)."""
    if not form or item.team is None:
        return set()
    meta = item.instance.definition.meta
    nodes, flows = meta.get("nodes", {}), meta.get("flows", {})
    lanes = {}
    for option in form["options"]:
        target = nodes.get(flows.get(option.get("flow"), {}).get("target"), {})
        if target.get("type") in ("userTask", "manualTask") and target.get("lane"):
            lanes[option["value"]] = target["lane"]
    if not lanes:
        return set()
    overrides = item.instance.team_overrides or {}
    mapped = {
        lt.lane: lt.team
        for lt in LaneTeam.objects.select_related("team").filter(
            process_key=item.instance.definition.key, lane__in=set(lanes.values())
        )
    }
    crossing = set()
    for value, lane in lanes.items():
        team = mapped.get(lane)
        if lane in overrides:
            from schakel.accounts.models import Unit

            team = Unit.objects.filter(pk=overrides[lane]).first()
        if team is not None and team.organisation_id != item.team.organisation_id:
            crossing.add(value)
    return crossing


def _may_finish(meta: dict, node_id: str) -> bool:
    """Whether completing this task can end its process: some path from it
    reaches an end event without passing another user task."""
    nodes, flows = meta.get("nodes", {}), meta.get("flows", {})
    seen, todo = set(), [node_id]
    while todo:
        current = todo.pop()
        for flow in flows.values():
            target = flow["source"] == current and flow["target"]
            if not target or target in seen:
                continue
            seen.add(target)
            kind = nodes.get(target, {}).get("type", "")
            if kind == "endEvent":
                return True
            if kind not in ("userTask", "manualTask"):
                todo.append(target)
    return False


def _steps(user, signal, posted: dict | None = None, errors: dict | None = None):
    """The open steps of the signal. ``posted`` (item, choice, note,
    legal_ground) and ``errors`` (field -> messages) are the input and the
    refusal of a step the user just tried to complete: that form is shown
    again with what the user chose and typed."""
    instances = [pk for pk in (signal.instance_id, signal.youth_instance_id) if pk]
    items = list(
        WorkItem.objects.select_related("instance__definition", "team")
        .filter(instance_id__in=instances, status=WorkItem.Status.OPEN)
        .order_by("pk")
    )
    steps = []
    grounds = None
    for item in items:
        node = item.instance.definition.meta["nodes"].get(item.bpmn_id, {})
        form = node.get("form")
        allowed = may_work_on(user, item)
        crossing = _crossing_options(item, form) if allowed else set()
        if crossing and grounds is None:
            grounds = list(legal.legal_grounds_active())
        mine = posted if posted and posted.get("item") == item.pk else {}
        options = (
            [dict(o, crosses=o["value"] in crossing, checked=o["value"] == mine.get("choice")) for o in form["options"]]
            if form
            else []
        )
        # A written feedback to the reporter, on a step that can close the
        # signal; never for youth signals (ADR 0302) or a reporter without account.
        feedback = bool(
            allowed
            and (signal.reporter_id or signal.lookup_hash)
            and not signal.is_youth
            and _may_finish(item.instance.definition.meta, item.bpmn_id)
        )
        shown = {}
        if mine:
            # An error about a field this step does not show goes above the form.
            has = {"note": True, "choice": bool(form), "legal_ground": bool(crossing), "feedback": feedback}
            for field, msgs in (errors or {}).items():
                shown.setdefault(field if has.get(field) else "all", []).extend(msgs)
        steps.append(
            {
                "item": item,
                "form": form,
                "options": options,
                "allowed": allowed,
                "legal_grounds": grounds if crossing else None,
                # The reason is required only for a closing choice (services.CLOSING_CHOICES).
                "can_close": any(o["value"] in services.CLOSING_CHOICES for o in options),
                "posted": mine,
                "feedback": feedback,
                "errors": shown,
            }
        )
    return steps


def _detail_context(request, signal, *, posted=None, errors=None) -> dict:
    audit.record_access(actor=request.user, obj=signal, purpose="signal handling (triage and follow-up)")
    diagrams = [diagram_for(i) for i in (signal.instance, signal.youth_instance) if i is not None]
    from schakel.workflows.models import Reminder

    reminders = Reminder.objects.filter(
        instance_id__in=[pk for pk in (signal.instance_id, signal.youth_instance_id) if pk]
    ).select_related("work_item")
    return {
        "signal": signal,
        "events": signal.events.select_related("actor", "team", "legal_ground").order_by("at", "pk"),
        "attachments": signal.attachments.all(),
        "related": selectors.related_signals(user=request.user, signal=signal),
        "steps": _steps(request.user, signal, posted, errors),
        "diagrams": diagrams,
        "reminders": reminders,
        "note_form": NoteForm(),
        "can_triage": request.user.has_perm("signals.triage_signal"),
        "linked_cases": selectors.linked_cases_for(user=request.user, signal=signal),
        "review": _review_context(request.user, signal),
    }


def _review_context(user, signal) -> dict | None:
    """The review state of the handler's written feedback on the signal page,
    with the approve/reject forms for a reviewer who did not write it."""
    if not signal.feedback_review:
        return None
    pending = signal.feedback_review == FeedbackReview.PENDING
    own = signal.feedback_proposed_by_id == user.pk
    may_review = pending and not own and user.has_perm("signals.review_feedback")
    rejected = signal.feedback_review == FeedbackReview.REJECTED
    reason = ""
    if rejected:
        last = signal.events.filter(kind=SignalEvent.Kind.FEEDBACK_REJECTED).order_by("-at", "-pk").first()
        reason = last.text if last else ""
    return {
        "state": signal.get_feedback_review_display(),
        "pending": pending,
        "own": pending and own,
        "may_review": may_review,
        "approve_form": FeedbackApproveForm(initial={"text": signal.feedback_proposed}) if may_review else None,
        "reject_form": FeedbackRejectForm() if may_review else None,
        "rejected_reason": reason,
        # The author of a rejected text may propose a new one (services.feedback_repropose).
        "repropose_form": FeedbackReproposeForm() if rejected and own and not signal.is_youth else None,
    }


@never_cache
@login_required
def detail(request, pk):
    signal, level = selectors.signal_get_for(user=request.user, pk=pk)
    if level == selectors.STATUS_ONLY:
        return render(request, "signals/status_only.html", {"signal": signal})
    return render(request, "signals/detail.html", _detail_context(request, signal))


@never_cache
@require_POST
@login_required
def step(request, pk):
    """Complete a step. A refusal shows the signal page again (status 400)
    with the user's choice, reason and legal ground kept and the message next
    to the field it is about."""
    signal, level = selectors.signal_get_for(user=request.user, pk=pk)
    if level != selectors.FULL:
        raise Http404
    try:
        item_pk = int(request.POST.get("item", ""))
    except ValueError as exc:
        raise Http404 from exc
    posted = {
        "item": item_pk,
        "choice": request.POST.get("choice", ""),
        "note": request.POST.get("note", ""),
        "legal_ground": request.POST.get("legal_ground", ""),
        "feedback": request.POST.get("feedback", ""),
    }
    try:
        ground = None
        raw_ground = posted["legal_ground"]
        if raw_ground:
            # Only an active ground can be chosen; anything else is refused.
            ground = legal.legal_grounds_active().filter(pk=raw_ground).first() if raw_ground.isdigit() else None
            if ground is None:
                raise ValidationError({"legal_ground": _("Kies een geldige rechtsgrond.")})
        services.signal_task_complete(
            actor=request.user,
            signal=signal,
            item_pk=item_pk,
            choice=posted["choice"],
            note=posted["note"],
            legal_ground=ground,
            feedback=posted["feedback"],
        )
    except ValidationError as exc:
        errors = {}
        if hasattr(exc, "error_dict"):
            for field, field_errors in exc.error_dict.items():
                key = field if field in ("choice", "note", "legal_ground", "feedback") else "all"
                errors.setdefault(key, []).extend(m for e in field_errors for m in e.messages)
        else:
            errors["all"] = list(exc.messages)
        signal.refresh_from_db()
        context = _detail_context(request, signal, posted=posted, errors=errors)
        if not any(s["posted"] for s in context["steps"]):
            # The step is no longer open (someone else completed it): say so above the page.
            for field_errors in errors.values():
                for msg in field_errors:
                    messages.error(request, msg)
        return render(request, "signals/detail.html", context, status=400)
    if not selectors.signals_visible_to(request.user).filter(pk=signal.pk).exists():
        # Handed to the youth process (ADR 0302, amendment 1): from now on the
        # signal is the OSP's alone; this is the last the user sees of it.
        messages.success(
            request,
            _("De stap is afgewerkt. Signaal %(ref)s is overgedragen aan het OSP; u kunt het niet meer inzien.")
            % {"ref": signal.reference},
        )
        return redirect("signals:queue")
    messages.success(request, _("De stap is afgewerkt."))
    return redirect("signals:detail", pk=signal.pk)


@require_POST
@login_required
def note(request, pk):
    signal, level = selectors.signal_get_for(user=request.user, pk=pk)
    if level != selectors.FULL:
        raise Http404
    form = NoteForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("De notitie is leeg of te lang."))
        services.signal_note_add(actor=request.user, signal=signal, text=form.cleaned_data["text"])
    except ValidationError as exc:
        for msg in exc.messages:
            messages.error(request, msg)
    else:
        messages.success(request, _("Notitie toegevoegd."))
    return redirect("signals:detail", pk=signal.pk)


@login_required
def attachment(request, pk, att_pk):
    signal, level = selectors.signal_get_for(user=request.user, pk=pk)
    if level != selectors.FULL:
        raise Http404
    att = get_object_or_404(signal.attachments, pk=att_pk)
    audit.record_access(actor=request.user, obj=signal, purpose="attachment download", summary=f"attachment {att.pk}")
    response = FileResponse(att.file.open("rb"), content_type=att.content_type, as_attachment=True)
    response["Content-Disposition"] = f'attachment; filename="{signal.reference}-{att.pk}"'
    return response


@login_required
def signal_map(request):
    if not (request.user.has_perm("signals.view_all_signals") or request.user.has_perm("signals.triage_signal")):
        raise PermissionDenied
    from django.conf import settings

    points = selectors.map_points(request.user)
    data = {
        "markers": [
            {
                "lat": p["lat"],
                "lon": p["lon"],
                "label": f"S-{p['pk']:06d}",
                "detail": p["category__name"],
                "url": reverse("signals:detail", args=[p["pk"]]),
            }
            for p in points
        ]
    }
    return render(
        request, "signals/map.html", {"map_data": data, "count": len(points), "map_tile_url": settings.MAP_TILE_URL}
    )


EXPORT_COLUMNS = [
    ("reference", _("Referentie")),
    ("created", _("Ontvangen")),
    ("channel", _("Kanaal")),
    ("category", _("Categorie")),
    ("status", _("Status")),
    ("team", _("Team")),
    ("area", _("Gebied")),
    ("triaged", _("Getrieerd op")),
    ("description", _("Omschrijving")),
]


def _export_rows(user):
    qs = selectors.signals_visible_to(user).order_by("-created_at")
    youth_allowed = user.has_perm("signals.view_youth_signal")
    for s in qs.iterator(chunk_size=2000):
        yield [
            s.reference,
            timezone.localtime(s.created_at).strftime("%d-%m-%Y %H:%M"),
            s.get_channel_display(),
            str(s.category),
            s.get_status_display(),
            str(s.team.name) if s.team else "",
            s.area.name if s.area else "",
            timezone.localtime(s.triaged_at).strftime("%d-%m-%Y %H:%M") if s.triaged_at else "",
            # Free text of youth signals never leaves in an export.
            "" if s.is_youth and not youth_allowed else s.description,
        ]


@login_required
@permission_required("signals.export_signal", raise_exception=True)
def export(request):
    fmt = request.GET.get("format", "csv")
    header = [str(label) for _k, label in EXPORT_COLUMNS]
    audit.record_access(actor=request.user, obj=("signals.signal", "export"), purpose=f"export {fmt}")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    if fmt == "xlsx":
        from openpyxl import Workbook

        wb = Workbook(write_only=True)
        ws = wb.create_sheet(_("Signalen"))
        ws.append(header)
        for row in _export_rows(request.user):
            ws.append(safe_row(row))
        buf = BytesIO()
        wb.save(buf)
        response = HttpResponse(
            buf.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        response["Content-Disposition"] = f'attachment; filename="signalen-{stamp}.xlsx"'
        return response
    if fmt != "csv":
        raise Http404
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="signalen-{stamp}.csv"'
    response.write("\ufeff")
    writer = csv.writer(response, delimiter=";")
    writer.writerow(header)
    for row in _export_rows(request.user):
        writer.writerow(safe_row(row))
    return response


@login_required
@permission_required("signals.manage_invitation", raise_exception=True)
def invitations(request):
    form = InvitationForm(posted(request))
    link = None
    if request.method == "POST" and form.is_valid():
        try:
            _inv, token = services.invitation_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            link = request.build_absolute_uri(reverse("signals:partner", args=[token]))
            form = InvitationForm()
    # The user's team's links (every link for the functional administrator):
    # which schools report to the OSP is not for the other teams to read.
    rows = list(
        selectors.invitations_revocable_by(request.user).select_related("created_by").order_by("-created_at")[:100]
    )
    return render(
        request, "signals/invitations.html", {"form": form, "link": link, "rows": rows, "now": timezone.now()}
    )


@login_required
@permission_required("signals.manage_invitation", raise_exception=True)
def invitation_revoke(request, pk):
    """GET: ask for confirmation (revoking cannot be undone); POST: revoke.
    404 for a link of another team (selectors.invitations_revocable_by)."""
    invitation = get_object_or_404(selectors.invitations_revocable_by(request.user).select_related("created_by"), pk=pk)
    if invitation.revoked:
        messages.info(request, _("Deze link was al ingetrokken."))
        return redirect("signals:invitations")
    if request.method == "POST":
        services.invitation_revoke(actor=request.user, invitation=invitation)
        messages.success(request, _("De link is ingetrokken."))
        return redirect("signals:invitations")
    # Only what the viewer may know of: youth reports (e.g. through the OSP's
    # school links) are not counted for staff who may not see youth signals.
    recent_qs = invitation.signals.filter(created_at__gte=timezone.now() - timedelta(days=30))
    youth_allowed = request.user.has_perm("signals.view_youth_signal")
    if not youth_allowed:
        recent_qs = recent_qs.exclude(selectors.youth_q())
    return render(
        request,
        "signals/invitation_revoke.html",
        {"invitation": invitation, "recent": recent_qs.count(), "youth_counted": youth_allowed},
    )


def _partner_refused(request, exc):
    context = {
        "message": str(exc),
        "contact": services.reporter_contact(exc.invitation),
    }
    return render(request, "signals/partner_refused.html", context, status=exc.status)


@never_cache
def partner(request, token):
    """The partner form: no account, an invitation token in the URL."""
    try:
        invitation = services.invitation_check(token=token)
    except services.InvitationError as exc:
        return _partner_refused(request, exc)
    form = PartnerForm(posted(request), posted_files(request))
    limited = None
    if request.method == "POST" and form.is_valid():
        try:
            signal, code = services.partner_signal_submit_with_lookup(token=token, **_signal_fields(form.cleaned_data))
        except services.InvitationError as exc:
            if exc.retry_at is None:
                return _partner_refused(request, exc)
            # The hourly limit of the link: keep what the partner typed and
            # say when it can be sent.
            limited = {"retry_at": exc.retry_at, "files": bool(form.cleaned_data.get("attachments"))}
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            # The lookup code is shown here once; only its hash is stored.
            return render(request, "signals/partner_done.html", {"reference": signal.reference, "code": code})
    context = {
        "form": form,
        "invitation": invitation,
        "limited": limited,
        "contact": services.reporter_contact(invitation),
    }
    return render(request, "signals/partner.html", context, status=429 if limited else 200)


@login_required
@permission_required("signals.manage_signal_settings", raise_exception=True)
def settings_page(request):
    categories = selectors.in_tree_order(Category.objects.all())
    rules = RoutingRule.objects.select_related("category", "area", "team__organisation").order_by("order", "pk")
    return render(request, "signals/settings.html", {"categories": categories, "rules": rules})


@login_required
@permission_required("signals.manage_signal_settings", raise_exception=True)
def category_edit(request, pk=None):
    category = get_object_or_404(Category, pk=pk) if pk else None
    form = CategoryForm(posted(request), instance=category)
    if request.method == "POST" and form.is_valid():
        services.settings_save(actor=request.user, form=form)
        messages.success(request, _("Categorie bewaard."))
        return redirect("signals:settings")
    return render(request, "signals/settings_form.html", {"form": form, "title": _("Categorie wijzigen")})


@login_required
@permission_required("signals.manage_signal_settings", raise_exception=True)
def rule_delete(request, pk):
    """GET: ask for confirmation; POST: delete the rule and renumber the others."""
    rule = get_object_or_404(RoutingRule.objects.select_related("category", "area", "team"), pk=pk)
    if request.method == "POST":
        services.routing_rule_delete(actor=request.user, rule=rule)
        messages.success(request, _("Routeringsregel verwijderd; de volgorde van de andere regels is bijgewerkt."))
        return redirect("signals:settings")
    return render(request, "signals/rule_delete.html", {"rule": rule})


@login_required
@permission_required("signals.manage_signal_settings", raise_exception=True)
def rule_edit(request, pk=None):
    rule = get_object_or_404(RoutingRule, pk=pk) if pk else None
    form = RoutingRuleForm(posted(request), instance=rule)
    if request.method == "POST" and form.is_valid():
        services.settings_save(actor=request.user, form=form)
        messages.success(request, _("Routeringsregel bewaard."))
        return redirect("signals:settings")
    return render(request, "signals/settings_form.html", {"form": form, "title": _("Routeringsregel"), "rule": rule})


# --- review of written feedback ---------------------------------------------


@login_required
@permission_required("signals.review_feedback", raise_exception=True)
def feedback_reviews(request):
    """Written feedback waiting for a reviewer, on signals the user sees."""
    page = Paginator(selectors.feedback_pending_for(request.user), 50).get_page(request.GET.get("page"))
    return render(request, "signals/feedback_reviews.html", {"page": page})


def _review_post(request, pk, action):
    signal, level = selectors.signal_get_for(user=request.user, pk=pk)
    if level != selectors.FULL:
        raise Http404
    try:
        action(signal)
    except ValidationError as exc:
        for msg in exc.messages:
            messages.error(request, msg)
        return False, signal
    except PermissionDenied as exc:
        messages.error(request, str(exc) or _("U mag deze terugkoppeling niet nakijken."))
        return False, signal
    return True, signal


@never_cache
@require_POST
@login_required
@permission_required("signals.review_feedback", raise_exception=True)
def feedback_approve(request, pk):
    form = FeedbackApproveForm(request.POST)

    def approve(signal):
        if not form.is_valid():
            raise ValidationError(_("De tekst is leeg of langer dan 300 tekens."))
        services.feedback_approve(actor=request.user, signal=signal, text=form.cleaned_data["text"])

    done, signal = _review_post(request, pk, approve)
    if done:
        messages.success(request, _("De terugkoppeling is goedgekeurd; de melder kan ze nu lezen."))
    return redirect("signals:detail", pk=signal.pk)


@never_cache
@require_POST
@login_required
@permission_required("signals.review_feedback", raise_exception=True)
def feedback_reject(request, pk):
    form = FeedbackRejectForm(request.POST)

    def reject(signal):
        if not form.is_valid():
            raise ValidationError(_("Geef de reden waarom de terugkoppeling geweigerd wordt."))
        services.feedback_reject(actor=request.user, signal=signal, reason=form.cleaned_data["reason"])

    done, signal = _review_post(request, pk, reject)
    if done:
        messages.success(request, _("De terugkoppeling is geweigerd; de melder houdt de vaste bedankzin."))
    return redirect("signals:detail", pk=signal.pk)


@never_cache
@require_POST
@login_required
def feedback_repropose(request, pk):
    signal, level = selectors.signal_get_for(user=request.user, pk=pk)
    if level != selectors.FULL:
        raise Http404
    form = FeedbackReproposeForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("De tekst is leeg of langer dan 300 tekens."))
        services.feedback_repropose(actor=request.user, signal=signal, text=form.cleaned_data["text"])
    except ValidationError as exc:
        for msg in exc.messages:
            messages.error(request, msg)
    except PermissionDenied as exc:
        messages.error(request, str(exc) or _("U mag voor dit signaal geen nieuwe tekst voorstellen."))
    else:
        messages.success(request, _("De nieuwe tekst is voorgesteld; een collega kijkt ze na."))
    return redirect("signals:detail", pk=signal.pk)


# --- status lookup for partners without an account -----------------------------

LOOKUP_STAGES = {
    "received": gettext_lazy("Ontvangen"),
    "in_progress": gettext_lazy("In behandeling"),
    "closed": gettext_lazy("Afgesloten"),
}


@never_cache
def status_lookup(request):
    """Public: the status of one signal for whoever holds its reference and
    lookup code (the partner who reported it). One neutral answer for a wrong
    reference or code; rate limited; every lookup audited (services)."""
    from schakel.core.middleware import client_ip

    form = StatusLookupForm(posted(request))
    result = refused = None
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            result = services.signal_status_lookup(
                reference=form.cleaned_data["reference"], code=form.cleaned_data["code"], client=client_ip(request)
            )
        except services.LookupRefused as exc:
            refused, status = exc, exc.status
        else:
            result["stage_label"] = LOOKUP_STAGES[result["stage"]]
            form = StatusLookupForm()
    return render(
        request, "signals/status_lookup.html", {"form": form, "result": result, "refused": refused}, status=status
    )
