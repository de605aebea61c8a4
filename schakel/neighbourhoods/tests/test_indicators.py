import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from schakel.neighbourhoods import services
from schakel.places import services as place_services
from schakel.places.demo import demo_zone_geojson
from schakel.plan import computed

from .conftest import CENTRE

KEYS = [
    "neighbourhoods.presence_hours",
    "neighbourhoods.residents_informed",
    "neighbourhoods.cleanups_repairs",
    "neighbourhoods.walk_score_mean",
    "neighbourhoods.proposals_followed_up",
]


def test_all_indicators_registered():
    registered = {q.key for q in computed.all_queries()}
    assert set(KEYS) <= registered


@pytest.mark.django_db
def test_indicators_values(qrt_user, addresses):
    today = timezone.localdate()
    start, end = today - dt.timedelta(days=30), today
    ev = lambda key, **params: computed.get(key).evaluate(start=start, end=end, params=params)  # noqa: E731
    # nothing logged yet: nothing to measure
    assert all(ev(k) is None for k in KEYS)
    area = place_services.area_save(actor=None, code="zone", name="Zone", geometry=demo_zone_geojson()["geometry"])
    incident = services.incident_create(
        actor=qrt_user, address=addresses[0], kind="explosion", occurred_at=timezone.now(), public_summary="s"
    )
    point = {"lat": CENTRE[0], "lon": CENTRE[1]}
    services.qrt_activity_create(actor=qrt_user, kind="presence", date=today, duration_minutes=90, **point)
    services.qrt_activity_create(actor=qrt_user, kind="presence", date=today, duration_minutes=30, **point)
    services.qrt_activity_create(
        actor=qrt_user, kind="presence", date=today - dt.timedelta(days=60), duration_minutes=600, **point
    )
    services.qrt_activity_create(
        actor=qrt_user,
        kind="informing",
        date=today,
        duration_minutes=60,
        incident=incident,
        residents_reached=25,
        **point,
    )
    services.qrt_activity_create(
        actor=qrt_user, kind="informing", date=today, duration_minutes=60, residents_reached=99, **point
    )
    services.qrt_activity_create(actor=qrt_user, kind="clean_up", date=today, duration_minutes=60, **point)
    services.qrt_activity_create(actor=qrt_user, kind="repair", date=today, duration_minutes=60, **point)
    assert ev("neighbourhoods.presence_hours") == Decimal("2.0")
    assert ev("neighbourhoods.presence_hours", area="zone") == Decimal("2.0")
    assert ev("neighbourhoods.presence_hours", area="onbekend") is None
    assert ev("neighbourhoods.residents_informed") == 25
    assert ev("neighbourhoods.cleanups_repairs") == 2
    assert ev("neighbourhoods.cleanups_repairs", kind="repair") == 1

    from schakel.core.testing import UserFactory

    admin = UserFactory(perms=["neighbourhoods.change_checklisttemplate"])
    t = services.checklist_template_save(actor=admin, name="T", items=[("a", 1)])
    for value in ("A", "C"):
        w = services.walk_create(actor=qrt_user, template=t, date=today, area=area)
        services.walk_score_add(actor=qrt_user, walk=w, item=t.items.get(), value=value)
    assert ev("neighbourhoods.walk_score_mean", area="zone") == Decimal("50.0")

    from schakel.neighbourhoods.models import ProposalTheme

    theme = ProposalTheme.objects.create(name="x")
    s = services.behangtafel_session_create(actor=qrt_user, date=today, place="p", area=area)
    p = services.proposal_add(actor=qrt_user, session=s, text="a", theme=theme)
    for text in ("b", "c"):
        services.proposal_add(actor=qrt_user, session=s, text=text, theme=theme)
    services.proposal_set_status(actor=qrt_user, proposal=p, status="in_progress")
    assert ev("neighbourhoods.proposals_followed_up") == Decimal("33.3")
