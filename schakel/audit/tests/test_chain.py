"""The hash chain, audit_verify, and the append-only guards (ORM and trigger)."""

import ipaddress

import pytest
from django.db import IntegrityError, connection, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from schakel.audit import db
from schakel.audit import services as audit
from schakel.audit.models import GENESIS_HASH, AuditEvent
from schakel.core import request_context
from schakel.core.testing import OrganisationFactory, UserFactory

from .conftest import run_verify, tamper

pytestmark = pytest.mark.django_db


def make_events(n=5):
    user = UserFactory()
    other = OrganisationFactory()
    events = []
    for i in range(n):
        kind = i % 3
        if kind == 0:
            events.append(audit.record_write(actor=user, action="test.thing_changed", obj=("test.thing", i)))
        elif kind == 1:
            events.append(audit.record_access(actor=user, obj=("test.thing", i), purpose="dossieropvolging"))
        else:
            events.append(
                audit.record_disclosure(
                    actor=user, obj=("test.thing", i), recipient_organisation=other, legal_ground="art. 6.1.e AVG"
                )
            )
    return events


def test_chain_of_several_events_verifies():
    events = make_events(7)
    assert events[0].prev_hash == GENESIS_HASH
    for prev, nxt in zip(events, events[1:], strict=False):
        assert nxt.prev_hash == prev.hash
    report = audit.verify_chain(batch_size=3)  # crosses batch boundaries
    assert report.ok and report.checked == 7
    ok, out = run_verify()
    assert ok, out
    assert "7 events checked" in out


def test_empty_log_verifies():
    ok, out = run_verify()
    assert ok and "0 events checked" in out


def test_altered_summary_is_named_by_audit_verify():
    events = make_events(6)
    victim = events[3]
    tamper("UPDATE {table} SET summary = %s WHERE id = %s", ["nothing to see", victim.id])
    assert AuditEvent.objects.get(pk=victim.id).summary == "nothing to see"
    ok, out = run_verify()
    assert not ok
    assert f"event id={victim.id} " in out
    assert f"action={victim.action}" in out
    assert victim.at.isoformat() in out
    assert "content does not match its hash" in out
    assert "3 events verified before it" in out
    report = audit.verify_chain()
    assert report.first_broken_id == victim.id


def test_altered_summary_with_recomputed_hash_breaks_the_next_link():
    events = make_events(4)
    victim = AuditEvent.objects.get(pk=events[1].id)
    victim.summary = "rewritten"
    tamper("UPDATE {table} SET summary = %s, hash = %s WHERE id = %s", ["rewritten", victim.compute_hash(), victim.id])
    ok, out = run_verify()
    assert not ok
    assert f"event id={events[2].id} " in out
    assert "prev_hash does not match" in out


def test_deleted_middle_row_is_detected():
    events = make_events(5)
    tamper("DELETE FROM {table} WHERE id = %s", [events[2].id])
    ok, out = run_verify()
    assert not ok
    assert f"event id={events[3].id} " in out  # the successor no longer links
    assert "prev_hash does not match" in out


def test_deleted_last_row_is_detected_through_the_chain_head():
    events = make_events(3)
    tamper("DELETE FROM {table} WHERE id = %s", [events[-1].id])
    ok, out = run_verify()
    assert not ok
    assert "the last event is missing" in out


def test_orm_save_of_existing_event_is_refused():
    event = make_events(1)[0]
    event.summary = "changed"
    with pytest.raises(TypeError, match="append-only"):
        event.save()
    assert AuditEvent.objects.get(pk=event.pk).summary == ""


def test_orm_delete_is_refused():
    event = make_events(1)[0]
    with pytest.raises(TypeError, match="append-only"):
        event.delete()
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_queryset_update_and_delete_are_refused():
    make_events(2)
    with pytest.raises(TypeError, match="append-only"):
        AuditEvent.objects.all().update(summary="x")
    with pytest.raises(TypeError, match="append-only"):
        AuditEvent.objects.filter(kind="write").delete()
    assert AuditEvent.objects.count() == 2
    assert run_verify()[0]


def _assert_refused(sql: str, params: list, match: str) -> None:
    table = connection.ops.quote_name(AuditEvent._meta.db_table)
    with pytest.raises(IntegrityError, match=match), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql.format(table=table), params)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL only")
