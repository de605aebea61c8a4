"""Pages of the plan app. Views hold no business rules: reads through
selectors, writes through services."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from . import selectors, services
from .forms import (
    ActionCreateForm,
    ActionUpdateForm,
    ComputeForm,
    CorrectionForm,
    GroupMemberForm,
    MeasurementForm,
    MeetingForm,
    ObjectiveStatusForm,
    TargetForm,
)
from .planio import export_plan


def _add_errors(form, exc: ValidationError) -> None:
    """A service's refusal on the form: next to its field when the service names
    one the form has, otherwise above the form. The typed values stay."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
        return
    for message in exc.messages:
        form.add_error(None, message)


@login_required
def overview(request):
    plan = selectors.plan_for(request.user, request.GET.get("plan"))
    sds = selectors.plan_tree(plan)
    plans = list(selectors.plans_for(request.user)) if request.GET.get("alle") else None
    return render(
        request,
        "plan/overview.html",
        {"plan": plan, "sds": sds, "plans": plans, "can_manage": services.can_manage(request.user)},
    )


@login_required
def dashboard(request):
    plan = selectors.plan_for(request.user, request.GET.get("plan"), perm=selectors.FOLLOWUP)
    context = selectors.dashboard(plan)
    can_compute = request.user.has_perm("plan.compute_indicators") or services.can_manage(request.user)
    today = timezone.localdate()
    context.update(
        plan=plan,
        can_compute=can_compute,
        compute_form=ComputeForm(initial={"period": f"{today:%Y-%m}"}) if can_compute else None,
    )
    return render(request, "plan/dashboard.html", context)


@login_required
@require_POST
def compute(request):
    plan = selectors.plan_for(request.user, request.POST.get("plan"), perm=selectors.FOLLOWUP)
    form = ComputeForm(request.POST)
    if not form.is_valid():
        for error in form.errors.get("period", []):
            messages.error(request, error)
        return redirect("plan:dashboard")
    year, month = (int(x) for x in form.cleaned_data["period"].split("-"))
    report = services.indicators_compute(actor=request.user, year=year, month=month, plan=plan)
    messages.success(
        request,
        _("Berekend voor %(period)s: %(added)s nieuw, %(corrected)s gecorrigeerd, %(unchanged)s ongewijzigd.")
        % {
            "period": form.cleaned_data["period"],
            "added": report.added,
            "corrected": report.corrected,
            "unchanged": report.unchanged,
        },
    )
    for error in report.errors:
        messages.warning(request, error)
    return redirect("plan:dashboard")


