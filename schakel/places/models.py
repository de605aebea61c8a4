"""Addresses (from the BeST register), streets, municipalities and areas."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from schakel.core.models import TimeStampedModel


class Municipality(TimeStampedModel):
    nis_code = models.CharField(_("NIS-code"), max_length=10, unique=True)
    name_nl = models.CharField(_("naam (nl)"), max_length=120, blank=True)
    name_fr = models.CharField(_("naam (fr)"), max_length=120, blank=True)
    name_de = models.CharField(_("naam (de)"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("gemeente")
        verbose_name_plural = _("gemeenten")
        ordering = ["name_nl"]

    def __str__(self) -> str:
        return self.name_nl or self.name_fr or self.name_de or self.nis_code


class Street(TimeStampedModel):
    # BeST street identifiers are URIs or namespaced ids; kept as text.
    street_id = models.CharField(_("straat-id"), max_length=200, unique=True)
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="streets")
    name_nl = models.CharField(_("straatnaam (nl)"), max_length=200, blank=True, db_index=True)
    name_fr = models.CharField(_("straatnaam (fr)"), max_length=200, blank=True)
    name_de = models.CharField(_("straatnaam (de)"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("straat")
        verbose_name_plural = _("straten")
        ordering = ["name_nl"]

    def __str__(self) -> str:
        return self.name_nl or self.name_fr or self.name_de or self.street_id


class Address(models.Model):
    """One address of the BeST register.

    ``x``/``y`` are Belgian Lambert 2008 (EPSG:3812) metres, computed from
    the WGS84 coordinates at import; ``cell`` is the grid cell used as the
    prefilter of radius queries (see ``geo.py``). The index
    ``places_addr_circle`` on ``(cell, x, y, retired_at, id)`` lets a radius
    query be answered from the index alone (ADR 0201).

    An address the register later retires is kept (records may point to it)
    but flagged: ``status`` is the register's status and ``retired_at`` is set;
    circles and search leave it out.
    """

    CURRENT = "current"

    address_id = models.CharField(_("adres-id"), max_length=200, unique=True)
    # no index of its own: places_addr_street_nr (street, house_number) covers it
    street = models.ForeignKey(Street, on_delete=models.PROTECT, related_name="addresses", db_index=False)
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="addresses")
    house_number = models.CharField(_("huisnummer"), max_length=20, blank=True)
    box_number = models.CharField(_("busnummer"), max_length=40, blank=True)
    postcode = models.CharField(_("postcode"), max_length=10, blank=True)
    postname_nl = models.CharField(_("postnaam"), max_length=120, blank=True)
    lat = models.FloatField(_("breedtegraad (WGS84)"))
    lon = models.FloatField(_("lengtegraad (WGS84)"))
    x = models.FloatField(_("x (Lambert 2008)"))
    y = models.FloatField(_("y (Lambert 2008)"))
    cell = models.BigIntegerField(_("rastercel"))
    is_demo = models.BooleanField(_("fictief demo-adres"), default=False)
    status = models.CharField(_("status in het register"), max_length=20, default=CURRENT)
    retired_at = models.DateTimeField(_("opgeheven op"), null=True, blank=True)
    updated_at = models.DateTimeField(_("bijgewerkt op"), auto_now=True)

    class Meta:
        verbose_name = _("adres")
        verbose_name_plural = _("adressen")
        indexes = [
            models.Index(fields=["street", "house_number"], name="places_addr_street_nr"),
            # Covering index of radius queries: cell lookup, exact distance on
            # x/y, the retired filter and the id, all without reading the table.
            models.Index(fields=["cell", "x", "y", "retired_at", "id"], name="places_addr_circle"),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def is_retired(self) -> bool:
        """The register no longer lists this address as current."""
        return self.retired_at is not None

    @property
    def label(self) -> str:
        number = self.house_number + (f" bus {self.box_number}" if self.box_number else "")
        return f"{self.street} {number}".strip() + (f", {self.postcode}" if self.postcode else "")


class Area(TimeStampedModel):
    """A district or a custom zone: a GeoJSON (Multi)Polygon in WGS84, with
    its bounding box stored for a cheap prefilter."""

    class Kind(models.TextChoices):
        DISTRICT = "district", _("wijk")
        ZONE = "zone", _("zone op maat")

    code = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("naam"), max_length=160)
    kind = models.CharField(_("soort"), max_length=20, choices=Kind.choices, default=Kind.DISTRICT)
    geometry = models.JSONField(_("geometrie (GeoJSON)"))
    min_lat = models.FloatField()
    max_lat = models.FloatField()
    min_lon = models.FloatField()
    max_lon = models.FloatField()
    is_demo = models.BooleanField(_("fictief demogebied"), default=False)

    class Meta:
        verbose_name = _("gebied")
        verbose_name_plural = _("gebieden")
        ordering = ["name"]
        indexes = [models.Index(fields=["min_lat", "max_lat", "min_lon", "max_lon"], name="places_area_bbox")]

    def __str__(self) -> str:
        return self.name

    @property
    def centroid(self) -> tuple[float, float]:
        from shapely.geometry import shape

        c = shape(self.geometry).centroid
        return c.y, c.x
