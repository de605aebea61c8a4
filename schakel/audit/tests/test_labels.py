"""Readable labels on the audit trail (audit.labels) and the guard that every
action code and literal purpose written anywhere in schakel/ has one.

The guard reads the source code: every ``action=`` keyword whose value is a
dotted code literal (also inside ``a if c else b``), every ``action=`` f-string,
and every literal ``purpose=`` / ``purpose = "..."``. Tests and migrations are
skipped: they write made-up codes on purpose.
"""

from __future__ import annotations

import ast
import csv
import io
import re
from pathlib import Path

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import translation

from schakel.audit import labels
from schakel.audit import services as audit
from schakel.core.testing import OrganisationFactory, UserFactory

SCHAKEL = Path(__file__).resolve().parents[2]
CODE_RE = re.compile(r"^[a-z][a-z0-9_]*\.[a-z0-9_.]+$")


def _source_files():
    for path in sorted(SCHAKEL.rglob("*.py")):
        parts = path.relative_to(SCHAKEL).parts
        if "tests" in parts or "migrations" in parts:
            continue
        yield path


def _string_constants(node):
    """The string literals a value can take: a constant, or both arms of an if-expression."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        yield node.value
    elif isinstance(node, ast.IfExp):
        yield from _string_constants(node.body)
        yield from _string_constants(node.orelse)


def _template(node: ast.JoinedStr) -> str:
    """An f-string as a template: literal parts kept, each placeholder as '{}'."""
    return "".join(part.value if isinstance(part, ast.Constant) else "{}" for part in node.values)


def _scan():
    actions: dict[str, str] = {}
    action_templates: dict[str, str] = {}
    purposes: dict[str, str] = {}
    purpose_templates: dict[str, str] = {}
    for path in _source_files():
        where = str(path.relative_to(SCHAKEL.parent))
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=where)
        for node in ast.walk(tree):
            if isinstance(node, ast.keyword) and node.arg in ("action", "purpose"):
                value, name = node.value, node.arg
            elif isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == "purpose" for t in node.targets
            ):
                value, name = node.value, "purpose"
            else:
                continue
            if isinstance(value, ast.JoinedStr):
                target = action_templates if name == "action" else purpose_templates
                target[_template(value)] = f"{where}:{node.lineno}"
                continue
            for text in _string_constants(value):
                if name == "action":
                    if CODE_RE.match(text):  # skips argparse's action="store_true"
                        actions[text] = where
                else:
                    purposes[text] = where
    return actions, action_templates, purposes, purpose_templates


ACTIONS, ACTION_TEMPLATES, PURPOSES, PURPOSE_TEMPLATES = _scan()


def test_the_scan_finds_the_codes_it_must():
    # A broken scanner would find nothing and make every guard below pass.
    assert "plan.measurement_added" in ACTIONS
    assert "auth.login_succeeded" in ACTIONS
    assert "accounts.organisation_created" in ACTIONS  # an if-expression arm
    assert "cases.intervention_status" in ACTIONS  # passed on to a helper
    assert "signals.{}_saved" in ACTION_TEMPLATES
    assert "case network view" in PURPOSES
    assert "case consultation (API)" in PURPOSES  # a class attribute
    assert "export {}" in PURPOSE_TEMPLATES
    assert len(ACTIONS) > 80


@pytest.mark.parametrize("code", sorted(ACTIONS))
def test_every_action_code_in_the_code_base_has_a_label(code):
    assert code in labels.ACTION_LABELS, (
        f"{code} (written in {ACTIONS[code]}) has no label: add it to audit.labels.ACTION_LABELS"
    )


@pytest.mark.parametrize("template", sorted(ACTION_TEMPLATES))
def test_every_computed_action_code_is_listed_with_its_values(template):
    if template == "{}.disclosed":  # audit.services derives it from the object type (DERIVED_SUFFIXES)
        return
    assert template in labels.DYNAMIC_ACTIONS, (
        f"the action f-string {template!r} ({ACTION_TEMPLATES[template]}) is not listed in audit.labels.DYNAMIC_ACTIONS"
    )
    pattern = re.compile("^" + ".*".join(re.escape(p) for p in template.split("{}")) + "$")
    for code in labels.DYNAMIC_ACTIONS[template]:
        assert pattern.match(code), code
        assert code in labels.ACTION_LABELS, code


@pytest.mark.django_db
def test_codes_derived_by_the_service_get_labels():
    user = UserFactory()
    viewed = audit.record_access(actor=user, obj=user, purpose="case network view")
    disclosed = audit.record_disclosure(
        actor=user, obj=user, recipient_organisation=OrganisationFactory(), legal_ground="art. 458ter Sw."
    )
    assert set(labels.DERIVED_SUFFIXES) == {"viewed", "disclosed"}
    for event in (viewed, disclosed):
        assert event.action.rpartition(".")[2] in labels.DERIVED_SUFFIXES
        assert labels.action_label(event.action) != event.action


@pytest.mark.parametrize("purpose", sorted(PURPOSES))
def test_every_literal_purpose_in_the_code_base_has_a_label(purpose):
    assert purpose in labels.PURPOSE_LABELS, (
        f"purpose {purpose!r} ({PURPOSES[purpose]}) has no label: add it to audit.labels.PURPOSE_LABELS"
    )


@pytest.mark.parametrize("template", sorted(PURPOSE_TEMPLATES))
def test_every_computed_purpose_is_listed(template):
    assert template in labels.DYNAMIC_PURPOSES, template
    for value in labels.DYNAMIC_PURPOSES[template]:
        assert labels.purpose_label(value) != value, value


def test_every_model_has_a_readable_type_name_and_derived_labels():
    for model in apps.get_models():
        code = model._meta.label_lower
        if not model.__module__.startswith("schakel."):
            continue
        assert labels.object_type_label(code) != code, code
        assert labels.action_label(f"{code}.viewed") != f"{code}.viewed"
        assert labels.action_label(f"{code}.disclosed") != f"{code}.disclosed"


def test_labels_in_dutch_and_fallbacks():
    with translation.override("nl"):
        assert labels.action_label("cases.meeting_item_viewed") == "Agendapunt casusoverleg ingezien"
        assert labels.action_label("signals.signal.viewed") == "Signaal ingezien"
        assert labels.action_label("cases.case.disclosed") == "Casus verstrekt aan andere organisatie"
        assert labels.object_type_label("cases.case") == "Casus"
        assert labels.object_type_label("cases.actionitem") == "Actiepunt"
        assert labels.purpose_label("case network view") == "Netwerk van een casus bekijken"
        assert labels.purpose_label("export csv") == "Export (CSV)"
    # Unknown codes and free text are shown as they are.
    assert labels.action_label("oldapp.something_done") == "oldapp.something_done"
    assert labels.action_label("nosuch.model.viewed") == "nosuch.model.viewed"
    assert labels.object_type_label("signals.signal_export") == "signals.signal_export"
    assert labels.purpose_label("Vermoeden van radicalisering, vraag politie") == (
        "Vermoeden van radicalisering, vraag politie"
    )


@pytest.fixture
def dpo_client(client, db):
    city = OrganisationFactory(code="stad-test", name="Stad Test")
    dpo = UserFactory(organisation=city, email="dpo@stad.test", perms=["audit.view_auditevent"])
    client.force_login(dpo)
    return client, dpo


@pytest.mark.django_db
def test_page_shows_labels_and_keeps_the_codes(dpo_client):
    client, dpo = dpo_client
    audit.record_access(
        actor=dpo, obj=("cases.case", "4"), purpose="case meeting item", action="cases.meeting_item_viewed"
    )
    audit.record_access(actor=dpo, obj=("subjects.subject", "9"), purpose="Eigen reden van de gebruiker")
    body = client.get(reverse("audit:event_list"), HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert "Agendapunt casusoverleg ingezien" in body
    assert '<code class="audit-code">cases.meeting_item_viewed</code>' in body
    assert "Casus #4" in body
    assert '<code class="audit-code">cases.case</code>' in body
    assert '<span title="case meeting item">Agendapunt van een casusoverleg</span>' in body
    assert "Subject ingezien" in body  # derived: subjects.subject.viewed
    assert "Eigen reden van de gebruiker" in body


@pytest.mark.django_db
def test_action_filter_matches_the_dutch_label_too(dpo_client):
    client, dpo = dpo_client
    audit.record_access(actor=dpo, obj=("cases.case", "4"), purpose="case network view", action="cases.network_viewed")
    audit.record_write(actor=dpo, action="plan.measurement_added", obj=("plan.measurement", "1"))
    body = client.get(reverse("audit:event_list"), {"action": "netwerk"}).content.decode()
    assert "Netwerk van een casus ingezien" in body
    assert "Meting toegevoegd" not in body
    body = client.get(reverse("audit:event_list"), {"action": "measurement_add"}).content.decode()
    assert "Meting toegevoegd" in body
    assert "Netwerk van een casus ingezien" not in body


@pytest.mark.django_db
def test_csv_has_label_columns_next_to_the_codes(dpo_client):
    client, dpo = dpo_client
    audit.record_access(
        actor=dpo, obj=("cases.case", "4"), purpose="case meeting item", action="cases.meeting_item_viewed"
    )
    response = client.get(reverse("audit:event_export"), HTTP_ACCEPT_LANGUAGE="nl")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    header = rows[0]
    (cells,) = [dict(zip(header, r, strict=True)) for r in rows[1:] if "cases.meeting_item_viewed" in r]
    assert header.index("actie (omschrijving)") == header.index("actie") + 1
    assert header.index("objecttype (omschrijving)") == header.index("objecttype") + 1
    assert header.index("doel (omschrijving)") == header.index("doel") + 1
    assert cells["actie"] == "cases.meeting_item_viewed"
    assert cells["actie (omschrijving)"] == "Agendapunt casusoverleg ingezien"
    assert cells["objecttype"] == "cases.case"
    assert cells["objecttype (omschrijving)"] == "Casus"
    assert cells["doel"] == "case meeting item"
    assert cells["doel (omschrijving)"] == "Agendapunt van een casusoverleg"


def test_summary_keys_are_shown_in_dutch_and_the_rest_as_stored():
    from schakel.audit.labels import summary_label

    assert summary_label("roles: QRT-medewerker, Frontlijnmedewerker") == "rollen: QRT-medewerker, Frontlijnmedewerker"
    assert summary_label("added: A; removed: -") == "erbij: A; weggenomen: -"
    assert summary_label("fields: email, is_active") == "velden: email, is_active"
    # Unknown keys, free text and empty summaries stay as they are.
    assert summary_label("CSV export; filters used: none") == "CSV export; filters used: none"
    assert summary_label("member user 8 as partner") == "member user 8 as partner"
    assert summary_label("grund: x") == "grund: x"
    assert summary_label("") == ""
