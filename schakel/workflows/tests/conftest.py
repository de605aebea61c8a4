from pathlib import Path

import pytest

BPMN_DIR = Path(__file__).resolve().parent.parent / "bpmn_files"


@pytest.fixture
def triage_xml():
    return (BPMN_DIR / "signaal_triage.bpmn").read_text(encoding="utf-8")


@pytest.fixture
def youth_xml():
    return (BPMN_DIR / "jongeren_vroegdetectie.bpmn").read_text(encoding="utf-8")


@pytest.fixture
def wf_seeded(db):
    from schakel.workflows.testing import seed_minimal

    seed_minimal()


@pytest.fixture(autouse=True)
def _dutch():
    """Messages are asserted in Dutch; do not depend on what another test left active."""
    from django.utils import translation

    with translation.override("nl"):
        yield
