import datetime as dt

import pytest
from django.utils import timezone

from schakel.accounts.models import Organisation
from schakel.core.testing import OrganisationFactory, UserFactory
from schakel.subjects import services

REGISTRY_PERMS = [
    "cases.view_case",
    "cases.add_case",
    "cases.participate_obh",
    "cases.participate_youth",
    "subjects.view_subject",
    "subjects.add_subject",
    "subjects.change_subject",
    "subjects.add_subjectlink",
    "places.view_address",
]


@pytest.fixture
def legal_ref(db):
    from schakel.legal.seeding import load_reference

    load_reference(lambda m: None)


@pytest.fixture
def ground(legal_ref):
    from schakel.legal.models import LegalGround

    return LegalGround.objects.get(code="art-458ter-sw")


@pytest.fixture
def make_user(legal_ref):
    """make_user(perms=REGISTRY_PERMS, kind=city): a user who accepted the current code."""
    from schakel.legal.models import CodeAcceptance, CodeVersion

    def _make(perms=REGISTRY_PERMS, kind=Organisation.Kind.CITY):
        user = UserFactory(perms=list(perms), organisation=OrganisationFactory(kind=kind))
        CodeAcceptance.objects.create(
            user=user, version=CodeVersion.objects.order_by("-number").first(), accepted_at=timezone.now()
        )
        return user

    return _make


@pytest.fixture
def owner(make_user):
    return make_user()


@pytest.fixture
def outsider(make_user):
    """Holds the registry role but is a member of no case of ``owner``."""
    return make_user(kind=Organisation.Kind.POLICE)


@pytest.fixture
def make_case(ground):
    from schakel.cases import services as case_services

    def _make(actor, title="Pand met verdachte activiteit", case_type="obh"):
        return case_services.case_open(actor=actor, case_type=case_type, title=title, legal_ground=ground)

    return _make


@pytest.fixture
def put(db):
    """put(actor, case, subject, role): add a subject to a case."""
    from schakel.cases import services as case_services

    def _put(actor, case, subject, role="involved"):
        return case_services.case_subject_add(actor=actor, case=case, subject=subject, role=role)

    return _put


@pytest.fixture
def make_address(db):
    from schakel.places.models import Address, Municipality, Street

    def _make(street="Demostraat", number="1", postcode="2800"):
        town, _ = Municipality.objects.get_or_create(nis_code="12025", defaults={"name_nl": "Mechelen"})
        st, _ = Street.objects.get_or_create(
            street_id=f"test-{street}", defaults={"municipality": town, "name_nl": street}
        )
        return Address.objects.create(
            address_id=f"test-{street}-{number}",
            street=st,
            municipality=town,
            house_number=number,
            postcode=postcode,
            lat=51.03,
            lon=4.48,
            x=650000.0,
            y=690000.0,
            cell=0,
            is_demo=True,
        )

    return _make


@pytest.fixture
def merge_world(db):
    from schakel.cases.tests.conftest import OBH_PERMS
    from schakel.legal.models import LegalGround
    from schakel.legal.seeding import load_reference

    load_reference(lambda m: None)
    user = UserFactory(perms=OBH_PERMS)
    from schakel.cases import services as case_services

    ground = LegalGround.objects.get(code="art-458ter-sw")
    case = case_services.case_open(actor=user, case_type="obh", title="Pand", legal_ground=ground)
    a = services.person_create(actor=user, first_name="Jan", last_name="Vanderberg", birth_date=dt.date(1980, 1, 1))
    b = services.person_create(actor=user, first_name="Jan", last_name="Van der Berg", national_number="80010100107")
    shop = services.enterprise_create(actor=user, name="Shop BV")
    for s, role in ((a, "operator"), (b, "owner"), (shop, "enterprise")):
        case_services.case_subject_add(actor=user, case=case, subject=s, role=role)
    services.subject_link_create(actor=user, source_subject=b, target_subject=shop, link_type="owns", source="KBO")
    return user, case, a, b, shop
