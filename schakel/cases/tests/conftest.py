import pytest
from django.utils import timezone

from schakel.accounts.models import Organisation
from schakel.core.testing import OrganisationFactory, UserFactory

OBH_PERMS = [
    "cases.view_case",
    "cases.add_case",
    "cases.participate_obh",
    "cases.view_meeting",
    "cases.add_meeting",
    "subjects.add_subject",
    "subjects.add_subjectlink",
    "subjects.merge_subject",
]
YOUTH_PERMS = [p.replace("participate_obh", "participate_youth") for p in OBH_PERMS]


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
    """make_user(perms, org=None, accept=True): a user who accepted the current code."""
    from schakel.legal.models import CodeAcceptance, CodeVersion

    def _make(perms=(), org=None, accept=True, kind=Organisation.Kind.CITY):
        user = UserFactory(perms=list(perms), organisation=org or OrganisationFactory(kind=kind))
        if accept:
            CodeAcceptance.objects.create(
                user=user, version=CodeVersion.objects.order_by("-number").first(), accepted_at=timezone.now()
            )
        return user

    return _make


@pytest.fixture
def city(db):
    return OrganisationFactory(code="stad-test", kind=Organisation.Kind.CITY)


@pytest.fixture
def police(db):
    return OrganisationFactory(code="politie-test", kind=Organisation.Kind.POLICE)


@pytest.fixture
def enforcer(make_user, city):
    return make_user(OBH_PERMS, org=city)


@pytest.fixture
def analyst(make_user, police):
    return make_user(OBH_PERMS, org=police)


@pytest.fixture
def outreach(make_user, city):
    return make_user(YOUTH_PERMS, org=city)


@pytest.fixture
def obh_case(enforcer, ground):
    from schakel.cases import services

    return services.case_open(
        actor=enforcer, case_type="obh", title="Pand met verdachte activiteit", legal_ground=ground
    )
