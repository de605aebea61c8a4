"""Pages of the neighbourhoods app. Views parse input and call services and
selectors; they hold no rules."""

from __future__ import annotations

import csv
import io

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from schakel.audit import services as audit
from schakel.core.exports import safe_row
from schakel.core.forms import posted

from . import charts, selectors, services
from .forms import (
    ChecklistTemplateForm,
    FollowUpForm,
    IncidentForm,
    ProposalForm,
    ProposalStatusForm,
    QrtActivityForm,
    QrtFilterForm,
    RetentionRuleForm,
    ScoreForm,
    SessionForm,
    ThemeForm,
    WalkForm,
    WithdrawScoreForm,
)
from .models import ChecklistTemplate, FollowUpAction, Proposal, ProposalTheme, RetentionProof, RetentionRule


def _map(**extra) -> dict:
    return {"map_tile_url": settings.MAP_TILE_URL, **extra}


def _page(request, qs, per_page=25):
    return Paginator(qs, per_page).get_page(request.GET.get("page"))


def _add_errors(form, exc: ValidationError) -> None:
    for message in exc.messages:
        form.add_error(None, message)


# --- Incidents -------------------------------------------------------------


def _circle_item(incident) -> dict:
    return {
        "lat": incident.lat,
        "lon": incident.lon,
        "radius": incident.radius_m,
        "label": str(incident),
        "detail": incident.occurred_at.strftime("%d-%m-%Y"),
        "url": reverse("neighbourhoods:incident_detail", args=[incident.pk]),
    }


@login_required
@permission_required("neighbourhoods.view_incident", raise_exception=True)
def incident_list(request):
    incidents = list(selectors.incidents_visible_to(request.user)[:200])
    overlap = selectors.overlapping_streets(incidents=incidents)
    return render(
        request,
        "neighbourhoods/incident_list.html",
        _map(
            incidents=incidents,
            overlap=overlap,
            map_data={"circles": [_circle_item(i) for i in incidents]},
            can_add=request.user.has_perm("neighbourhoods.add_incident"),
        ),
    )


def _incident_kwargs(cd: dict) -> dict:
    return {k: v for k, v in cd.items() if k not in ("lat", "lon", "address", "location_label")}


@login_required
@permission_required("neighbourhoods.add_incident", raise_exception=True)
def incident_create(request):
    can_internal = selectors.can_read_internal_notes(request.user)
    form = IncidentForm(posted(request), can_read_internal=can_internal)
    if request.method == "POST" and form.is_valid():
        cd = form.cleaned_data
        try:
            incident = services.incident_create(
                actor=request.user,
                address=cd["address"],
                lat=cd["lat"],
                lon=cd["lon"],
                location_label=cd["location_label"],
                **_incident_kwargs(cd),
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("Incident geregistreerd."))
            return redirect("neighbourhoods:incident_detail", incident.pk)
    return render(request, "neighbourhoods/incident_form.html", _map(form=form, map_data={}))


@login_required
def incident_edit(request, pk):
    incident = selectors.incident_get_for(user=request.user, pk=pk, perm="change")
    can_internal = selectors.can_read_internal_notes(request.user)
    initial = {
        "kind": incident.kind,
        "occurred_at": incident.occurred_at,
        "address": incident.address.label if incident.address else "",
        "lat": None if incident.address else incident.lat,
        "lon": None if incident.address else incident.lon,
        "location_label": incident.location_label,
        "radius_m": incident.radius_m,
        "public_summary": incident.public_summary,
        "damage": incident.damage,
        "police_reference": incident.police_reference,
        "internal_notes": incident.internal_notes,
    }
    form = IncidentForm(posted(request), initial=initial, can_read_internal=can_internal)
    if request.method == "POST" and form.is_valid():
        cd = form.cleaned_data
        try:
            services.incident_update(
                actor=request.user,
                incident=incident,
                address=cd["address"],
                lat=cd["lat"],
                lon=cd["lon"],
                location_label=cd["location_label"],
                **_incident_kwargs(cd),
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("Incident bijgewerkt."))
            return redirect("neighbourhoods:incident_detail", incident.pk)
    return render(
        request,
        "neighbourhoods/incident_form.html",
        _map(form=form, incident=incident, map_data={"circles": [_circle_item(incident)]}),
    )


