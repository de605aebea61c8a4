from datetime import timedelta

import pytest
from django.utils import timezone


@pytest.fixture
def sig_seeded(db):
    from schakel.legal import seeding as legal_seeding
    from schakel.signals import seeding
    from schakel.workflows.testing import seed_minimal

    seed_minimal()
    seeding.load_reference(lambda m: None)
    legal_seeding.load_reference(lambda m: None)


@pytest.fixture
def make_signal(sig_seeded):
    from schakel.core.testing import persona_user
    from schakel.signals import services
    from schakel.signals.models import Category

    def _make(category="overlast", actor="frontlijn", **kw):
        kw.setdefault("description", "Vastgesteld in de straat.")
        kw.setdefault("observed_at", timezone.now() - timedelta(hours=2))
        return services.signal_create(
            actor=persona_user(actor) if isinstance(actor, str) else actor,
            category=Category.objects.get(code=category),
            **kw,
        )

    return _make


@pytest.fixture(autouse=True)
def _dutch():
    """Messages are asserted in Dutch; do not depend on what another test left active."""
    from django.utils import translation

    with translation.override("nl"):
        yield


@pytest.fixture
def ground(sig_seeded):
    """ground("protocol-obh-mechelen") -> that legal ground of the legal app."""
    from schakel.legal.models import LegalGround

    return lambda code="protocol-obh-mechelen": LegalGround.objects.get(code=code)
