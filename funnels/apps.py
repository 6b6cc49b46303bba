from django.apps import AppConfig
from django.db.models.signals import post_migrate


class FunnelsConfig(AppConfig):
    name = "funnels"
    verbose_name = "Funnels and spendings"

    def ready(self) -> None:
        from funnels.db_guards import install_after_migrate

        post_migrate.connect(install_after_migrate, sender=self, dispatch_uid="funnels_guards")
