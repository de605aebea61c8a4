"""Meetings (OBH, OSP, youth), minutes per case item, decisions, action items,
ICS invitations and PDF minutes; the plan of approach; the two-phase list."""

from __future__ import annotations

from functools import partial
from io import BytesIO

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from schakel.accounts.models import User
from schakel.audit import services as audit
from schakel.core.forms import apply_validation_error, posted
from schakel.legal.decorators import code_accepted_required

from . import forms, selectors, services
from .models import ActionItem, CaseType, TwoPhaseFile


@login_required
@permission_required("cases.view_meeting", raise_exception=True)
@require_GET
def meeting_list(request):
    meetings = selectors.meetings_visible_to(user=request.user)[:100]
    return render(
        request,
        "cases/meeting_list.html",
        {"meetings": meetings, "can_add": request.user.has_perm("cases.add_meeting")},
    )


@login_required
@permission_required("cases.add_meeting", raise_exception=True)
@require_http_methods(["GET", "POST"])
def meeting_create(request):
    form = forms.MeetingForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.meeting_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Het overleg is gepland."))
            return redirect("cases:meeting_detail", pk=meeting.pk)
    return render(request, "cases/form.html", {"form": form, "title": _("Nieuw overleg")})


@login_required
@permission_required("cases.view_meeting", raise_exception=True)
@code_accepted_required
@require_GET
def meeting_detail(request, pk: int):
    meeting = selectors.meeting_get_for(user=request.user, pk=pk)
    items = list(selectors.meeting_items_for(meeting=meeting, user=request.user))
    addable = []
    if meeting.organiser_id == request.user.pk:
        types = services.MEETING_CASE_TYPES[meeting.meeting_type]
        on_agenda = meeting.items.values_list("case_id", flat=True)
        addable = list(
            selectors.cases_visible_to(user=request.user)
            .filter(case_type__in=types)
            .exclude(pk__in=on_agenda)
            .exclude(status="afgesloten")
            .order_by("-registered_at")[:200]
        )
    return render(
        request,
        "cases/meeting_detail.html",
        {
            "meeting": meeting,
            "items": items,
            "addable": addable,
            "participants": meeting.participants.select_related("organisation"),
        },
    )


@login_required
@permission_required("cases.view_meeting", raise_exception=True)
@code_accepted_required
@require_POST
def meeting_item_add(request, pk: int):
    meeting = selectors.meeting_get_for(user=request.user, pk=pk)
    case = selectors.case_get_for(user=request.user, pk=request.POST.get("case", ""), perm="change")
    _change_and_report(
        request,
        partial(services.meeting_item_add, actor=request.user, meeting=meeting, case=case),
        done=_("De casus staat op de agenda."),
    )
    return redirect("cases:meeting_detail", pk=meeting.pk)


def _change_and_report(request, change, *, done: str) -> None:
    """Run a one-click change (a button that redirects back) and report it as a
    message: a refusal of the service is an error message, a permission refusal
    a 404, the same answer as for a row that does not exist."""
    try:
        change()
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except PermissionDenied:
        raise Http404 from None
    else:
        messages.success(request, done)


def _meeting_item_for(request, pk: int, item_pk: int):
    """The meeting and one of its agenda items; 404 when either is missing or
    the user may not see it."""
    meeting = selectors.meeting_get_for(user=request.user, pk=pk)
    return meeting, selectors.meeting_item_get_for(user=request.user, meeting=meeting, item_pk=item_pk)


def _item_members(item):
    return User.objects.filter(case_memberships__case=item.case, case_memberships__removed_at__isnull=True).order_by(
        "last_name"
    )


