"""Receivers of the ticket core's custom signals (connected in KnowledgeConfig.ready)."""

from django.conf import settings

from knowledge.services import bot


def on_chat_customer_wrote(sender, *, session_id: int, message_id: int, **kwargs) -> None:
    bot.bot_answer_chat(session_id=session_id, message_id=message_id, base_url=settings.SITE_URL)
