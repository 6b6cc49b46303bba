"""Install the database guard of funnels/db_guards.py (re-installed after every migrate)."""

from django.db import migrations


def install(apps, schema_editor):
    from funnels.db_guards import install_owner_guard

    install_owner_guard(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("funnels", "0001_initial"), ("accounts", "0001_initial")]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