def _item_context(request, meeting, item, minutes_form=None, conflict=False, decision_form=None, action_form=None):
    members = _item_members(item)
    subjects = selectors.case_subjects(case=item.case, viewer=request.user)
    action_form = action_form or forms.ActionForm(members=members)
    # The picker offers no day before the meeting (the service refuses those).
    meeting_day = timezone.localdate(meeting.starts_at)
    action_form.fields["due_date"].widget.attrs["min"] = meeting_day.isoformat()
    action_form.fields["due_date"].help_text = _("Op of na de dag van het overleg (%(day)s).") % {
        "day": meeting_day.strftime("%d-%m-%Y")
    }
    return {
        "meeting": meeting,
        "item": item,
        "subjects": subjects,
        "minutes_form": minutes_form
        or forms.MinutesForm(initial={"minutes": item.minutes, "version": item.minutes_version}),
        "decision_form": decision_form or forms.DecisionForm(),
        "action_form": action_form,
        "conflict": conflict,
        "can_change": selectors.membership(user=request.user, case=item.case).role in selectors.CHANGE_ROLES,
        "statuses": ActionItem.Status.choices,
    }


def _render_item(request, meeting, item, *, status: int = 200, **context):
    """Render a meeting item's page (subjects, minutes, decisions: personal
    data) and record that read: every rendering of the page, whichever view
    answers with it, writes exactly one ``cases.meeting_item_viewed`` event."""
    audit.record_access(
        actor=request.user, obj=item.case, purpose="case meeting item", action="cases.meeting_item_viewed"
    )
    return render(request, "cases/meeting_item.html", _item_context(request, meeting, item, **context), status=status)


@login_required
@permission_required("cases.view_meeting", raise_exception=True)
@code_accepted_required
@require_http_methods(["GET", "POST"])
def meeting_item(request, pk: int, item_pk: int):
    """One case on the agenda: its minutes (with conflict detection), decisions and actions."""
    meeting, item = _meeting_item_for(request, pk, item_pk)
    if request.method == "POST":
        form = forms.MinutesForm(request.POST)
        if form.is_valid():
            try:
                services.minutes_save(
                    actor=request.user,
                    item=item,
                    text=form.cleaned_data["minutes"],
                    expected_version=form.cleaned_data["version"],
                )
            except services.MinutesConflict as exc:
                item.refresh_from_db()
                form.add_error(None, exc)
                return _render_item(request, meeting, item, minutes_form=form, conflict=True, status=409)
            except ValidationError as exc:
                apply_validation_error(form, exc)
            except PermissionDenied:
                raise Http404 from None
            else:
                messages.success(request, _("Het verslag is bewaard."))
                return redirect("cases:meeting_item", pk=meeting.pk, item_pk=item.pk)
        return _render_item(request, meeting, item, minutes_form=form)
    return _render_item(request, meeting, item)


@login_required
@permission_required("cases.view_meeting", raise_exception=True)
@code_accepted_required
@require_POST
def decision_add(request, pk: int, item_pk: int):
    """Record a decision. An error shows the item page again with the text
    kept and the message next to the field."""
    meeting, item = _meeting_item_for(request, pk, item_pk)
    return _save_item_form(
        request,
        meeting,
        item,
        form_name="decision_form",
        form=forms.DecisionForm(request.POST),
        save=lambda data: services.decision_record(actor=request.user, item=item, text=data["text"]),
        done=_("De beslissing is genoteerd."),
    )


@login_required
@permission_required("cases.view_meeting", raise_exception=True)
@code_accepted_required
@require_POST
def action_add(request, pk: int, item_pk: int):
    """Add an action to the item's case. An error shows the item page again
    with everything the user chose and the message next to its field."""
    meeting, item = _meeting_item_for(request, pk, item_pk)
    return _save_item_form(
        request,
        meeting,
        item,
        form_name="action_form",
        form=forms.ActionForm(request.POST, members=_item_members(item)),
        save=lambda data: services.action_item_create(actor=request.user, case=item.case, item=item, **data),
        done=_("De actie is toegevoegd."),
    )


