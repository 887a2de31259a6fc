from django.apps import AppConfig
from django.contrib.admin.apps import AdminConfig
from django.db.models.signals import post_migrate
from django.urls import register_converter
from django.utils.translation import gettext_lazy as _

from supportdesk.kit.converters import IdConverter


class SupportDeskAdminConfig(AdminConfig):
    """Replaces django.contrib.admin so `admin.site` is the SupportDesk site."""

    default_site = "supportdesk.admin_site.SupportDeskAdminSite"


class SupportdeskConfig(AppConfig):
    name = "supportdesk"
    verbose_name = _("Accounts and roles")

    def ready(self) -> None:
        register_converter(IdConverter, "id")
        # Registers the OpenAPI descriptions of our authentication classes.
        from supportdesk import api_auth  # noqa: F401

        # Like Django's own create_permissions, role groups are (re)synced after every migrate:
        # a data migration can only grant the permissions that exist when it runs, and each
        # app's permissions appear at a different point of a fresh migrate.
        post_migrate.connect(sync_roles_after_migrate, dispatch_uid="supportdesk.sync_roles")


def sync_roles_after_migrate(sender, **kwargs) -> None:
    from django.contrib.auth.models import Group, Permission

    from supportdesk.roles import sync_role_groups

    sync_role_groups(Group, Permission)
