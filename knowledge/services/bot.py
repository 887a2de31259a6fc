"""The FAQ bot: answers from published articles by retrieval, hands off to a person with the transcript.

No language model and no network: the answer is the best search hit when
enough of the question's words occur in it (settings.KNOWLEDGE_BOT_CONFIDENCE).
Hand-off needs a signed-in customer (allauth verifies the address at sign-up),
so the ticket lands on a verified customer record.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import override

from knowledge.models import BotConversation, BotMessage, BotRole
from knowledge.selectors import ArticleCard, article_search
from knowledge.text import coverage, query_terms
from tickets import services as ticket_services
from tickets.models import Channel, Ticket

ERROR_EMPTY_QUESTION = "empty_question"
ERROR_NOTHING_TO_HAND_OFF = "nothing_to_hand_off"
MAX_QUESTION_LENGTH = 500

# Asking for a person skips the search (English and Chinese wordings).
_WANTS_HUMAN = re.compile(
    r"\b(human|agent|person|operator|representative|real people|talk to (?:someone|somebody))\b|人工|真人|客服",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class BotReply:
    message: BotMessage
    answer: ArticleCard | None = None
    suggestions: list[ArticleCard] = field(default_factory=list)
    offer_handoff: bool = False


def bot_conversation_for(*, token: str | None, user, language: str) -> BotConversation:
    """The conversation behind `token` (kept in the visitor's session), or a new one.

    A conversation started anonymously is adopted by the customer who signs in
    during it; one that belongs to somebody else is never reused.
    """
    conversation = BotConversation.objects.filter(token=token).first() if token else None
    signed_in = user is not None and user.is_authenticated
    if conversation is not None and conversation.user_id not in (None, user.pk if signed_in else None):
        conversation = None
    if conversation is None:
        return BotConversation.objects.create(user=user if signed_in else None, language=language)
    if signed_in and conversation.user_id is None:
        conversation.user = user
        conversation.save(update_fields=["user", "updated_at"])
    return conversation


def _say(conversation: BotConversation, text: str, **fields) -> BotMessage:
    return BotMessage.objects.create(conversation=conversation, role=BotRole.BOT, text=text, **fields)


@transaction.atomic
def bot_ask(*, conversation: BotConversation, text: str) -> BotReply:
    """Store the question and the bot's answer (or its offer to hand off)."""
    question = " ".join((text or "").split())[:MAX_QUESTION_LENGTH]
    if not question:
        raise ValidationError(_("Please type a question."), code=ERROR_EMPTY_QUESTION)
    asked = BotMessage.objects.create(conversation=conversation, role=BotRole.USER, text=question)
    with override(conversation.language):
        if _WANTS_HUMAN.search(question):
            reply = _say(conversation, _("Of course. I can pass this conversation to a person on our support team."))
            return BotReply(message=reply, offer_handoff=True)
        cards = article_search(question, conversation.language, limit=3)
        terms = query_terms(question)
        confidence = 0.0
        if cards:
            best = cards[0].translation
            confidence = coverage(terms, " ".join([best.title, best.summary, best.body, best.transcript]))
        if cards and confidence >= settings.KNOWLEDGE_BOT_CONFIDENCE:
            best = cards[0]
            reply = _say(
                conversation,
                _("This article should help: %(title)s") % {"title": best.translation.title},
                article=best.article,
                confidence=confidence,
            )
            return BotReply(message=reply, answer=best, suggestions=cards[1:])
        asked.answered = False
        asked.save(update_fields=["answered"])
        reply = _say(
            conversation,
            _("I'm not sure I have the answer to that. You can rephrase it, or talk to a person on our team."),
            confidence=confidence,
        )
        return BotReply(message=reply, suggestions=cards, offer_handoff=True)


@transaction.atomic
def bot_feedback(*, conversation: BotConversation, message_id: int, helpful: bool) -> BotMessage:
    """ "Did this help?" on an answer; a no puts the question on the unanswered list for new articles."""
    answer = BotMessage.objects.select_for_update().get(
        conversation=conversation, pk=message_id, role=BotRole.BOT, article__isnull=False
    )
    answer.helpful = helpful
    answer.save(update_fields=["helpful"])
    if not helpful:
        question = (
            conversation.messages.filter(role=BotRole.USER, created_at__lte=answer.created_at, pk__lt=answer.pk)
            .order_by("-created_at", "-id")
            .first()
        )
        if question is not None:
            question.answered = False
            question.save(update_fields=["answered"])
    return answer


def transcript_text(conversation: BotConversation, *, base_url: str = "") -> str:
    """The whole bot conversation as plain text, for the hand-off ticket's first message."""
    lines = []
    for message in conversation.messages.select_related("article").order_by("created_at", "id"):
        speaker = _("Customer") if message.role == BotRole.USER else _("Bot")
        line = f"{speaker}: {message.text}"
        if message.article is not None:
            line += f" ({base_url}{reverse('knowledge:article', args=[message.article.slug])})"
        if message.helpful is not None:
            line += " [" + (_("helpful") if message.helpful else _("not helpful")) + "]"
        lines.append(line)
    return "\n".join(lines)


@transaction.atomic
def bot_handoff(*, conversation: BotConversation, user, base_url: str = "") -> Ticket:
    """Open a bot-channel ticket for the signed-in customer with the transcript as its first message.

    Idempotent: a second hand-off of the same conversation returns the first ticket.
    """
    if user is None or not user.is_authenticated:
        raise PermissionDenied(_("Please sign in so our team can reply to you."))
    conversation = BotConversation.objects.select_for_update().get(pk=conversation.pk)
    if conversation.handoff_ticket_id is not None:
        return conversation.handoff_ticket
    first_question = conversation.messages.filter(role=BotRole.USER).order_by("created_at", "id").first()
    if first_question is None:
        raise ValidationError(_("Ask the bot your question first."), code=ERROR_NOTHING_TO_HAND_OFF)
    customer = getattr(user, "customer", None)
    if customer is None:
        customer, _created = ticket_services.customer_get_or_create(
            email=user.email, name=user.get_full_name(), language=conversation.language, user=user
        )
    with override(conversation.language):
        ticket = ticket_services.ticket_create(
            customer=customer,
            subject=first_question.text[: ticket_services.SUBJECT_MAX_LENGTH],
            body=transcript_text(conversation, base_url=base_url),
            channel=Channel.BOT,
            actor=user,
            language=conversation.language,
        )
        _say(
            conversation,
            _("Your request %(reference)s is with our support team. We usually reply within %(hours)d hours.")
            % {"reference": ticket.reference, "hours": settings.KNOWLEDGE_HANDOFF_REPLY_HOURS},
        )
    conversation.handoff_ticket = ticket
    conversation.user = user
    conversation.save(update_fields=["handoff_ticket", "user", "updated_at"])
    return ticket
