import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("funnels", "0003_funnel_color_field"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="SpendingTombstone",
            fields=[
                (
                    "id",
                    models.UUIDField(
                        help_text="The id the deleted spending had.",
                        primary_key=True,
                        serialize=False,
                    ),
                ),
                ("funnel_id", models.UUIDField()),
                ("deleted_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "household",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="accounts.household",
                    ),
                ),
                (
                    "owner",
                    models.ForeignKey(
                        blank=True,
                        help_text="Owner of the personal funnel it was in; empty for a shared funnel.",
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "indexes": [
                    models.Index(
                        fields=["household", "deleted_at"], name="tombstone_household_at"
                    )
                ],
            },
        ),
    ]
