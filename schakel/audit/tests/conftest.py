import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from schakel.audit import db
from schakel.audit.models import AuditEvent


def run_verify() -> tuple[bool, str]:
    """(ok, output) of ``manage.py audit_verify``."""
    from io import StringIO

    out = StringIO()
    try:
        call_command("audit_verify", stdout=out)
    except CommandError as exc:
        return False, str(exc)
    return True, out.getvalue()


def tamper(sql: str, params: list) -> None:
    """Raw SQL on the audit table as a table owner would do it: on PostgreSQL the
    append-only trigger is switched off for this one statement."""
    with db.trigger_disabled(connection), connection.cursor() as cursor:
        cursor.execute(sql.format(table=connection.ops.quote_name(AuditEvent._meta.db_table)), params)


@pytest.fixture
def verify():
    return run_verify