def _save_item_form(request, meeting, item, *, form_name: str, form, save, done: str):
    """Save a form posted from a meeting item's page with ``save(cleaned_data)``.
    Saved: a message and back to the page. Not valid or refused by the service:
    the page again, the form (as ``form_name``) keeping the input with the error
    at its field. A permission refusal is a 404."""
    if form.is_valid():
        try:
            save(form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        except PermissionDenied:
            raise Http404 from None
        else:
            messages.success(request, done)
            return redirect("cases:meeting_item", pk=meeting.pk, item_pk=item.pk)
    return _render_item(request, meeting, item, **{form_name: form})


@login_required
@permission_required("cases.view_meeting", raise_exception=True)
@require_GET
def meeting_ics(request, pk: int):
    """An iCalendar invitation. It names the meeting only, never its cases."""
    from icalendar import Calendar, Event

    meeting = selectors.meeting_get_for(user=request.user, pk=pk)
    cal = Calendar()
    cal.add("prodid", "-//Schakel//casusoverleg//NL")
    cal.add("version", "2.0")
    cal.add("method", "PUBLISH")
    event = Event()
    event.add("uid", f"meeting-{meeting.pk}@schakel")
    event.add("summary", f"{meeting.get_meeting_type_display()}: {meeting.title}")
    event.add("dtstart", meeting.starts_at)
    event.add("dtend", meeting.ends_at)
    event.add("dtstamp", timezone.now())
    if meeting.location:
        event.add("location", meeting.location)
    event.add("description", _("Agenda en stukken staan in Schakel (alleen voor de leden van elke casus)."))
    cal.add_component(event)
    response = HttpResponse(cal.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="overleg-{meeting.pk}.ics"'
    return response


@login_required
@permission_required("cases.view_meeting", raise_exception=True)
@code_accepted_required
@require_GET
def item_pdf(request, pk: int, item_pk: int):
    """PDF minutes of one case item, for members of that case only."""
    from xhtml2pdf import pisa

    meeting, item = _meeting_item_for(request, pk, item_pk)
    audit.record_access(actor=request.user, obj=item.case, purpose="PDF minutes", action="cases.minutes_pdf")
    html = render_to_string(
        "cases/minutes_pdf.html",
        {
            "meeting": meeting,
            "item": item,
            "subjects": selectors.case_subjects(case=item.case, viewer=request.user),
            "members": selectors.case_members(case=item.case),
            "generated_at": timezone.now(),
            "user": request.user,
        },
    )
    from django.contrib.staticfiles import finders
    from xhtml2pdf.default import DEFAULT_CSS

    with open(finders.find("cases/minutes_pdf.css"), encoding="utf-8") as fh:
        css = DEFAULT_CSS + fh.read()
    out = BytesIO()
    result = pisa.CreatePDF(html, dest=out, encoding="utf-8", default_css=css)
    if result.err:  # pragma: no cover - template is ours
        raise ValueError("PDF rendering failed")
    response = HttpResponse(out.getvalue(), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="verslag-{item.case.reference}-{meeting.starts_at:%Y%m%d}.pdf"'
    )
    return response


# --- Plan of approach ------------------------------------------------------------


@login_required
@code_accepted_required
@require_http_methods(["GET", "POST"])
def plan(request, pk: int):
    case = selectors.case_get_for(user=request.user, pk=pk)
    member = case.viewer_membership
    intervention_form = forms.InterventionForm(prefix="i")
    exit_form = forms.ExitGoalForm(prefix="e")
    if request.method == "POST":
        case = selectors.case_get_for(user=request.user, pk=pk, perm="change")
        try:
            if "i-track" in request.POST:
                intervention_form = forms.InterventionForm(request.POST, prefix="i")
                if intervention_form.is_valid():
                    services.intervention_add(actor=request.user, case=case, **intervention_form.cleaned_data)
                    messages.success(request, _("De interventie is toegevoegd."))
                    return redirect("cases:plan", pk=case.pk)
            else:
                exit_form = forms.ExitGoalForm(request.POST, prefix="e")
                if exit_form.is_valid():
                    services.exit_goal_add(actor=request.user, case=case, **exit_form.cleaned_data)
                    messages.success(request, _("Het doel is toegevoegd aan het exitplan."))
                    return redirect("cases:plan", pk=case.pk)
        except ValidationError as exc:
            apply_validation_error(intervention_form if "i-track" in request.POST else exit_form, exc)
    return render(
        request,
        "cases/plan.html",
        {
            "case": case,
            "plan": selectors.case_plan(case=case),
            "intervention_form": intervention_form,
            "exit_form": exit_form,
            "is_youth": case.case_type == CaseType.YOUTH,
            "can_change": member.role in selectors.CHANGE_ROLES,
        },
    )


# --- Two-phase list ----------------------------------------------------------------


@login_required
@permission_required("cases.view_twophasefile", raise_exception=True)
@require_http_methods(["GET", "POST"])
def twophase_list(request):
    rows = selectors.twophase_visible_to(user=request.user)
    if not request.user.organisation or request.user.organisation.kind not in ("police", "prosecutor"):
        raise PermissionDenied
    form = forms.TwoPhaseForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.twophase_propose(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Het dossier is voorgesteld."))
            return redirect("cases:twophase_list")
    rows = list(rows[:200])
    member_of = set(
        selectors.cases_visible_to(user=request.user)
        .filter(pk__in=[r.case_id for r in rows if r.case_id])
        .values_list("pk", flat=True)
    )
    for r in rows:
        r.case_visible = r.case_id in member_of
    from schakel.legal.models import LegalGround

    return render(
        request,
        "cases/twophase_list.html",
        {
            "rows": rows,
            "form": form,
            "phases": TwoPhaseFile.Phase,
            "grounds": LegalGround.objects.filter(active=True).order_by("name"),
            "default_ground": LegalGround.objects.filter(code="art-458ter-sw").values_list("pk", flat=True).first(),
        },
    )


@login_required
@permission_required("cases.change_twophasefile", raise_exception=True)
@require_POST
def twophase_decide(request, pk: int):
    row = selectors.twophase_visible_to(user=request.user).filter(pk=pk).first()
    if row is None:
        raise Http404
    from schakel.legal.models import LegalGround

    ground_id = request.POST.get("legal_ground", "")
    ground = LegalGround.objects.filter(pk=int(ground_id), active=True).first() if ground_id.isdigit() else None
    try:
        row = services.twophase_decide(
            actor=request.user, row=row, phase=request.POST.get("phase", ""), legal_ground=ground
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except PermissionDenied:
        messages.error(request, _("U mag geen OBH-casus openen; vraag een collega met die bevoegdheid."))
    else:
        if row.case_id:
            messages.success(request, _("Het dossier is overgedragen: de OBH-casus is geopend met u als eigenaar."))
            return redirect("cases:detail", pk=row.case_id)
        messages.success(request, _("De fase is bijgewerkt."))
    return redirect("cases:twophase_list")


@login_required
@permission_required("cases.view_meeting", raise_exception=True)
@code_accepted_required
@require_POST
def action_status(request, pk: int, item_pk: int, action_pk: int):
    meeting, item = _meeting_item_for(request, pk, item_pk)
    action = get_object_or_404(item.case.action_items, pk=action_pk)
    _change_and_report(
        request,
        partial(
            services.action_item_set_status, actor=request.user, action=action, status=request.POST.get("status", "")
        ),
        done=_("De status van de actie is bijgewerkt."),
    )
    return redirect("cases:meeting_item", pk=meeting.pk, item_pk=item.pk)


# --- Status of interventions and exit-plan goals ---------------------------------------


def _plan_step(request, case, set_status):
    """Take the posted status step of one row of the case's plan with
    ``set_status(actor=, to_status=, note=)``, report it, back to the plan."""
    form = forms.StatusStepForm(request.POST)

    def step():
        if not form.is_valid():
            raise ValidationError(_("Kies een nieuwe status."))
        set_status(actor=request.user, to_status=form.cleaned_data["to_status"], note=form.cleaned_data["note"])

    _change_and_report(request, step, done=_("De status is gewijzigd."))
    return redirect("cases:plan", pk=case.pk)


@login_required
@code_accepted_required
@require_POST
def intervention_status(request, pk: int, item_pk: int):
    case = selectors.case_get_for(user=request.user, pk=pk, perm="change")
    intervention = get_object_or_404(case.interventions, pk=item_pk)
    return _plan_step(request, case, partial(services.intervention_set_status, intervention=intervention))


@login_required
@code_accepted_required
@require_POST
def exit_goal_status(request, pk: int, item_pk: int):
    case = selectors.case_get_for(user=request.user, pk=pk, perm="change")
    goal = get_object_or_404(case.exit_goals, pk=item_pk)
    return _plan_step(request, case, partial(services.exit_goal_set_status, goal=goal))
