"""Concurrent writers keep one unbroken chain (PostgreSQL: the chain head row
is locked with SELECT ... FOR UPDATE while an event is appended)."""

import threading

import pytest
from django.db import connection, connections

from schakel.audit import services as audit
from schakel.audit.models import AuditEvent

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite serialises writers itself; PostgreSQL only")
def test_concurrent_appends_form_one_valid_chain():
    per_thread, threads = 40, 4
    errors = []

    def work(n):
        try:
            for i in range(per_thread):
                audit.record_write(actor=None, action="test.concurrent", obj=("test.thing", f"{n}-{i}"))
        except Exception as exc:  # surfaced below
            errors.append(exc)
        finally:
            connections.close_all()

    pool = [threading.Thread(target=work, args=(n,)) for n in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    assert not errors
    assert AuditEvent.objects.count() == per_thread * threads
    report = audit.verify_chain()
    assert report.ok, report
    # Every event links to a distinct predecessor: no fork in the chain.
    prevs = list(AuditEvent.objects.values_list("prev_hash", flat=True))
    assert len(prevs) == len(set(prevs))
