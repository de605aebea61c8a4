"""Case pages. Every view that shows case content goes through
``selectors.case_get_for`` (404 for missing and not-a-member alike) and the
deontological-code gate."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from schakel.accounts.models import User
from schakel.audit import services as audit
from schakel.core.forms import apply_validation_error, posted
from schakel.legal.decorators import code_accepted_required
from schakel.subjects import services as subject_services
from schakel.subjects.models import Subject

from . import forms, selectors, services
from .models import PARTICIPATE_PERMISSION, TRANSITIONS, CaseStatus, CaseSubject, CaseType, Hit


@login_required
@permission_required("cases.view_case", raise_exception=True)
@require_GET
def case_list(request):
    case_type = request.GET.get("type", "")
    status = request.GET.get("status", "")
    query = request.GET.get("q", "").strip()[:100]
    if case_type not in CaseType.values:
        case_type = ""
    if status not in CaseStatus.values:
        status = ""
    cases = selectors.cases_list(user=request.user, case_type=case_type, status=status, query=query)
    page = Paginator(cases, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "cases/case_list.html",
        {
            "page": page,
            "q": query,
            "type": case_type,
            "status": status,
            "types": [c for c in CaseType.choices if c[0] in selectors.allowed_types(request.user)],
            "statuses": CaseStatus.choices,
            "can_add": request.user.has_perm("cases.add_case"),
            "open_hits": selectors.hits_for_owner(user=request.user).filter(status=Hit.Status.NEW).count(),
            "notifications": list(selectors.notifications_for(user=request.user)[:10]),
        },
    )


@login_required
@permission_required("cases.add_case", raise_exception=True)
@code_accepted_required
@require_http_methods(["GET", "POST"])
def case_create(request):
    allowed = selectors.allowed_types(request.user)
    form = forms.CaseOpenForm(posted(request), allowed_types=allowed)
    if request.method == "POST" and form.is_valid():
        try:
            case = services.case_open(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("De casus is geopend. Voeg nu de leden van de kring toe."))
            return redirect("cases:detail", pk=case.pk)
    return render(request, "cases/form.html", {"form": form, "title": _("Nieuwe casus")})


@login_required
@code_accepted_required
@require_GET
def case_detail(request, pk: int):
    case = selectors.case_get_for(user=request.user, pk=pk)
    audit.record_access(actor=request.user, obj=case, purpose="case consultation", action="cases.case_opened_view")
    member = case.viewer_membership
    subjects = selectors.case_subjects(case=case, viewer=request.user)
    services.notifications_mark_read(actor=request.user, case=case)
    context = {
        "case": case,
        "member": member,
        "can_change": member.role in selectors.CHANGE_ROLES,
        "can_manage": member.role in selectors.MANAGE_ROLES,
        "members": list(selectors.case_members(case=case)),
        "subjects": subjects,
        "links": list(selectors.case_links(case=case).select_related("source_subject", "target_subject")),
        "labels": {r.subject_id: r.label for r in subjects},
        "history": list(case.status_changes.select_related("changed_by")),
        "next_statuses": [(s, CaseStatus(s).label) for s in TRANSITIONS[case.status]],
        "hits": list(selectors.hits_for_owner(user=request.user).filter(case=case))
        if case.owner_id == request.user.pk
        else [],
        "status_form": forms.StatusForm(),
        "reveal_form": forms.RevealForm(),
        "signals": selectors.case_signals(case=case, viewer=request.user),
        "can_link_signals": member.role in selectors.CHANGE_ROLES and request.user.has_perm("cases.link_signal"),
    }
    context["status_form"].fields["to_status"].choices = context["next_statuses"]
    if CaseStatus.CLOSED in TRANSITIONS[case.status]:
        context["status_form"].fields["note"].help_text = _(
            "Verplicht bij ‘Afgesloten’; u bevestigt het afsluiten op de volgende pagina."
        )
    for link in context["links"]:
        link.source_label = context["labels"].get(link.source_subject_id, "")
        link.target_label = context["labels"].get(link.target_subject_id, "")
    return render(request, "cases/case_detail.html", context)


@login_required
@code_accepted_required
@require_POST
def case_status(request, pk: int):
    """A status step from the case page. Closing is a two-step action: the
    first POST shows a confirmation page that asks for the reason and says
    that the retention period starts; only a POST with ``confirm`` closes."""
    case = selectors.case_get_for(user=request.user, pk=pk, perm="change")
    to_status = request.POST.get("to_status", "")
    if to_status == CaseStatus.CLOSED and to_status in TRANSITIONS[case.status]:
        return _case_close(request, case)
    try:
        services.case_status_change(
            actor=request.user,
            case=case,
            to_status=to_status,
            note=request.POST.get("note", ""),
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("De status is gewijzigd."))
    return redirect("cases:detail", pk=case.pk)


def _case_close(request, case):
    from django.utils import timezone

    from .retention import deletion_due

    confirmed = request.POST.get("confirm") == "1"
    form = forms.CaseCloseForm(request.POST if confirmed else None, initial={"note": request.POST.get("note", "")})
    if confirmed and form.is_valid():
        try:
            services.case_status_change(
                actor=request.user, case=case, to_status=CaseStatus.CLOSED, note=form.cleaned_data["note"]
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("De casus is afgesloten. De bewaartermijn loopt vanaf nu."))
            return redirect("cases:detail", pk=case.pk)
    rule, due = deletion_due(case_type=case.case_type, closed_at=timezone.now())
    return render(
        request,
        "cases/case_close.html",
        {
            "case": case,
            "form": form,
            "rule": rule,
            "deletion_due": due,
            "open_actions": case.action_items.filter(status__in=["open", "in_progress"]).count(),
        },
    )


@login_required
@code_accepted_required
@require_http_methods(["GET", "POST"])
def member_add(request, pk: int):
    case = selectors.case_get_for(user=request.user, pk=pk, perm="manage")
    perm = PARTICIPATE_PERMISSION[case.case_type]
    app_label, codename = perm.split(".")
    from django.db.models import Q

    candidates = (
        User.objects.filter(is_active=True)
        .filter(
            Q(user_permissions__codename=codename, user_permissions__content_type__app_label=app_label)
            | Q(groups__permissions__codename=codename, groups__permissions__content_type__app_label=app_label)
        )
        .exclude(case_memberships__case=case, case_memberships__removed_at__isnull=True)
        .select_related("organisation")
        .distinct()
        .order_by("last_name", "first_name")
    )
    form = forms.MemberAddForm(posted(request), candidates=candidates)
    if request.method == "POST" and form.is_valid():
        try:
            services.case_member_add(actor=request.user, case=case, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Het lid is toegevoegd aan de kring."))
            return redirect("cases:detail", pk=case.pk)
    return render(request, "cases/form.html", {"form": form, "case": case, "title": _("Lid toevoegen")})


@login_required
@code_accepted_required
@require_POST
def member_remove(request, pk: int, member_pk: int):
    case = selectors.case_get_for(user=request.user, pk=pk, perm="manage")
    member = case.members.filter(pk=member_pk, removed_at__isnull=True).first()
    if member is None:
        raise Http404
    try:
        services.case_member_remove(actor=request.user, case=case, member=member)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Het lid is uit de kring verwijderd."))
    return redirect("cases:detail", pk=case.pk)


def _create_subject(actor, data) -> Subject:
    kind = data["kind"]
    if kind == Subject.Kind.PERSON:
        return subject_services.person_create(
            actor=actor,
            first_name=data["first_name"],
            last_name=data["last_name"],
            birth_date=data["birth_date"],
            national_number=data["national_number"],
            is_minor=data["is_minor"],
        )
    if kind == Subject.Kind.ENTERPRISE:
        return subject_services.enterprise_create(
            actor=actor,
            name=data["name"],
            kbo_number=data["kbo_number"],
            legal_form=data["legal_form"],
            nace_code=data["nace_code"],
        )
    if kind == Subject.Kind.ESTABLISHMENT:
        return subject_services.establishment_create(
            actor=actor,
            name=data["name"],
            address_text=data["address_text"],
            sector=data["sector"],
            permits=data["permits"],
        )
    return subject_services.vehicle_create(actor=actor, plate=data["plate"], description=data["description"])


@login_required
@code_accepted_required
@require_http_methods(["GET", "POST"])
def subject_add(request, pk: int):
    """Register a subject in this case. The page answers the same whether or
    not the subject matched something elsewhere (hit/no-hit)."""
    case = selectors.case_get_for(user=request.user, pk=pk, perm="change")
    form = forms.SubjectAddForm(posted(request), case_type=case.case_type)
    if request.method == "POST" and form.is_valid():
        from django.db import transaction

        try:
            with transaction.atomic():
                subject = _create_subject(request.user, form.cleaned_data)
                services.case_subject_add(
                    actor=request.user, case=case, subject=subject, role=form.cleaned_data["role"]
                )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        except PermissionDenied:
            form.add_error(None, _("U mag geen subjecten registreren."))
        else:
            messages.success(request, _("Het subject is aan de casus toegevoegd."))
            return redirect("cases:detail", pk=case.pk)
    return render(
        request,
        "cases/subject_form.html",
        {
            "form": form,
            "case": case,
            "title": _("Subject toevoegen"),
            "roles_by_kind": CaseSubject.ROLES_BY_KIND,
        },
    )


@login_required
@code_accepted_required
@require_POST
def reveal(request, pk: int, subject_pk: int):
    case = selectors.case_get_for(user=request.user, pk=pk)
    row = selectors.case_subject_get(case=case, subject_pk=subject_pk)
    form = forms.RevealForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Geef een reden van minstens 10 tekens."))
        services.identity_reveal(actor=request.user, case=case, subject=row.subject, reason=form.cleaned_data["reason"])
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("De identiteit is zichtbaar gemaakt; de eigenaar van de casus is verwittigd."))
    return redirect("cases:detail", pk=case.pk)


@never_cache  # the preview shows the summary text (subject names)
@login_required
@code_accepted_required
@require_http_methods(["GET", "POST"])
def disclose(request, pk: int):
    """Disclose the case summary in three steps: the form, then a preview of
    exactly the text that the disclosure event will fingerprint; only the
    confirmation (``confirm`` with the previewed ``sha256``) records it, and
    only then does the confirmation page (``disclosed``) offer the file."""
    case = selectors.case_get_for(user=request.user, pk=pk, perm="change")
    form = forms.DiscloseForm(posted(request))
    context = {
        "form": form,
        "case": case,
        "title": _("Samenvatting verstrekken"),
        "submit_label": _("Samenvatting bekijken"),
    }
    if request.method == "POST" and "edit" not in request.POST and form.is_valid():
        # Recording needs the fingerprint of a preview the user saw.
        confirmed = request.POST.get("confirm") == "1" and bool(request.POST.get("sha256"))
        try:
            if confirmed:
                digest = services.case_summary_disclose(
                    actor=request.user, case=case, summary_sha256=request.POST.get("sha256", ""), **form.cleaned_data
                )
            else:
                services.case_summary_disclose_check(actor=request.user, case=case, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
            if confirmed and not form.errors.keys() - {"__all__"}:
                # Only the fingerprint failed (the case changed): show the new preview.
                context["stale"] = True
            else:
                return render(request, "cases/form.html", context)
        else:
            if confirmed:
                messages.success(
                    request,
                    _("De verstrekking van de samenvatting is geregistreerd (vingerafdruk %(sha)s).")
                    % {"sha": digest[:12]},
                )
                return redirect(f"{reverse('cases:disclosed', args=[case.pk])}?sha256={digest}")
        context["summary"], context["sha256"] = selectors.case_summary(case=case)
        audit.record_access(
            actor=request.user,
            obj=case,
            purpose="case consultation",
            action="cases.case_opened_view",
            summary=f"summary preview sha256:{context['sha256']}",
        )
        return render(request, "cases/disclose_preview.html", context)
    return render(request, "cases/form.html", context)


def _recorded_disclosure(request, pk: int):
    """The case, the disclosure of its summary that this user recorded with
    fingerprint ``?sha256=``, and whether the summary still has that
    fingerprint. 404 when there is no such disclosure (or no such case)."""
    case = selectors.case_get_for(user=request.user, pk=pk, perm="change")
    wanted = request.GET.get("sha256", "")
    event = selectors.summary_disclosure_for(user=request.user, case=case, sha256=wanted)
    if event is None:
        raise Http404
    text, digest = selectors.case_summary(case=case)
    return case, event, text, digest == wanted


def _disclosed_page(request, case, event, *, current: bool, status: int = 200):
    response = render(
        request,
        "cases/disclose_done.html",
        {"case": case, "event": event, "sha256": request.GET["sha256"], "current": current},
        status=status,
    )
    response["Cache-Control"] = "private, no-store"
    return response


@never_cache
@login_required
@code_accepted_required
@require_GET
def disclosed(request, pk: int):
    """After "Verstrekking registreren": what was recorded, and the download
    of exactly the text that the disclosure event fingerprints."""
    case, event, _text, current = _recorded_disclosure(request, pk)
    return _disclosed_page(request, case, event, current=current)


@login_required
@code_accepted_required
@require_GET
def disclose_text(request, pk: int):
    """The case summary as a text file, to send to the recipient: only for a
    disclosure this user recorded (``?sha256=`` of its event, else 404), and
    only while the summary still has that fingerprint (409 when the case
    changed since), so the file sent is exactly the one the log fingerprints."""
    from django.http import HttpResponse

    case, event, text, current = _recorded_disclosure(request, pk)
    if not current:
        return _disclosed_page(request, case, event, current=False, status=409)
    digest = event.summary.rsplit(":", 1)[1]
    audit.record_access(
        actor=request.user,
        obj=case,
        purpose="case consultation",
        action="cases.case_opened_view",
        summary=f"summary download sha256:{digest}",
    )
    response = HttpResponse(text, content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="samenvatting-{case.reference}-{digest[:12]}.txt"'
    # Subject names: never kept by the browser's disk cache or a proxy.
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@code_accepted_required
@require_http_methods(["GET", "POST"])
def link_add(request, pk: int):
    case = selectors.case_get_for(user=request.user, pk=pk, perm="change")
    subjects = selectors.case_subjects(case=case, viewer=request.user)
    choices = [(r.subject_id, r.label) for r in subjects]
    form = forms.LinkForm(posted(request), subject_choices=choices)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.case_link_create(
                actor=request.user,
                case=case,
                source_subject_id=data["source_subject"],
                target_subject_id=data["target_subject"],
                link_type=data["link_type"],
                source=data["source"],
                valid_from=data["valid_from"],
                valid_until=data["valid_until"],
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("De band is toegevoegd."))
            return redirect("cases:detail", pk=case.pk)
    return render(request, "cases/form.html", {"form": form, "case": case, "title": _("Band toevoegen")})


@login_required
@code_accepted_required
@require_GET
def network(request, pk: int):
    case = selectors.case_get_for(user=request.user, pk=pk)
    audit.record_access(actor=request.user, obj=case, purpose="case network view", action="cases.network_viewed")
    return render(
        request, "cases/network.html", {"case": case, "graph": selectors.case_network(case=case, viewer=request.user)}
    )


@login_required
@permission_required("cases.view_case", raise_exception=True)
@require_GET
def hit_list(request):
    hits = selectors.hits_for_owner(user=request.user)
    page = Paginator(hits, 25).get_page(request.GET.get("page"))
    for hit in page.object_list:
        hit.label, _hidden = selectors.subject_label(hit.matched_subject, case=hit.case, role="", revealed=set())
    return render(request, "cases/hit_list.html", {"page": page})


@login_required
@require_POST
def hit_decide(request, pk: int):
    hit = selectors.hits_for_owner(user=request.user).filter(pk=pk).first()
    if hit is None:
        raise Http404
    try:
        services.hit_decide(actor=request.user, hit=hit, status=request.POST.get("status", ""))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Uw beslissing over de hit is bewaard."))
    return redirect("cases:hit_list")


@login_required
@permission_required("subjects.merge_subject", raise_exception=True)
@code_accepted_required
@require_http_methods(["GET", "POST"])
def duplicates(request, pk: int):
    """Possible duplicates of this case's subjects (among subjects the user
    sees) and their merge, which keeps the duplicate and a snapshot."""
    case = selectors.case_get_for(user=request.user, pk=pk, perm="change")
    if request.method == "POST":
        visible = selectors.subjects_visible_to(user=request.user)
        pair = [request.POST.get("pair_a", ""), request.POST.get("pair_b", "")]
        chosen = request.POST.get("survivor", "")
        other = pair[1] if chosen == pair[0] else pair[0] if chosen == pair[1] else ""
        survivor = visible.filter(pk=int(chosen)).first() if chosen.isdigit() else None
        duplicate = visible.filter(pk=int(other)).first() if other.isdigit() else None
        if survivor is None or duplicate is None:
            raise Http404
        try:
            subject_services.subject_merge(
                actor=request.user, survivor=survivor, duplicate=duplicate, reason=request.POST.get("reason", "")
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        except PermissionDenied:
            raise Http404 from None
        else:
            messages.success(request, _("De subjecten zijn samengevoegd; de geschiedenis is bewaard."))
        return redirect("cases:duplicates", pk=case.pk)
    return render(
        request,
        "cases/duplicates.html",
        {"case": case, "pairs": selectors.case_duplicates(case=case, viewer=request.user)},
    )


# --- Linked signals ------------------------------------------------------------------


@login_required
@permission_required("cases.link_signal", raise_exception=True)
@code_accepted_required
@require_http_methods(["GET", "POST"])
def signal_link(request, pk: int):
    """Link a signal the user may see to the case. A number that does not
    exist and one the user may not see get the same message."""
    from schakel.signals import selectors as signal_selectors

    case = selectors.case_get_for(user=request.user, pk=pk, perm="change")
    form = forms.SignalLinkForm(posted(request))
    if request.method == "POST" and form.is_valid():
        signal = signal_selectors.signals_visible_to(request.user).filter(pk=form.cleaned_data["signal"]).first()
        try:
            if signal is None:
                raise ValidationError({"signal": _("Er is geen signaal met dit nummer dat u mag inzien.")})
            services.case_signal_link(actor=request.user, case=case, signal=signal, note=form.cleaned_data["note"])
        except ValidationError as exc:
            apply_validation_error(form, exc)
        except PermissionDenied:
            form.add_error("signal", _("Er is geen signaal met dit nummer dat u mag inzien."))
        else:
            messages.success(request, _("Het signaal is aan de casus gekoppeld."))
            return redirect("cases:detail", pk=case.pk)
    return render(request, "cases/form.html", {"form": form, "case": case, "title": _("Signaal koppelen")})


# The BPMN steps after which a signal is handled as a case: (process key, task
# id in the shipped .bpmn) -> the type of case opened from it.
CASE_STEPS = {
    ("jongeren_vroegdetectie", "casus"): CaseType.YOUTH,  # "Casusaanpak opstarten (SAMEN)"
    ("signaal_triage", "obh"): CaseType.OBH,  # "Opvolging in het OBH"
}


def _case_step_type(signal) -> str | None:
    """The case type of the signal's open case-approach step, or None."""
    from schakel.workflows.models import WorkItem

    instances = [pk for pk in (signal.instance_id, signal.youth_instance_id) if pk]
    items = WorkItem.objects.filter(instance_id__in=instances, status=WorkItem.Status.OPEN).select_related(
        "instance__definition"
    )
    for item in items.order_by("pk"):
        case_type = CASE_STEPS.get((item.instance.definition.key, item.bpmn_id))
        if case_type:
            return case_type
    return None


