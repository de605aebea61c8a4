import json

import pytest
from django.urls import reverse

from schakel.core.testing import assert_constant_queries
from schakel.places import demo
from schakel.places.models import Area


@pytest.mark.django_db
def test_address_search_returns_datalist_options(persona_client):
    client = persona_client("qrt")
    response = client.get(reverse("places:address_search"), {"q": "Bethaniënstraat 1"})
    assert response.status_code == 200
    body = response.content.decode()
    assert '<option value="Bethaniënstraat 1, 2800">' in body
    assert "Kalverenstraat" not in body


@pytest.mark.django_db
def test_area_list_map_data_and_import(persona_client):
    client = persona_client("beheerder")
    response = client.get(reverse("places:area_list"))
    assert response.status_code == 200
    data = response.context["map_data"]
    assert len(data["areas"]) == Area.objects.count() >= 4
    fc = demo.demo_areas_geojson()
    fc["features"] = fc["features"][:1]
    fc["features"][0]["properties"] = {"code": "nieuw", "name": "Nieuwe wijk"}
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("wijk.geojson", json.dumps(fc).encode(), content_type="application/geo+json")
    response = client.post(reverse("places:area_list"), {"file": upload, "kind": "district"})
    assert response.status_code == 302
    assert Area.objects.filter(code="nieuw").exists()
    bad = SimpleUploadedFile("wijk.geojson", b'{"type": "Point"}')
    response = client.post(reverse("places:area_list"), {"file": bad, "kind": "district"})
    assert response.status_code == 200 and "Polygon" in response.content.decode()


@pytest.mark.django_db
def test_area_list_constant_queries(persona_client):
    from schakel.places import services

    client = persona_client("qrt")
    counter = iter(range(1000))

    def make(n):
        for _ in range(n):
            i = next(counter)
            services.area_save(actor=None, code=f"t{i}", name=f"T{i}", geometry=demo.demo_zone_geojson()["geometry"])

    assert_constant_queries(make, lambda: client.get(reverse("places:area_list")))
