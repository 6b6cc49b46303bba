"""Database guard: a personal funnel's owner must be a member of the funnel's household.

A CHECK constraint cannot look at another table, so this is a trigger on both engines.
SQLite drops a table's triggers whenever a migration rebuilds that table, so the guard is
(re)installed idempotently after every `migrate` (see FunnelsConfig.ready).
"""

from __future__ import annotations

from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper

ERROR = "funnel_owner_in_household"
_OWNER_OUTSIDE = """NEW.owner_id IS NOT NULL AND NOT EXISTS (
    SELECT 1 FROM accounts_user u WHERE u.id = NEW.owner_id AND u.household_id = NEW.household_id
)"""

SQLITE = [
    f"""CREATE TRIGGER IF NOT EXISTS funnel_owner_in_household_{event.lower()}
BEFORE {event} ON funnels_funnel FOR EACH ROW WHEN {_OWNER_OUTSIDE}
BEGIN SELECT RAISE(ABORT, '{ERROR}'); END;"""
    for event in ("INSERT", "UPDATE")
]
POSTGRESQL = [
    f"""CREATE OR REPLACE FUNCTION funnel_owner_in_household() RETURNS trigger AS $$
BEGIN
    IF {_OWNER_OUTSIDE} THEN
        RAISE EXCEPTION '{ERROR}' USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;""",
    "DROP TRIGGER IF EXISTS funnel_owner_in_household ON funnels_funnel;",
    """CREATE TRIGGER funnel_owner_in_household BEFORE INSERT OR UPDATE ON funnels_funnel
FOR EACH ROW EXECUTE FUNCTION funnel_owner_in_household();""",
]


def install_owner_guard(connection: BaseDatabaseWrapper) -> None:
    """Create the trigger if the funnels table exists (idempotent)."""
    statements = {"sqlite": SQLITE, "postgresql": POSTGRESQL}.get(connection.vendor, [])
    if not statements or "funnels_funnel" not in connection.introspection.table_names():
        return
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def install_after_migrate(using: str = "default", **kwargs: Any) -> None:
    """post_migrate receiver."""
    from django.db import connections

    install_owner_guard(connections[using])
