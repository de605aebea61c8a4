from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from schakel.core.forms import posted, posted_files

from . import selectors, services
from .forms import AreaImportForm


@login_required
@permission_required("places.view_address", raise_exception=True)
def address_search(request):
    """Autocomplete: <option> elements for a <datalist>, fetched by htmx."""
    query = request.GET.get("q") or request.GET.get("address") or ""
    results = selectors.address_search(query=query, limit=10)
    return render(request, "places/address_options.html", {"results": results})


@login_required
@permission_required("places.view_area", raise_exception=True)
def area_list(request):
    form = None
    if request.user.has_perm("places.change_area"):
        form = AreaImportForm(posted(request), posted_files(request))
        if request.method == "POST" and form.is_valid():
            try:
                raw = form.cleaned_data["file"].read()
                areas = services.areas_import_geojson(actor=request.user, data=raw, kind=form.cleaned_data["kind"])
            except ValidationError as exc:
                form.add_error("file", exc)
            else:
                from django.contrib import messages

                messages.success(request, _("%(n)s gebied(en) ingelezen.") % {"n": len(areas)})
                return redirect("places:area_list")
    areas = selectors.areas_all()
    map_data = {"areas": [{"name": a.name, "geometry": a.geometry} for a in areas]}
    return render(
        request,
        "places/area_list.html",
        {"areas": areas, "form": form, "map_data": map_data, "map_tile_url": settings.MAP_TILE_URL},
    )