@login_required
@require_http_methods(["GET", "POST"])
def objective(request, pk: int):
    od = selectors.objective_for(request.user, pk)
    plan = od.strategic_objective.plan
    can_edit = services.can_edit_actions(request.user, od.strategic_objective_id)
    action_form = ActionCreateForm(plan=plan)
    status_form = ObjectiveStatusForm(initial={"status": od.status})
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        if "status" in request.POST:
            status_form = ObjectiveStatusForm(request.POST)
            if status_form.is_valid():
                services.objective_set_status(
                    actor=request.user, objective=od, status=status_form.cleaned_data["status"]
                )
                messages.success(request, _("De status is gewijzigd."))
                return redirect("plan:objective", pk=od.pk)
        else:
            action_form = ActionCreateForm(request.POST, plan=plan)
            if action_form.is_valid():
                try:
                    action = services.action_create(actor=request.user, objective=od, **action_form.cleaned_data)
                except ValidationError as exc:
                    _add_errors(action_form, exc)
                else:
                    messages.success(request, _("De actie is toegevoegd."))
                    return redirect("plan:action", pk=action.pk)
    indicators = selectors.objective_indicators(od)
    charts = [selectors.chart_data(i) for i in indicators]
    actions = selectors.objective_actions(od)
    selectors.annotate_objective_status(od, actions)
    return render(
        request,
        "plan/objective.html",
        {
            "od": od,
            "plan": plan,
            "actions": actions,
            "indicators": indicators,
            "charts": charts,
            "can_edit": can_edit,
            "action_form": action_form,
            "status_form": status_form,
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def action(request, pk: int):
    act = selectors.action_for(request.user, pk)
    can_edit = services.can_edit_actions(request.user, act.objective.strategic_objective_id)
    form = ActionUpdateForm(initial={"status": act.status, "progress": act.progress})
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        form = ActionUpdateForm(request.POST)
        if form.is_valid():
            try:
                services.action_add_update(actor=request.user, action=act, **form.cleaned_data)
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                messages.success(request, _("De voortgang is bijgewerkt."))
                return redirect("plan:action", pk=act.pk)
    return render(
        request,
        "plan/action.html",
        {"action": act, "updates": selectors.action_updates(act), "form": form, "can_edit": can_edit},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def indicator(request, pk: int):
    ind = selectors.indicator_for(request.user, pk)
    can_add = services.can_add_measurement(request.user, ind) and ind.source == ind.Source.MANUAL
    form = MeasurementForm()
    target_form = TargetForm(initial={"target_value": ind.target_value, "target_date": ind.target_date})
    if request.method == "POST" and "target_value" in request.POST:
        if not services.can_add_measurement(request.user, ind):
            raise PermissionDenied
        target_form = TargetForm(request.POST)
        if target_form.is_valid():
            try:
                services.indicator_set_target(actor=request.user, indicator=ind, **target_form.cleaned_data)
            except ValidationError as exc:
                _add_errors(target_form, exc)
            else:
                messages.success(request, _("De streefwaarde is bewaard."))
                return redirect("plan:indicator", pk=ind.pk)
    elif request.method == "POST":
        if not services.can_add_measurement(request.user, ind):
            raise PermissionDenied
        form = MeasurementForm(request.POST)
        if form.is_valid():
            try:
                services.measurement_add(actor=request.user, indicator=ind, **form.cleaned_data)
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                messages.success(request, _("De meting is toegevoegd."))
                return redirect("plan:indicator", pk=ind.pk)
    [ind] = selectors.indicators_with_series([ind])
    return render(
        request,
        "plan/indicator.html",
        {
            "indicator": ind,
            "plan": ind.plan,
            "history": selectors.indicator_history(ind),
            "chart": selectors.chart_data(ind),
            "form": form,
            "target_form": target_form,
            "can_add": can_add,
            "can_correct": services.can_add_measurement(request.user, ind),
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def measurement_correct(request, pk: int):
    m = selectors.measurement_for(request.user, pk)
    if not services.can_add_measurement(request.user, m.indicator):
        raise PermissionDenied
    form = CorrectionForm(initial={"value": m.value.normalize()})
    if request.method == "POST":
        form = CorrectionForm(request.POST)
        if form.is_valid():
            try:
                services.measurement_correct(actor=request.user, measurement=m, **form.cleaned_data)
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                messages.success(request, _("De correctie is bewaard; de oorspronkelijke meting blijft zichtbaar."))
                return redirect("plan:indicator", pk=m.indicator_id)
    return render(
        request,
        "plan/measurement_correct.html",
        {"measurement": m, "indicator": m.indicator, "form": form},
        status=400 if request.method == "POST" else 200,
    )


def _group_page(request, grp, *, member_form=None):
    can_manage = services.can_manage(request.user)
    form = MeetingForm()
    if request.method == "POST" and member_form is None:
        if not can_manage:
            raise PermissionDenied
        form = MeetingForm(request.POST)
        if form.is_valid():
            try:
                services.meeting_add(actor=request.user, group=grp, **form.cleaned_data)
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                messages.success(request, _("De vergadering is toegevoegd."))
                return redirect(request.get_full_path())
    data = selectors.group_page(grp)
    if can_manage:
        data["candidates"] = selectors.group_member_candidates(data["members"])
        for m in data["members"]:
            m.candidates = data["candidates"].get(m.organisation_id, [])
    return render(
        request,
        "plan/group.html",
        {
            "group": grp,
            "plan": grp.plan,
            "meeting_form": form,
            "member_form": member_form or GroupMemberForm(),
            "can_manage": can_manage,
            **data,
        },
        status=400 if request.method == "POST" else 200,
    )


def _group_url(grp) -> str:
    if grp.kind == grp.Kind.CORE:
        return f"{reverse('plan:core_group')}?plan={grp.plan.code}"
    return reverse("plan:group", args=[grp.pk])


@login_required
@require_POST
def group_member_add(request, pk: int):
    grp = selectors.group_for(request.user, pk)
    if not services.can_manage(request.user):
        raise PermissionDenied
    form = GroupMemberForm(request.POST)
    if form.is_valid():
        try:
            services.group_member_add(actor=request.user, group=grp, **form.cleaned_data)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("Het lid is toegevoegd."))
            return redirect(_group_url(grp))
    return _group_page(request, grp, member_form=form)


@login_required
@require_POST
def group_member_link(request, pk: int):
    """Link a seat to an account (the ``user`` field), or unlink it (empty)."""
    member = selectors.group_member_for(request.user, pk)
    if not services.can_manage(request.user):
        raise PermissionDenied
    raw = request.POST.get("user", "").strip()
    user = None
    if raw:
        user = selectors.seat_accounts().filter(pk=int(raw) if raw.isdigit() else 0).first()
        if user is None:
            messages.error(request, _("Kies een account dat het plan mag inzien."))
            return redirect(_group_url(member.group))
    try:
        services.group_member_link(actor=request.user, member=member, user=user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(
            request, _("Het account is aan de functie gekoppeld.") if user else _("Het account is ontkoppeld.")
        )
    return redirect(_group_url(member.group))


@login_required
@require_POST
def group_member_remove(request, pk: int):
    member = selectors.group_member_for(request.user, pk)
    if not services.can_manage(request.user):
        raise PermissionDenied
    group = member.group
    services.group_member_remove(actor=request.user, member=member)
    messages.success(request, _("Het lid is uit de groep verwijderd."))
    return redirect(_group_url(group))


@login_required
@require_http_methods(["GET", "POST"])
def group(request, pk: int):
    return _group_page(request, selectors.group_for(request.user, pk))


@login_required
@require_http_methods(["GET", "POST"])
def core_group(request):
    plan = selectors.plan_for(request.user, request.GET.get("plan"), perm=selectors.FOLLOWUP)
    return _group_page(request, selectors.core_group_for(request.user, plan))


@login_required
def report(request):
    plan = selectors.plan_for(request.user, request.GET.get("plan"), perm=selectors.FOLLOWUP)
    context = selectors.report(plan)
    return render(request, "plan/report.html", {"plan": plan, **context})


@login_required
def export(request):
    plan = selectors.plan_for(request.user, request.GET.get("plan"))
    if not services.can_manage(request.user):
        raise PermissionDenied
    response = HttpResponse(export_plan(plan), content_type="application/yaml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{plan.code}.yaml"'
    return response


@login_required
def report_xlsx(request):
    from .xlsx import plan_workbook

    plan = selectors.plan_for(request.user, request.GET.get("plan"), perm=selectors.FOLLOWUP)
    response = HttpResponse(
        plan_workbook(plan), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="{plan.code}.xlsx"'
    return response


@login_required
def report_pdf(request):
    from .pdf import report_pdf as make_pdf

    plan = selectors.plan_for(request.user, request.GET.get("plan"), perm=selectors.FOLLOWUP)
    response = HttpResponse(make_pdf(plan), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{plan.code}-kerngroep.pdf"'
    return response
