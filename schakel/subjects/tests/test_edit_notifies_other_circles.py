"""A subject held by several circles, edited by a member of one: the owners of
the other cases are told (after the response), the editor learns nothing of
those cases, and an edit inside one's own circles tells nobody."""

from __future__ import annotations

import datetime as dt

import pytest

from schakel.cases import services as case_services
from schakel.cases.models import CaseMember, Notification
from schakel.subjects import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def shared(make_user, make_case, put, ground):
    """Person P in case A (owner ``editor``) and in case B (owner ``other``),
    which ``editor`` helped to fill and then left."""
    editor, other = make_user(), make_user()
    person = services.person_create(
        actor=editor, first_name="Rachid", last_name="Tahiri", birth_date=dt.date(1985, 1, 2), national_number=""
    )
    case_a = make_case(editor, title="Pand Kanaalstraat")
    put(editor, case_a, person, "operator")
    case_b = make_case(other, title="Handelszaak Havenlaan")
    member = case_services.case_member_add(
        actor=other, case=case_b, user=editor, role=CaseMember.Role.PARTNER, legal_ground=ground
    )
    put(editor, case_b, person, "involved")
    case_services.case_member_remove(actor=other, case=case_b, member=member)
    return {"editor": editor, "other": other, "person": person, "a": case_a, "b": case_b}


def test_the_other_circles_owner_is_told_of_an_edit(shared):
    services.subject_update(actor=shared["editor"], subject=shared["person"], last_name="Tahiri-Benali")
    notes = list(Notification.objects.filter(kind="subject_changed"))
    assert [(n.recipient, n.case) for n in notes] == [(shared["other"], shared["b"])]
    assert "Tahiri" not in notes[0].text  # no personal data in the message
    assert not Notification.objects.filter(recipient=shared["editor"], kind="subject_changed").exists()


def test_an_edit_within_ones_own_circles_tells_nobody(shared, make_user, make_case, put):
    outsider_owned = make_user()
    person = services.person_create(
        actor=outsider_owned, first_name="Els", last_name="Wouters", birth_date=None, national_number=""
    )
    put(outsider_owned, make_case(outsider_owned, title="Pand Veemarkt"), person, "involved")
    services.subject_update(actor=outsider_owned, subject=person, first_name="Elsa")
    assert not Notification.objects.filter(kind="subject_changed").exists()


def test_an_unchanged_save_tells_nobody(shared):
    services.subject_update(actor=shared["editor"], subject=shared["person"], last_name="Tahiri")
    assert not Notification.objects.filter(kind="subject_changed").exists()


def test_a_former_member_is_outside_the_circle_for_hits_too(shared, make_case, put):
    """``editor`` left case B and links its subject to a new case C: B's owner
    gets a hit (an exclude() over two member conditions once matched the
    removed membership and the owner's active one, and raised nothing)."""
    from schakel.cases.models import Hit

    put(shared["editor"], make_case(shared["editor"], title="Loods Industrieweg"), shared["person"], "involved")
    assert [(h.case, h.trigger_kind) for h in Hit.objects.all()] == [(shared["b"], "case_subject")]
