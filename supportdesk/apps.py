from django.apps import AppConfig
from django.contrib.admin.apps import AdminConfig
from django.utils.translation import gettext_lazy as _


class SupportDeskAdminConfig(AdminConfig):
    """Replaces django.contrib.admin so `admin.site` is the SupportDesk site."""

    default_site = "supportdesk.admin_site.SupportDeskAdminSite"


class SupportdeskConfig(AppConfig):
    name = "supportdesk"
    verbose_name = _("Accounts and roles")

    def ready(self) -> None:
        # Registers the OpenAPI descriptions of our authentication classes.
        from supportdesk import api_schema  # noqa: F401