def test_trigger_refuses_raw_update_and_delete():
    event = make_events(2)[0]
    assert db.trigger_installed(connection)
    _assert_refused("UPDATE {table} SET summary = 'x' WHERE id = %s", [event.id], "append-only: UPDATE")
    _assert_refused("DELETE FROM {table} WHERE id = %s", [event.id], "append-only: DELETE")
    _assert_refused("DELETE FROM {table}", [], "append-only: DELETE")  # bulk: refused row by row
    assert AuditEvent.objects.get(pk=event.id).summary == ""
    assert AuditEvent.objects.count() == 2
    assert run_verify()[0]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL only")
def test_trigger_is_switched_back_on_after_tampering():
    event = make_events(1)[0]
    tamper("UPDATE {table} SET summary = %s WHERE id = %s", ["x", event.id])
    assert db.trigger_installed(connection)
    _assert_refused("UPDATE {table} SET summary = 'y' WHERE id = %s", [event.id], "append-only")


def test_record_access_without_purpose_raises():
    user = UserFactory()
    for purpose in ("", None):
        with pytest.raises(ValueError, match="purpose"):
            audit.record_access(actor=user, obj=("test.thing", 1), purpose=purpose)
    assert AuditEvent.objects.count() == 0


def test_record_disclosure_without_legal_ground_or_recipient_raises():
    user = UserFactory()
    with pytest.raises(ValueError, match="legal ground"):
        audit.record_disclosure(
            actor=user, obj=("test.thing", 1), recipient_organisation=user.organisation, legal_ground=""
        )
    with pytest.raises(ValueError, match="recipient"):
        audit.record_disclosure(actor=user, obj=("test.thing", 1), recipient_organisation=None, legal_ground="art. 6")
    assert AuditEvent.objects.count() == 0


def test_bad_object_reference_raises_and_writes_nothing():
    with pytest.raises(TypeError):
        audit.record_write(actor=None, action="test.x", obj="not a model")
    assert AuditEvent.objects.count() == 0


def test_event_records_actor_and_organisation():
    user = UserFactory()
    event = audit.record_write(actor=user, action="test.done", obj=user, summary="ok")
    assert event.actor_label == user.email
    assert event.organisation_id == user.organisation_id
    assert event.object_type == "accounts.user" and event.object_id == str(user.pk)


# --- property: any sequence of events verifies ---------------------------------

texts = st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=120)


def _ip_spelling(addr):
    text = str(addr)
    return st.sampled_from([text, text.upper(), addr.exploded])


ips = st.one_of(st.none(), st.ip_addresses().flatmap(_ip_spelling))

ops = st.lists(
    st.tuples(st.sampled_from(["write", "access", "disclosure", "auth", "admin"]), texts, texts, ips),
    min_size=1,
    max_size=12,
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=ops)
def test_any_sequence_of_events_verifies(ops):
    with transaction.atomic():
        user = UserFactory()
        for i, (op, text, summary, ip) in enumerate(ops):
            token = request_context.set_current(request_context.RequestContext(f"req-{i:08d}", ip))
            try:
                obj = ("test.thing", str(i))
                if op == "write":
                    audit.record_write(actor=user, action=text or "test.x", obj=obj, summary=summary)
                elif op == "access":
                    audit.record_access(actor=user, obj=obj, purpose=text or "p", summary=summary)
                elif op == "disclosure":
                    audit.record_disclosure(
                        actor=user,
                        obj=obj,
                        recipient_organisation=user.organisation,
                        legal_ground=text or "g",
                        purpose=summary,
                    )
                elif op == "auth":
                    audit.record_auth(action="auth.login_failed", attempted_login=text, summary=summary)
                else:
                    audit.record_admin(actor=user, action=text or "test.admin", summary=summary)
            finally:
                request_context.reset(token)
        report = audit.verify_chain(batch_size=5)
        assert report.ok, report
        assert report.checked == len(ops)
        for event, (_op, _t, _s, ip) in zip(AuditEvent.objects.order_by("id"), ops, strict=True):
            if ip is not None:
                assert ipaddress.ip_address(event.ip) == ipaddress.ip_address(ip)
        transaction.set_rollback(True)


def test_audit_verify_passes_on_the_demo_data(seeded, client):
    # Seed, then a few real requests that write events (a failed login among them).
    from django.urls import reverse

    response = client.post(reverse("accounts:login"), {"email": "nobody@example.test", "password": "wrong"})
    failed = AuditEvent.objects.get(action="auth.login_failed", actor_label="nobody@example.test")
    assert failed.organisation_id is None
    assert failed.request_id == response["X-Request-ID"]
    ok, out = run_verify()
    assert ok, out
    assert f"{AuditEvent.objects.count()} events checked" in out


def test_audit_verify_rejects_a_bad_batch_size():
    from django.core.management import call_command
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="at least 1"):
        call_command("audit_verify", batch_size=0)
