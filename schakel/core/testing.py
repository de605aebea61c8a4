"""The test base: factories, persona logins and query-count helpers.

Use from any app's tests:

    from schakel.core.testing import UserFactory, login_persona, assert_constant_queries
"""

from __future__ import annotations

from contextlib import contextmanager

import factory
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext

from schakel.accounts.models import Organisation, Unit, User

DEMO_PASSWORD = "Schakel-demo-2026"


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"org-{n}")
    name = factory.Sequence(lambda n: f"Organisatie {n}")
    kind = Organisation.Kind.CITY


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    organisation = factory.SubFactory(OrganisationFactory)
    code = factory.Sequence(lambda n: f"unit-{n}")
    name = factory.Sequence(lambda n: f"Dienst {n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.test")
    first_name = "Test"
    last_name = factory.Sequence(lambda n: f"Gebruiker{n}")
    organisation = factory.SubFactory(OrganisationFactory)
    is_demo = True

    @factory.post_generation
    def password(self, create, extracted, **kwargs):
        self.set_password(extracted or DEMO_PASSWORD)
        if create:
            self.save(update_fields=["password"])

    @factory.post_generation
    def perms(self, create, extracted, **kwargs):
        """UserFactory(perms=["plan.change_action"]) grants those permissions directly."""
        if create and extracted:
            for code in extracted:
                app_label, codename = code.split(".")
                self.user_permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.set(Group.objects.filter(name__in=extracted))


def persona_user(persona: str) -> User:
    """The seeded demo user of a persona (requires the ``seeded`` fixture)."""
    return User.objects.get(email=f"{persona}@demo.schakel.test")


@contextmanager
def count_queries():
    with CaptureQueriesContext(connection) as ctx:
        yield ctx


def assert_constant_queries(make_rows, fetch, *, small: int = 3, large: int = 30):
    """The same number of queries for ``small`` and ``large`` rows.

    ``make_rows(n)`` adds n rows; ``fetch()`` does the read under test (a
    client GET or a selector call that is fully evaluated).
    """
    make_rows(small)
    fetch()  # once before counting: per-session work (e.g. the idle time, stored once a minute) is not per row
    with count_queries() as first:
        fetch()
    make_rows(large - small)
    with count_queries() as second:
        fetch()
    assert len(first) == len(second), (
        f"{len(first)} queries with {small} rows but {len(second)} with {large}:\n"
        + "\n".join(q["sql"][:200] for q in second.captured_queries)
    )
    return len(second)


def home_panels(client, user) -> tuple[dict, str]:
    """Sign ``user`` in, open the start page: ({panel key: Panel}, page HTML)."""
    client.force_login(user)
    response = client.get("/")
    assert response.status_code == 200
    return {p.key: p for p in response.context["panels"]}, response.content.decode()
