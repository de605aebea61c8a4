"""The trigger migration: installed going forward, dropped going back
(PostgreSQL); a no-op both ways elsewhere."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from schakel.audit import db

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("audit", "0001_initial")]
AFTER = [("audit", "0002_append_only_trigger")]


def _migrate(target):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(target)


def test_reverse_migration_drops_the_trigger_and_forward_restores_it():
    expected = connection.vendor == "postgresql"
    assert db.trigger_installed(connection) is expected
    try:
        _migrate(BEFORE)
        assert db.trigger_installed(connection) is False
        if expected:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1 FROM pg_proc WHERE proname = %s", [db.FUNCTION])
                assert cursor.fetchone() is None
    finally:
        _migrate(AFTER)
        _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes("audit"))
    assert db.trigger_installed(connection) is expected
