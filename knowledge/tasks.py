"""django-q2 entry points of the knowledge app (thin: the work is in services)."""

from django.urls import reverse

from knowledge.models import BotConversation
from knowledge.services.bot import bot_handoff_token
from supportdesk.kit.mail import send_rendered_mail


def bot_handoff_send_confirmation(conversation_id: int, site_url: str) -> None:
    """Mail the confirmation link of a bot hand-off that is still waiting, in the conversation's language."""
    conversation = BotConversation.objects.filter(
        pk=conversation_id, handoff_ticket__isnull=True, handoff_confirmed_at__isnull=True
    ).first()
    if conversation is None or not conversation.handoff_email:
        return
    path = reverse("knowledge:bot_handoff_confirm", args=[bot_handoff_token(conversation)])
    context = {"conversation": conversation, "confirm_url": site_url.rstrip("/") + path}
    send_rendered_mail(
        to=[conversation.handoff_email],
        language=conversation.language,
        subject_template="knowledge/email/handoff_confirm_subject.txt",
        text_template="knowledge/email/handoff_confirm_message.txt",
        context=context,
    )
