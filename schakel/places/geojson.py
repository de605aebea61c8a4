"""Parsing and validating GeoJSON polygons for areas."""

from __future__ import annotations

import json

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from . import geo


def parse_polygon(raw) -> dict:
    """Return a valid GeoJSON Polygon/MultiPolygon geometry (WGS84, inside
    Belgium) from a string or dict; a Feature is unwrapped. Raises
    ValidationError with a Dutch message otherwise."""
    from shapely.geometry import shape
    from shapely.validation import explain_validity

    if isinstance(raw, (str, bytes)):
        try:
            raw = json.loads(raw)
        except (ValueError, UnicodeDecodeError) as exc:
            raise ValidationError(_("Dit is geen geldige JSON: %(err)s") % {"err": exc}) from exc
    if not isinstance(raw, dict):
        raise ValidationError(_("Verwacht een GeoJSON-object met een polygoon."))
    if raw.get("type") == "Feature":
        raw = raw.get("geometry") or {}
    if raw.get("type") not in ("Polygon", "MultiPolygon"):
        raise ValidationError(_("De geometrie moet een Polygon of MultiPolygon zijn."))
    try:
        poly = shape(raw)
    except Exception as exc:  # shapely raises several types on malformed coordinates
        raise ValidationError(_("De coördinaten van de polygoon zijn ongeldig.")) from exc
    if poly.is_empty:
        raise ValidationError(_("De polygoon is leeg."))
    if not poly.is_valid:
        raise ValidationError(_("De polygoon is ongeldig: %(why)s") % {"why": explain_validity(poly)})
    min_lon, min_lat, max_lon, max_lat = poly.bounds
    if not (geo.in_belgium(min_lat, min_lon) and geo.in_belgium(max_lat, max_lon)):
        raise ValidationError(_("De polygoon ligt (deels) buiten België of gebruikt geen WGS84-coördinaten."))
    return {"type": raw["type"], "coordinates": raw["coordinates"]}


def bbox(geometry: dict) -> dict:
    from shapely.geometry import shape

    min_lon, min_lat, max_lon, max_lat = shape(geometry).bounds
    return {"min_lat": min_lat, "max_lat": max_lat, "min_lon": min_lon, "max_lon": max_lon}


def features(raw) -> list[tuple[dict, dict]]:
    """(properties, geometry) for each feature of a FeatureCollection, Feature or bare geometry."""
    if isinstance(raw, (str, bytes)):
        try:
            raw = json.loads(raw)
        except (ValueError, UnicodeDecodeError) as exc:
            raise ValidationError(_("Dit is geen geldige JSON: %(err)s") % {"err": exc}) from exc
    if not isinstance(raw, dict):
        raise ValidationError(_("Verwacht een GeoJSON-object."))
    if raw.get("type") == "FeatureCollection":
        feats = raw.get("features")
        if not isinstance(feats, list) or not feats:
            raise ValidationError(_("De FeatureCollection bevat geen features."))
        out = []
        for i, f in enumerate(feats, start=1):
            try:
                out.append(((f or {}).get("properties") or {}, parse_polygon(f)))
            except ValidationError as exc:
                raise ValidationError(_("Feature %(n)s: %(msg)s") % {"n": i, "msg": " ".join(exc.messages)}) from exc
        return out
    props = raw.get("properties") or {} if raw.get("type") == "Feature" else {}
    return [(props, parse_polygon(raw))]
