"""The only place with database-specific SQL for the audit trail.

On PostgreSQL a row trigger refuses every UPDATE and DELETE of an audit event,
so even raw SQL cannot rewrite history without first disabling the trigger
(which needs the table owner and is itself visible in the server log). SQLite
has no such guard here: the ORM refusal (``AppendOnlyModel``) and the hash
chain (``audit_verify``) still apply.

TRUNCATE is deliberately not covered: Django's test runner empties tables
with TRUNCATE between transactional tests.
"""

from __future__ import annotations

from contextlib import contextmanager

TABLE = "audit_auditevent"
FUNCTION = "audit_auditevent_refuse_change"
TRIGGER = "audit_auditevent_append_only"

_CREATE_FUNCTION = f"""
CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit events are append-only: % on % refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'restrict_violation';
END;
$$
"""

_CREATE_TRIGGER = f"""
CREATE TRIGGER {TRIGGER}
BEFORE UPDATE OR DELETE ON {TABLE}
FOR EACH ROW EXECUTE FUNCTION {FUNCTION}()
"""


def is_postgresql(connection) -> bool:
    return connection.vendor == "postgresql"


def install_append_only_trigger(schema_editor) -> None:
    """Create the refusing function and trigger (PostgreSQL only; no-op elsewhere)."""
    if not is_postgresql(schema_editor.connection):
        return
    # params=None: the % in RAISE are plpgsql placeholders, not driver ones.
    schema_editor.execute(_CREATE_FUNCTION, params=None)
    schema_editor.execute(f"DROP TRIGGER IF EXISTS {TRIGGER} ON {TABLE}")
    schema_editor.execute(_CREATE_TRIGGER)


def drop_append_only_trigger(schema_editor) -> None:
    """Reverse of ``install_append_only_trigger``."""
    if not is_postgresql(schema_editor.connection):
        return
    schema_editor.execute(f"DROP TRIGGER IF EXISTS {TRIGGER} ON {TABLE}")
    schema_editor.execute(f"DROP FUNCTION IF EXISTS {FUNCTION}()")


def trigger_installed(connection) -> bool:
    """True when the append-only trigger exists (always False off PostgreSQL)."""
    if not is_postgresql(connection):
        return False
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT 1 FROM pg_trigger WHERE tgname = %s AND tgrelid = %s::regclass AND NOT tgisinternal",
            [TRIGGER, TABLE],
        )
        return cursor.fetchone() is not None


@contextmanager
def trigger_disabled(connection):
    """Switch the trigger off for a block, then on again. For tests that
    simulate tampering by someone with owner rights; never used by the app."""
    if not is_postgresql(connection):
        yield
        return
    # ALTER TABLE refuses to run while deferred foreign-key checks of this
    # transaction are pending: fire them first, defer again afterwards.
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(f"ALTER TABLE {TABLE} DISABLE TRIGGER {TRIGGER}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"ALTER TABLE {TABLE} ENABLE TRIGGER {TRIGGER}")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
