"""The data-protection officer's pages: filter the audit trail, export it."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpResponseRedirect, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from . import selectors
from . import services as audit
from .export import csv_lines
from .forms import EventFilterForm
from .selectors import BRUSSELS


def _cursor(value: str | None) -> int | None:
    """A page cursor from the query string; junk is ignored (first page)."""
    if value and value.isdigit() and len(value) <= 18:
        return int(value)
    return None


def _filter_query(request) -> str:
    """The filter part of the query string, without the page cursors."""
    params = request.GET.copy()
    for key in ("before", "after"):
        params.pop(key, None)
    return params.urlencode()


@require_GET
@login_required
@permission_required("audit.view_auditevent", raise_exception=True)
def event_list(request):
    form = EventFilterForm(request.GET or None, user=request.user)
    page = None
    if not request.GET or form.is_valid():
        filters = form.filters() if form.is_bound else None
        qs = selectors.events_visible_to(user=request.user, filters=filters)
        page = selectors.event_page(
            qs, before=_cursor(request.GET.get("before")), after=_cursor(request.GET.get("after"))
        )
    query = _filter_query(request)
    return render(
        request,
        "audit/event_list.html",
        {
            "form": form,
            "page": page,
            "filter_query": query,
            "sees_all": selectors.sees_all_organisations(request.user),
            "export_url": reverse("audit:event_export") + (f"?{query}" if query else ""),
        },
    )


@require_GET
@login_required
@permission_required("audit.view_auditevent", raise_exception=True)
def event_export(request):
    form = EventFilterForm(request.GET or None, user=request.user)
    if form.is_bound and not form.is_valid():
        # Back to the page, which shows the same errors in Dutch.
        return HttpResponseRedirect(reverse("audit:event_list") + "?" + request.GET.urlencode())
    filters = form.filters() if form.is_bound else None
    qs = selectors.events_visible_to(user=request.user, filters=filters)
    used = ", ".join(filters.used()) if filters and filters.used() else "none"
    audit.record_access(
        actor=request.user,
        obj=("audit.auditevent", ""),
        purpose="audit export",
        action="audit.events_exported",
        summary=f"CSV export; filters used: {used}",
    )
    stamp = timezone.now().astimezone(BRUSSELS).strftime("%Y%m%d-%H%M%S")
    response = StreamingHttpResponse(csv_lines(qs.iterator(chunk_size=2000)), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="audittrail-{stamp}.csv"'
    response["Cache-Control"] = "no-store"
    return response