def _linked_cases_visible(*, user, signal_id: int) -> list:
    """The cases the signal is linked to now that the user may see (a case he
    is not a member of is not mentioned at all)."""
    from .models import CaseSignalLink

    case_ids = set(CaseSignalLink.objects.filter(signal_id=signal_id).values_list("case_id", flat=True))
    visible = selectors.cases_visible_to(user=user).filter(pk__in=case_ids).order_by("pk")
    return [case for case in visible if signal_id in selectors.linked_signal_ids(case=case)]


@login_required
@permission_required("cases.add_case", raise_exception=True)
@permission_required("cases.link_signal", raise_exception=True)
@code_accepted_required
@require_http_methods(["GET", "POST"])
def case_from_signal(request, signal_pk: int):
    """Open a case from a signal whose open step is a case-approach step, the
    signal linked to it in the same transaction. A signal that does not exist,
    that the user may not see, that is not at such a step, or whose case type
    the user may not join: 404 alike. A signal already linked to a case the
    user may see leads to that case. The BPMN step stays open: the user
    completes it on the signal page."""
    from schakel.signals import selectors as signal_selectors

    signal = signal_selectors.signals_visible_to(request.user).filter(pk=signal_pk).first()
    case_type = _case_step_type(signal) if signal is not None else None
    if case_type is None or not request.user.has_perm(PARTICIPATE_PERMISSION[case_type]):
        raise Http404
    linked = _linked_cases_visible(user=request.user, signal_id=signal.pk)
    if linked:
        messages.info(
            request,
            _("Signaal %(signal)s is al gekoppeld aan casus %(case)s.")
            % {"signal": signal.reference, "case": linked[0].reference},
        )
        return redirect("cases:detail", pk=linked[0].pk)
    suggestion = {
        CaseType.YOUTH: _("Casusaanpak jongere na signaal %(ref)s"),
        CaseType.OBH: _("OBH-casus na signaal %(ref)s"),
    }[case_type] % {"ref": signal.reference}
    form = forms.CaseFromSignalForm(posted(request), initial={"title": suggestion})
    if request.method == "POST" and form.is_valid():
        try:
            case = services.case_open_from_signal(
                actor=request.user,
                signal=signal,
                case_type=case_type,
                title=form.cleaned_data["title"],
                legal_ground=form.cleaned_data["legal_ground"],
                link_note=form.cleaned_data["link_note"],
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        except PermissionDenied:
            raise Http404 from None
        else:
            messages.success(
                request,
                _(
                    "De casus is geopend en signaal %(ref)s is eraan gekoppeld. Voeg nu de leden van de kring toe; "
                    "rond de stap daarna af op de pagina van het signaal."
                )
                % {"ref": signal.reference},
            )
            return redirect("cases:detail", pk=case.pk)
    return render(
        request,
        "cases/from_signal.html",
        {
            "form": form,
            "signal": signal,
            "case_type_label": CaseType(case_type).label,
            "title": _("Casus openen vanuit signaal %(ref)s") % {"ref": signal.reference},
        },
    )


@login_required
@require_POST
@permission_required("cases.link_signal", raise_exception=True)
@code_accepted_required
def signal_unlink(request, pk: int, signal_pk: int):
    case = selectors.case_get_for(user=request.user, pk=pk, perm="change")
    if signal_pk not in selectors.linked_signal_ids(case=case):
        raise Http404
    try:
        services.case_signal_unlink(
            actor=request.user, case=case, signal_id=signal_pk, note=request.POST.get("note", "")
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except PermissionDenied:
        raise Http404 from None
    else:
        messages.success(request, _("Het signaal is ontkoppeld; de koppeling blijft in de geschiedenis."))
    return redirect("cases:detail", pk=case.pk)


# --- Retention rules (reference data) ---------------------------------------------------


@login_required
@permission_required("cases.view_caseretentionrule", raise_exception=True)
@require_http_methods(["GET", "POST"])
def retention_rules(request):
    """The retention period per case type: read by DPO and administrator,
    edited by the functional administrator."""
    from .models import CaseDeletionProof, CaseRetentionRule

    can_change = request.user.has_perm("cases.change_caseretentionrule")
    rules = list(CaseRetentionRule.objects.order_by("case_type"))
    forms_by_type = {
        r.case_type: forms.RetentionRuleForm(
            prefix=r.case_type, initial={"months_after_close": r.months_after_close, "legal_basis": r.legal_basis}
        )
        for r in rules
    }
    if request.method == "POST":
        if not can_change:
            raise PermissionDenied
        rule = next((r for r in rules if r.case_type == request.POST.get("case_type")), None)
        if rule is None:
            raise Http404
        form = forms.RetentionRuleForm(request.POST, prefix=rule.case_type)
        forms_by_type[rule.case_type] = form
        if form.is_valid():
            services.retention_rule_save(actor=request.user, rule=rule, **form.cleaned_data)
            messages.success(request, _("De bewaartermijn is bewaard."))
            return redirect("cases:retention_rules")
    for r in rules:
        r.form = forms_by_type[r.case_type]
    return render(
        request,
        "cases/retention_rules.html",
        {
            "rules": rules,
            "can_change": can_change,
            "proofs": CaseDeletionProof.objects.order_by("-deleted_at", "-id")[:50],
        },
    )
