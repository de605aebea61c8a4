import pytest

from schakel.plan.planio import import_plan
from schakel.plan.seeding import MECHELEN, SEED


@pytest.fixture
def mechelen(db):
    """The Mechelen plan imported on its own (organisations from the accounts seed)."""
    from schakel.accounts.seeding import load_reference

    load_reference(lambda msg: None)
    return import_plan(actor=None, text=SEED.read_text(encoding="utf-8"))


@pytest.fixture
def seeded_plan(seeded):
    from schakel.plan.models import ActionPlan

    return ActionPlan.objects.get(code=MECHELEN)
