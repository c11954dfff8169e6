from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "cercle.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from django.db.backends.signals import connection_created
        from django.db.models.signals import post_migrate, pre_migrate

        from cercle.core.pagecache import versions

        connection_created.connect(versions.install, dispatch_uid="cercle-table-versions")
        pre_migrate.connect(versions.pause, dispatch_uid="cercle-table-versions-pause")
        post_migrate.connect(
            versions.resume_and_bump_epoch, sender=self, dispatch_uid="cercle-table-versions-epoch"
        )
