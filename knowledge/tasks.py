"""django-q2 entry points of the knowledge app (thin: the work is in services)."""

from dataclasses import asdict

from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from knowledge.models import BotConversation
from knowledge.services.bot import bot_handoff_token
from knowledge.services.training import training_run_rules


def run_training_rules() -> dict[str, int]:
    return asdict(training_run_rules())


def bot_handoff_send_confirmation(conversation_id: int, site_url: str) -> None:
    """Mail the confirmation link of a bot hand-off that is still waiting, in the conversation's language."""
    conversation = BotConversation.objects.filter(
        pk=conversation_id, handoff_ticket__isnull=True, handoff_confirmed_at__isnull=True
    ).first()
    if conversation is None or not conversation.handoff_email:
        return
    path = reverse("knowledge:bot_handoff_confirm", args=[bot_handoff_token(conversation)])
    context = {"conversation": conversation, "confirm_url": site_url.rstrip("/") + path}
    with translation.override(conversation.language):
        subject = render_to_string("knowledge/email/handoff_confirm_subject.txt", context)
        message = render_to_string("knowledge/email/handoff_confirm_message.txt", context)
    send_mail(" ".join(subject.split()), message, None, [conversation.handoff_email])
