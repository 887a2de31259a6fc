from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KnowledgeConfig(AppConfig):
    name = "knowledge"
    verbose_name = _("Knowledge")

    def ready(self) -> None:
        from knowledge.receivers import on_chat_customer_wrote
        from tickets.signals import chat_customer_wrote

        chat_customer_wrote.connect(on_chat_customer_wrote, dispatch_uid="knowledge.bot_answers_chat")
