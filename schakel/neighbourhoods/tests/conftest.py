import datetime as dt

import pytest
from django.utils import timezone

from schakel.core.testing import OrganisationFactory, UserFactory
from schakel.places.testing import make_address, offset

CENTRE = (51.0280, 4.4800)

QRT_PERMS = [
    "neighbourhoods.view_incident",
    "neighbourhoods.add_incident",
    "neighbourhoods.change_incident",
    "neighbourhoods.view_qrtactivity",
    "neighbourhoods.add_qrtactivity",
    "neighbourhoods.change_qrtactivity",
    "neighbourhoods.view_walk",
    "neighbourhoods.add_walk",
    "neighbourhoods.change_walk",
    "neighbourhoods.change_followupaction",
    "neighbourhoods.view_behangtafelsession",
    "neighbourhoods.add_behangtafelsession",
    "neighbourhoods.change_behangtafelsession",
    "places.view_address",
]


@pytest.fixture
def city(db):
    return OrganisationFactory(code="stad-test")


@pytest.fixture
def qrt_user(city):
    return UserFactory(organisation=city, perms=QRT_PERMS)


@pytest.fixture
def other_org_user(db):
    return UserFactory(organisation=OrganisationFactory(code="andere"), perms=QRT_PERMS)


@pytest.fixture
def plain_user(city):
    return UserFactory(organisation=city)


@pytest.fixture
def addresses(db):
    rows = []
    for i, (e, n) in enumerate([(0, 0), (30, 0), (0, 120), (200, 0), (0, 240), (400, 0), (0, -600)]):
        lat, lon = offset(*CENTRE, east_m=e, north_m=n)
        rows.append(
            make_address(lat=lat, lon=lon, street="Bethaniënstraat" if i < 3 else "Kalverenstraat", number=str(i + 1))
        )
    return rows


def incident_kwargs(**over):
    base = {
        "kind": "explosion",
        "occurred_at": timezone.now() - dt.timedelta(days=2),
        "public_summary": "Explosie aan een voordeur; materiële schade.",
        "internal_notes": "intern",
        "police_reference": "AN.12.L1.000123/23",
        "damage": "deur",
    }
    base.update(over)
    return base