@login_required
def incident_detail(request, pk):
    incident = selectors.incident_get_for(user=request.user, pk=pk)
    circle = selectors.incident_circle(incident=incident)
    show_internal = selectors.can_read_internal_notes(request.user)
    if show_internal and (incident.internal_notes or incident.police_reference):
        audit.record_access(actor=request.user, obj=incident, purpose="Interne notities incident ingezien")
    page = _page(request, circle.addresses, per_page=50)
    for a in page:
        a.distance = round(a.dist2**0.5)
    points = list(circle.addresses.values("lat", "lon")[:2000])
    return render(
        request,
        "neighbourhoods/incident_detail.html",
        _map(
            incident=incident,
            circle=circle,
            page=page,
            show_internal=show_internal,
            history=selectors.incident_history(user=request.user, incident=incident),
            can_edit=request.user.has_perm("neighbourhoods.change_incident")
            and incident.organisation_id == request.user.organisation_id,
            map_data={"circles": [_circle_item(incident)], "points": points},
        ),
    )


EXPORT_HEADER = ["straat", "huisnummer", "bus", "postcode", "gemeente", "afstand_m", "fictief"]


def _export_rows(circle):
    for a in circle.addresses.iterator(chunk_size=2000):
        yield [
            a.street.name_nl,
            a.house_number,
            a.box_number,
            a.postcode,
            a.municipality.name_nl,
            round(a.dist2**0.5),
            "ja" if a.is_demo else "",
        ]


