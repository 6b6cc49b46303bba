"""Database guard: a personal funnel's owner must be a member of the funnel's household.

A CHECK constraint cannot look at another table, so this is a trigger on both engines.
"""

from django.db import migrations

SQLITE_FORWARD = [
    f"""
CREATE TRIGGER funnel_owner_in_household_{event.lower()}
BEFORE {event} ON funnels_funnel
FOR EACH ROW WHEN NEW.owner_id IS NOT NULL AND NOT EXISTS (
    SELECT 1 FROM accounts_user u WHERE u.id = NEW.owner_id AND u.household_id = NEW.household_id
)
BEGIN
    SELECT RAISE(ABORT, 'funnel_owner_in_household');
END;
"""
    for event in ("INSERT", "UPDATE")
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS funnel_owner_in_household_insert;",
    "DROP TRIGGER IF EXISTS funnel_owner_in_household_update;",
]
POSTGRES_FORWARD = [
    """
CREATE FUNCTION funnel_owner_in_household() RETURNS trigger AS $$
BEGIN
    IF NEW.owner_id IS NOT NULL AND NOT EXISTS (
        SELECT 1 FROM accounts_user u WHERE u.id = NEW.owner_id AND u.household_id = NEW.household_id
    ) THEN
        RAISE EXCEPTION 'funnel_owner_in_household' USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
""",
    """
CREATE TRIGGER funnel_owner_in_household BEFORE INSERT OR UPDATE ON funnels_funnel
FOR EACH ROW EXECUTE FUNCTION funnel_owner_in_household();
""",
]
POSTGRES_BACKWARD = [
    "DROP TRIGGER IF EXISTS funnel_owner_in_household ON funnels_funnel;",
    "DROP FUNCTION IF EXISTS funnel_owner_in_household();",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("funnels", "0001_initial"), ("accounts", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}),
            _run({"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRES_BACKWARD}),
        )
    ]
