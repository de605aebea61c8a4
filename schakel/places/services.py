"""Writes of the places app: areas (addresses are written by the importer)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from schakel.audit import services as audit

from . import geojson
from .models import Area


@transaction.atomic
def area_save(*, actor, code: str, name: str, geometry, kind: str = Area.Kind.DISTRICT, is_demo: bool = False) -> Area:
    """Create or replace the area with this code. Needs places.change_area."""
    if actor is not None and not actor.has_perm("places.change_area"):
        raise PermissionDenied
    code = slugify(code or name)[:60]
    if not code or not (name or "").strip():
        raise ValidationError(_("Een gebied heeft een code en een naam nodig."))
    if kind not in Area.Kind.values:
        raise ValidationError(_("Onbekende soort gebied."))
    geom = geojson.parse_polygon(geometry)
    area, created = Area.objects.update_or_create(
        code=code,
        defaults={"name": name.strip()[:160], "kind": kind, "geometry": geom, "is_demo": is_demo, **geojson.bbox(geom)},
    )
    if actor is not None:
        audit.record_write(actor=actor, action="places.area_created" if created else "places.area_changed", obj=area)
    return area


@transaction.atomic
def areas_import_geojson(*, actor, data, kind: str = Area.Kind.DISTRICT, is_demo: bool = False) -> list[Area]:
    """Import every polygon of a GeoJSON document as an area; all or nothing.
    Each feature needs a ``name`` property (``code`` optional)."""
    result = []
    for i, (props, geom) in enumerate(geojson.features(data), start=1):
        name = str(props.get("name") or props.get("naam") or "").strip()
        if not name:
            raise ValidationError(_("Feature %(n)s heeft geen eigenschap 'name'.") % {"n": i})
        result.append(
            area_save(
                actor=actor, code=str(props.get("code") or name), name=name, geometry=geom, kind=kind, is_demo=is_demo
            )
        )
    return result
