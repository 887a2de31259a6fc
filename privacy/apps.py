from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    name = "privacy"
    verbose_name = _("Privacy")

    def ready(self) -> None:
        # Senders in the apps below ask tickets.consent; the answers live here.
        from privacy.services.consent import consent_given
        from tickets.consent import register_consent_reader

        register_consent_reader(consent_given)