@login_required
def incident_export(request, pk, fmt):
    """The addresses of the impact circle, for door-to-door letters (CSV or XLSX)."""
    incident = selectors.incident_get_for(user=request.user, pk=pk)
    if fmt not in ("csv", "xlsx"):
        raise Http404
    circle = selectors.incident_circle(incident=incident)
    audit.record_access(actor=request.user, obj=incident, purpose="Adreslijst impactcirkel voor bewonersbrief")
    name = f"impactcirkel-incident-{incident.pk}"
    if fmt == "csv":
        buf = io.StringIO()
        buf.write("\ufeff")  # Excel opens UTF-8 with a BOM correctly
        writer = csv.writer(buf, delimiter=";")
        writer.writerow(EXPORT_HEADER)
        writer.writerows(safe_row(r) for r in _export_rows(circle))
        response = HttpResponse(buf.getvalue(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        return response
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(_("Adressen"))
    ws.append(EXPORT_HEADER)
    for row in _export_rows(circle):
        ws.append(safe_row(row))
    out = io.BytesIO()
    wb.save(out)
    response = HttpResponse(
        out.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    return response


# --- QRT -------------------------------------------------------------------


@login_required
@permission_required("neighbourhoods.view_qrtactivity", raise_exception=True)
def qrt_list(request):
    filters = QrtFilterForm(request.GET or None)
    qs = selectors.qrt_activities_visible_to(request.user)
    if filters.is_valid():
        f = filters.cleaned_data
        if f["kind"]:
            qs = qs.filter(kind=f["kind"])
        if f["area"]:
            qs = qs.filter(area=f["area"])
        if f["start"]:
            qs = qs.filter(date__gte=f["start"])
        if f["end"]:
            qs = qs.filter(date__lte=f["end"])
        if f["prevpol"]:
            qs = qs.filter(prevpol_referral=True)
    page = _page(request, qs)
    markers = [
        {
            "lat": a.lat,
            "lon": a.lon,
            "label": a.get_kind_display(),
            "detail": a.date.strftime("%d-%m-%Y"),
            "url": reverse("neighbourhoods:qrt_edit", args=[a.pk]) if a.created_by_id == request.user.pk else "",
        }
        for a in qs.filter(lat__isnull=False)[:500]
    ]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "neighbourhoods/qrt_list.html",
        _map(
            filters=filters,
            page=page,
            querystring=query.urlencode(),
            map_data={"markers": markers},
            can_add=request.user.has_perm("neighbourhoods.add_qrtactivity"),
        ),
    )


def _activity_data(cd: dict) -> dict:
    return {k: cd[k] for k in QrtActivityForm.base_fields if k in cd}


@login_required
@permission_required("neighbourhoods.add_qrtactivity", raise_exception=True)
def qrt_create(request):
    form = QrtActivityForm(posted(request), incidents=selectors.incidents_for_linking(request.user), one_time=True)
    duplicate_of = None
    if request.method == "POST" and form.is_valid():
        data = _activity_data(form.cleaned_data)
        confirmed = data.pop("confirm_duplicate", False)
        try:
            services.qrt_activity_create(actor=request.user, check_duplicate=not confirmed, **data)
        except ValidationError as exc:
            _add_errors(form, exc)
        except services.LikelyDuplicate as exc:
            # Kept as typed; saved only once the user confirms it is a second activity.
            duplicate_of = exc.activity
        except services.AlreadySaved as exc:
            # The Back button and "Opslaan" again: show what was saved then.
            messages.warning(
                request,
                _("Dit formulier was al opgeslagen; de activiteit is niet een tweede keer geregistreerd."),
            )
            return redirect("neighbourhoods:qrt_edit", exc.activity.pk)
        else:
            messages.success(request, _("Activiteit opgeslagen."))
            return redirect("neighbourhoods:qrt_list")
    return render(request, "neighbourhoods/qrt_form.html", _map(form=form, duplicate_of=duplicate_of, map_data={}))


@login_required
def qrt_edit(request, pk):
    activity = selectors.qrt_activity_get_for(user=request.user, pk=pk, perm="change")
    initial = {f: getattr(activity, f) for f in ("kind", "date", "duration_minutes", "area", "incident")}
    initial.update(
        residents_reached=activity.residents_reached,
        notes=activity.notes,
        prevpol_referral=activity.prevpol_referral,
        address=activity.address.label if activity.address else "",
        lat=None if activity.address else activity.lat,
        lon=None if activity.address else activity.lon,
    )
    incidents = selectors.incidents_for_linking(request.user, keep_id=activity.incident_id)
    form = QrtActivityForm(posted(request), initial=initial, incidents=incidents)
    if request.method == "POST" and form.is_valid():
        try:
            services.qrt_activity_update(actor=request.user, activity=activity, **_activity_data(form.cleaned_data))
        except (ValidationError, PermissionDenied) as exc:
            if isinstance(exc, PermissionDenied):
                raise Http404 from exc
            _add_errors(form, exc)
        else:
            messages.success(request, _("Activiteit bijgewerkt."))
            return redirect("neighbourhoods:qrt_list")
    history = selectors.qrt_activity_history(user=request.user, activity=activity)
    return render(
        request, "neighbourhoods/qrt_form.html", _map(form=form, activity=activity, history=history, map_data={})
    )


# --- Wijkschouw --------------------------------------------------------------


@login_required
@permission_required("neighbourhoods.view_walk", raise_exception=True)
def walk_list(request):
    walks = selectors.walks_visible_to(request.user)
    page = _page(request, walks)
    areas = {w.area for w in page if w.area_id}
    return render(
        request,
        "neighbourhoods/walk_list.html",
        {
            "page": page,
            "areas": sorted(areas, key=lambda a: a.name),
            "can_add": request.user.has_perm("neighbourhoods.add_walk"),
            "can_templates": request.user.has_perm("neighbourhoods.change_checklisttemplate"),
        },
    )


@login_required
@permission_required("neighbourhoods.add_walk", raise_exception=True)
def walk_create(request):
    form = WalkForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            walk = services.walk_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            return redirect("neighbourhoods:walk_detail", walk.pk)
    return render(request, "neighbourhoods/simple_form.html", {"form": form, "title": _("Nieuwe wijkschouw")})


@login_required
def walk_detail(request, pk):
    walk = selectors.walk_get_for(user=request.user, pk=pk)
    items = list(walk.template.items.all())
    scores = list(walk.scores.all())
    can_change = (
        request.user.has_perm("neighbourhoods.change_walk") and walk.organisation_id == request.user.organisation_id
    )
    score_form = ScoreForm(template=walk.template, items=items, prefix="score")
    followup_form = FollowUpForm(scores=scores, prefix="fu")
    withdraw_form = None
    if request.method == "POST":
        if not can_change:
            raise Http404
        action = request.POST.get("action")
        if action == "withdraw":
            withdraw_form = WithdrawScoreForm(request.POST, prefix="wd")
            score = None
            if withdraw_form.is_valid():
                score = next((s for s in scores if s.pk == withdraw_form.cleaned_data["score"]), None)
                if score is None or not services.may_withdraw_score(request.user, score):
                    raise Http404
                try:
                    services.walk_score_withdraw(
                        actor=request.user, score=score, reason=withdraw_form.cleaned_data["reason"]
                    )
                except ValidationError as exc:
                    _add_errors(withdraw_form, exc)
                else:
                    messages.success(request, _("De score is ingetrokken en telt niet meer mee."))
                    return redirect("neighbourhoods:walk_detail", walk.pk)
        elif action == "score":
            score_form = ScoreForm(request.POST, request.FILES, template=walk.template, items=items, prefix="score")
            if score_form.is_valid():
                cd = score_form.cleaned_data
                item = next(i for i in items if str(i.pk) == cd["item"])
                try:
                    services.walk_score_add(
                        actor=request.user,
                        walk=walk,
                        item=item,
                        value=str(cd["value"]),
                        remark=cd["remark"],
                        lat=cd["lat"],
                        lon=cd["lon"],
                        photo=cd["photo"],
                    )
                except ValidationError as exc:
                    _add_errors(score_form, exc)
                else:
                    messages.success(request, _("Score opgeslagen."))
                    return redirect("neighbourhoods:walk_detail", walk.pk)
        elif action == "followup":
            followup_form = FollowUpForm(request.POST, scores=scores, prefix="fu")
            if followup_form.is_valid():
                cd = followup_form.cleaned_data
                score = next((s for s in scores if str(s.pk) == cd["score"]), None)
                try:
                    services.followup_create(
                        actor=request.user, walk=walk, service=cd["service"], description=cd["description"], score=score
                    )
                except ValidationError as exc:
                    _add_errors(followup_form, exc)
                else:
                    messages.success(request, _("Opvolgactie aangemaakt."))
                    return redirect("neighbourhoods:walk_detail", walk.pk)
    markers = [
        {"lat": s.lat, "lon": s.lon, "label": f"{s.item.label}: {s.value}"}
        for s in scores
        if s.lat is not None and s.withdrawn_at is None
    ]
    for s in scores:
        s.may_withdraw = s.withdrawn_at is None and services.may_withdraw_score(request.user, s)
    return render(
        request,
        "neighbourhoods/walk_detail.html",
        _map(
            walk=walk,
            items=items,
            scores=scores,
            actions=list(walk.actions.all()),
            team=list(walk.team.all()),
            score_form=score_form,
            followup_form=followup_form,
            withdraw_form=withdraw_form,
            any_withdrawn=any(s.withdrawn_at for s in scores),
            withdraw_pk=withdraw_form["score"].value() if withdraw_form is not None else None,
            can_change=can_change,
            can_followup=request.user.has_perm("neighbourhoods.change_followupaction"),
            transitions={s: sorted(t) for s, t in FollowUpAction.TRANSITIONS.items()},
            status_labels=dict(FollowUpAction.Status.choices),
            map_data={
                "markers": markers,
                "areas": [{"name": walk.area.name, "geometry": walk.area.geometry}] if walk.area else [],
            },
        ),
    )


PHOTO_TYPES = {"jpg": "image/jpeg", "png": "image/png", "webp": "image/webp"}


@login_required
def walk_photo(request, pk, score_pk):
    """A wijkschouw photo, for users who may see the walk (never through
    /media/). The photo was re-encoded on upload (photos.clean_photo), so its
    type follows from its name; it is shown in the browser, not cached, and
    each view is an access event."""
    score = selectors.walk_photo_get_for(user=request.user, walk_pk=pk, score_pk=score_pk)
    ext = score.photo.name.rsplit(".", 1)[-1].lower()
    if ext not in PHOTO_TYPES:
        raise Http404
    try:
        handle = score.photo.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    audit.record_access(
        actor=request.user,
        obj=score,
        purpose="Foto van een wijkschouw ingezien",
        action="neighbourhoods.walk_photo_viewed",
        summary=f"walk {score.walk_id}",
    )
    response = FileResponse(handle, content_type=PHOTO_TYPES[ext])
    response["Content-Disposition"] = f'inline; filename="wijkschouw-{score.walk_id}-foto-{score.pk}.{ext}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def followup_transition(request, pk):
    action = selectors.followup_get_for(user=request.user, pk=pk)
    try:
        services.followup_transition(
            actor=request.user,
            action=action,
            to_status=request.POST.get("to_status", ""),
            note=request.POST.get("note", ""),
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except PermissionDenied as exc:
        raise Http404 from exc
    else:
        messages.success(request, _("Status bijgewerkt."))
    return redirect("neighbourhoods:walk_detail", action.walk_id)


@login_required
@permission_required("neighbourhoods.view_walk", raise_exception=True)
def area_trend(request, area_pk):
    from schakel.places.models import Area

    try:
        area = Area.objects.get(pk=area_pk)
    except Area.DoesNotExist as exc:
        raise Http404 from exc
    walks = selectors.area_trend(user=request.user, area_id=area.pk)
    chart = charts.trend_svg(
        [(w.date, float(w.score)) for w in walks], title=_("Gebiedsscore %(area)s") % {"area": area.name}
    )
    return render(request, "neighbourhoods/area_trend.html", {"area": area, "walks": walks, "chart": chart})


@login_required
@permission_required("neighbourhoods.change_checklisttemplate", raise_exception=True)
def template_list(request):
    templates = ChecklistTemplate.objects.prefetch_related("items").order_by("-is_active", "name")
    return render(request, "neighbourhoods/template_list.html", {"templates": templates})


@login_required
@permission_required("neighbourhoods.change_checklisttemplate", raise_exception=True)
def template_edit(request, pk=None):
    template = None
    initial = {}
    if pk is not None:
        try:
            template = ChecklistTemplate.objects.get(pk=pk)
        except ChecklistTemplate.DoesNotExist as exc:
            raise Http404 from exc
        initial = {
            "name": template.name,
            "description": template.description,
            "scale": template.scale,
            "numeric_min": template.numeric_min,
            "numeric_max": template.numeric_max,
            "items": "\n".join(
                f"{i.label}; {i.weight}" if i.weight != 1 else i.label for i in template.items.filter(is_active=True)
            ),
        }
    form = ChecklistTemplateForm(posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.checklist_template_save(actor=request.user, template=template, **form.cleaned_data)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("Sjabloon opgeslagen."))
            return redirect("neighbourhoods:template_list")
    title = _("Sjabloon bewerken") if template else _("Nieuw sjabloon")
    return render(request, "neighbourhoods/simple_form.html", {"form": form, "title": title})


# --- Behangtafel -------------------------------------------------------------


@login_required
@permission_required("neighbourhoods.view_behangtafelsession", raise_exception=True)
def session_list(request):
    page = _page(request, selectors.sessions_visible_to(request.user))
    return render(
        request,
        "neighbourhoods/session_list.html",
        {
            "page": page,
            "summary": selectors.behangtafel_summary(user=request.user),
            "can_add": request.user.has_perm("neighbourhoods.add_behangtafelsession"),
        },
    )


@login_required
@permission_required("neighbourhoods.add_behangtafelsession", raise_exception=True)
def session_create(request):
    form = SessionForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            session = services.behangtafel_session_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            return redirect("neighbourhoods:session_detail", session.pk)
    return render(request, "neighbourhoods/simple_form.html", {"form": form, "title": _("Nieuwe behangtafelsessie")})


@login_required
def session_detail(request, pk):
    session = selectors.session_get_for(user=request.user, pk=pk)
    proposals = list(session.proposals.all())
    can_add = (
        request.user.has_perm("neighbourhoods.add_behangtafelsession")
        and session.organisation_id == request.user.organisation_id
    )
    can_status = (
        request.user.has_perm("neighbourhoods.change_behangtafelsession")
        and session.organisation_id == request.user.organisation_id
    )
    form = ProposalForm(prefix="p")
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "proposal" and can_add:
            form = ProposalForm(request.POST, prefix="p")
            if form.is_valid():
                try:
                    services.proposal_add(actor=request.user, session=session, **form.cleaned_data)
                except ValidationError as exc:
                    _add_errors(form, exc)
                else:
                    messages.success(request, _("Voorstel toegevoegd."))
                    return redirect("neighbourhoods:session_detail", session.pk)
        elif action == "status" and can_status:
            status_form = ProposalStatusForm(request.POST)
            proposal = None
            if status_form.is_valid():
                proposal = next((p for p in proposals if p.pk == status_form.cleaned_data["proposal"]), None)
            if proposal is None:
                messages.error(request, _("Ongeldige keuze."))
            else:
                services.proposal_set_status(
                    actor=request.user, proposal=proposal, status=status_form.cleaned_data["status"]
                )
                messages.success(request, _("Opvolging bijgewerkt."))
            return redirect("neighbourhoods:session_detail", session.pk)
        else:
            raise Http404
    return render(
        request,
        "neighbourhoods/session_detail.html",
        {
            "session": session,
            "proposals": proposals,
            "team": list(session.team.all()),
            "form": form,
            "can_add": can_add,
            "can_status": can_status,
            "statuses": Proposal.Status.choices,
        },
    )


@login_required
@permission_required("neighbourhoods.change_proposaltheme", raise_exception=True)
def theme_list(request):
    """The editable list of behangtafel themes: add one, or edit one (?edit=pk)."""
    themes = list(ProposalTheme.objects.order_by("order", "name"))
    editing = next((t for t in themes if str(t.pk) == request.GET.get("edit", "")), None)
    initial = {"name": editing.name, "order": editing.order, "is_active": editing.is_active} if editing else None
    form = ThemeForm(posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.proposal_theme_save(actor=request.user, theme=editing, **form.cleaned_data)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("Thema opgeslagen."))
            return redirect("neighbourhoods:theme_list")
    return render(request, "neighbourhoods/theme_list.html", {"themes": themes, "form": form, "editing": editing})


@login_required
@permission_required("neighbourhoods.view_retentionrule", raise_exception=True)
def retention_rules(request):
    """The retention periods of neighbourhood data, read by the DPO and the
    functional administrator; the administrator edits one (?edit=pk). The
    latest proofs of erasure below (no content, only what and when)."""
    can_change = request.user.has_perm("neighbourhoods.change_retentionrule")
    if request.method == "POST" and not can_change:
        raise PermissionDenied
    rules = list(RetentionRule.objects.order_by("code"))
    editing = None
    if can_change:
        editing = next((r for r in rules if str(r.pk) == request.GET.get("edit", "")), None)
    form = None
    if editing is not None:
        form = RetentionRuleForm(posted(request), initial={"months": editing.months, "is_active": editing.is_active})
        if request.method == "POST" and form.is_valid():
            try:
                services.retention_rule_save(actor=request.user, rule=editing, **form.cleaned_data)
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                messages.success(request, _("Bewaartermijn opgeslagen."))
                return redirect("neighbourhoods:retention_rules")
    elif request.method == "POST":
        raise Http404
    proofs = RetentionProof.objects.order_by("-done_at", "-pk")[:50]
    return render(
        request,
        "neighbourhoods/retention_rules.html",
        {"rules": rules, "editing": editing, "form": form, "proofs": proofs, "can_change": can_change},
    )
