from django.db import migrations

import funnels.models


class Migration(migrations.Migration):
    dependencies = [("funnels", "0002_owner_in_household_trigger")]

    operations = [
        migrations.AlterField(
            model_name="funnel",
            name="color",
            field=funnels.models.ColorField(max_length=7),
        ),
    ]
