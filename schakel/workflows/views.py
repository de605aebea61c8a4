from __future__ import annotations

from csp.decorators import csp_update
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from schakel.core.forms import posted, posted_files

from . import selectors, services
from .bpmn import DefinitionError
from .forms import DefinitionUploadForm, LaneTeamForm, ModelerForm


@login_required
@permission_required("workflows.view_processdefinition", raise_exception=True)
def definition_list(request):
    form = None
    if request.user.has_perm(services.PERM_MANAGE):
        form = DefinitionUploadForm(posted(request), posted_files(request))
        if request.method == "POST" and form.is_valid():
            try:
                definition = services.definition_upload(actor=request.user, xml=form.cleaned_data["file"])
            except DefinitionError as exc:
                form.add_error("file", str(exc))
            else:
                messages.success(request, _("Nieuwe versie %(v)s bewaard.") % {"v": definition.version})
                return redirect("workflows:definition_detail", pk=definition.pk)
    return render(
        request, "workflows/definition_list.html", {"definitions": selectors.definitions_latest(), "form": form}
    )


@login_required
@permission_required("workflows.view_processdefinition", raise_exception=True)
def definition_detail(request, pk):
    definition = selectors.definition_get(pk=pk)
    lane_names = sorted({n.get("lane") for n in definition.meta.get("nodes", {}).values() if n.get("lane")})
    lane_form = None
    if request.user.has_perm(services.PERM_MANAGE):
        lane_form = LaneTeamForm(posted(request), lanes=lane_names)
        if request.method == "POST" and lane_form.is_valid():
            services.lane_team_set(
                actor=request.user,
                process_key=definition.key,
                lane=lane_form.cleaned_data["lane"],
                team=lane_form.cleaned_data["team"],
            )
            messages.success(request, _("De baan is gekoppeld."))
            return redirect("workflows:definition_detail", pk=definition.pk)
    diagram = {
        "id": f"definition-{definition.pk}",
        "data_id": f"definition-{definition.pk}-data",
        "title": definition.name,
        "version": definition.version,
        "xml": definition.xml,
        "markers": {"done": [], "current": []},
    }
    return render(
        request,
        "workflows/definition_detail.html",
        {
            "definition": definition,
            "diagram": diagram,
            "versions": selectors.versions_of(definition.key),
            "lanes": selectors.lanes_of(definition.key),
            "lane_form": lane_form,
        },
    )


# bpmn-js's popups (align, replace, ...) draw SVG icons whose markup carries
# style="..." attributes. Only this page allows inline style *attributes*; no
# inline <style> element, no inline script (ADR 0304).
MODELER_CSP = {"style-src-attr": ["'unsafe-inline'"]}


@csp_update(MODELER_CSP)
@login_required
@permission_required("workflows.manage_processes", raise_exception=True)
def definition_edit(request, pk):
    """The bpmn-js modeler; saving stores a new version."""
    definition = selectors.definition_get(pk=pk)
    form = ModelerForm(posted(request))
    error_element = ""
    if request.method == "POST" and form.is_valid():
        try:
            new = services.definition_upload(actor=request.user, xml=form.cleaned_data["xml"])
        except DefinitionError as exc:
            form.add_error(None, str(exc))
            error_element = exc.element_id
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Nieuwe versie %(v)s bewaard.") % {"v": new.version})
            return redirect("workflows:definition_detail", pk=new.pk)
    # A refused save shows the XML as the administrator left it: nothing is lost.
    xml = form.data.get("xml") if form.is_bound else definition.xml
    return render(
        request,
        "workflows/definition_edit.html",
        {
            "definition": definition,
            "form": form,
            "modeler": {"xml": xml, "select": error_element, "types": _modeler_type_names()},
        },
    )


def _modeler_type_names() -> dict:
    """Dutch names of the BPMN element types the properties panel shows."""
    return {
        "bpmn:Participant": _("Proces (pool)"),
        "bpmn:Lane": _("Baan"),
        "bpmn:StartEvent": _("Startgebeurtenis"),
        "bpmn:EndEvent": _("Eindgebeurtenis"),
        "bpmn:UserTask": _("Gebruikerstaak"),
        "bpmn:ManualTask": _("Handmatige taak"),
        "bpmn:Task": _("Taak"),
        "bpmn:ScriptTask": _("Scripttaak"),
        "bpmn:ExclusiveGateway": _("Exclusieve beslissing"),
        "bpmn:ParallelGateway": _("Parallelle splitsing"),
        "bpmn:SequenceFlow": _("Stroom"),
        "bpmn:BoundaryEvent": _("Timer op een taak"),
        "bpmn:IntermediateCatchEvent": _("Tussentijdse timer"),
        "bpmn:TextAnnotation": _("Opmerking"),
        "other": _("Element"),
    }
