"""The FAQ bot: answers from published articles by retrieval, hands off to a person with the transcript.

No language model and no network: the answer is the best search hit when
enough of the question's words occur in it (settings.KNOWLEDGE_BOT_CONFIDENCE).
Hand-off goes to a verified address: a signed-in customer's (allauth verified
it at sign-up) at once, or an anonymous visitor's once they open the link
mailed to it (bot_handoff_request, then bot_handoff_confirm).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, override
from django_q.tasks import async_task

from knowledge.models import BotConversation, BotMessage, BotRole
from knowledge.selectors import ArticleCard, article_search
from knowledge.text import coverage, query_terms
from supportdesk.kit.text import ERROR_INVALID_EMAIL, normalise_email
from tickets import services as ticket_services
from tickets.chat import services as chat_services
from tickets.chat.models import ChatSession
from tickets.models import Channel, Customer, Ticket, TicketMessage
from tickets.safety.detect import redact_secrets
from tickets.safety.scrubbing import Scrubber
from tickets.safety.services import intake as safety_intake
from tickets.selectors import customer_for_user, first_reply_promise

ERROR_EMPTY_QUESTION = "empty_question"
ERROR_NOTHING_TO_HAND_OFF = "nothing_to_hand_off"
ERROR_ALREADY_HANDED_OFF = "already_handed_off"
ERROR_SIGNED_IN_CONVERSATION = "signed_in_conversation"
ERROR_STAFF_HANDOFF = "staff_handoff"
ERROR_LINK_INVALID = "handoff_link_invalid"
ERROR_LINK_EXPIRED = "handoff_link_expired"
MAX_QUESTION_LENGTH = 500
SECRET_WARNING = gettext_lazy(
    "Please never share your recovery phrase or private key with anyone, including us: we removed it and did not "
    "keep it. Our team will never ask for it. If anyone else has seen it, move your funds to a new wallet now. "
    "I can pass this conversation to our security team."
)
MAX_EMAIL_LENGTH = 254
MAX_NAME_LENGTH = 200

_HANDOFF_SALT = "knowledge.bot-handoff"

# Asking for a person skips the search (English and Chinese wordings).
_WANTS_HUMAN = re.compile(
    r"\b(human|agent|person|operator|representative|real people|talk to (?:someone|somebody))\b|人工|真人|客服",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class BotReply:
    question: BotMessage  # as stored: a secret the visitor typed is already removed
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
    # Like every intake, the bot never stores a recovery phrase or private key (tickets.safety).
    scrubber = Scrubber(from_customer=True)
    question = safety_intake.gate({"bot": question}, scrubber=scrubber)["bot"]
    asked = BotMessage.objects.create(conversation=conversation, role=BotRole.USER, text=question)
    with override(conversation.language):
        if scrubber.certain:
            conversation.secret_kinds = sorted({*conversation.secret_kinds, *(f.kind for f in scrubber.certain)})
            conversation.save(update_fields=["secret_kinds", "updated_at"])
            reply = _say(conversation, str(SECRET_WARNING))
            return BotReply(question=asked, message=reply, offer_handoff=True)
        if _WANTS_HUMAN.search(question):
            reply = _say(conversation, _("Of course. I can pass this conversation to a person on our support team."))
            return BotReply(question=asked, message=reply, offer_handoff=True)
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
            return BotReply(question=asked, message=reply, answer=best, suggestions=cards[1:])
        asked.answered = False
        asked.save(update_fields=["answered"])
        reply = _say(
            conversation,
            _("I'm not sure I have the answer to that. You can rephrase it, or talk to a person on our team."),
            confidence=confidence,
        )
        return BotReply(question=asked, message=reply, suggestions=cards, offer_handoff=True)


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


def _open_handoff_ticket(conversation: BotConversation, *, customer: Customer, actor, base_url: str) -> Ticket:
    """The bot-channel ticket with the transcript as its first message; the bot tells the reference."""
    first_question = conversation.messages.filter(role=BotRole.USER).order_by("created_at", "id").first()
    if first_question is None:
        raise ValidationError(_("Ask the bot your question first."), code=ERROR_NOTHING_TO_HAND_OFF)
    with override(conversation.language):
        # ticket_create scrubs subject and body: a recovery phrase typed to the bot never reaches the queue.
        ticket = ticket_services.ticket_create(
            customer=customer,
            subject=first_question.text[: ticket_services.SUBJECT_MAX_LENGTH],
            body=transcript_text(conversation, base_url=base_url),
            channel=Channel.BOT,
            actor=actor,
            language=conversation.language,
        )
        if conversation.secret_kinds:
            safety_intake.secret_exposure_record_earlier(
                ticket=ticket, kinds=conversation.secret_kinds, where=_("bot conversation"), actor=actor
            )
        _say(
            conversation,
            _("Your request %(reference)s is with our support team. %(promise)s")
            % {"reference": ticket.reference, "promise": first_reply_promise(ticket=ticket)},
        )
    return ticket


@transaction.atomic
def bot_handoff(*, conversation: BotConversation, user, base_url: str = "") -> Ticket:
    """Open a bot-channel ticket for the signed-in customer with the transcript as its first message.

    Idempotent: a second hand-off of the same conversation returns the first ticket.
    A pending hand-off by email is superseded, so its link no longer works.
    """
    if user is None or not user.is_authenticated:
        raise PermissionDenied(_("Please sign in so our team can reply to you."))
    if user.is_staff:
        # A staff login must never turn into a customer record (customer_get_or_create would link it).
        raise ValidationError(_("Staff accounts cannot hand a conversation to the team."), code=ERROR_STAFF_HANDOFF)
    conversation = BotConversation.objects.select_for_update().get(pk=conversation.pk)
    if conversation.handoff_ticket_id is not None:
        return conversation.handoff_ticket
    customer = customer_for_user(user=user)
    if customer is None:
        customer, _created = ticket_services.customer_get_or_create(
            email=user.email, name=user.get_full_name(), language=conversation.language, user=user
        )
    ticket = _open_handoff_ticket(conversation, customer=customer, actor=user, base_url=base_url)
    conversation.handoff_ticket = ticket
    conversation.user = user
    conversation.handoff_email = ""
    conversation.handoff_name = ""
    conversation.handoff_requested_at = None
    conversation.save(
        update_fields=["handoff_ticket", "user", "handoff_email", "handoff_name", "handoff_requested_at", "updated_at"]
    )
    return ticket


# Hand-off by a visitor without an account: the contact form's pattern (tickets.services.customers).
# A signed link, valid for PORTAL_CONTACT_LINK_MAX_AGE, is mailed to the address; only opening it
# turns the conversation into a ticket, once, however often the link is opened.


def _email_digest(email: str) -> str:
    # The link names the address it was sent to without spelling it out in URLs and logs.
    return hashlib.sha256(email.encode()).hexdigest()[:16]


def bot_handoff_token(conversation: BotConversation) -> str:
    return signing.dumps([conversation.pk, _email_digest(conversation.handoff_email)], salt=_HANDOFF_SALT)


@transaction.atomic
def bot_handoff_request(
    *, conversation: BotConversation, email: str, name: str, user=None, site_url: str
) -> BotConversation:
    """Hold an anonymous visitor's hand-off and mail them a link to confirm their address.

    `site_url` is the absolute root of the portal the link points to. Asking again
    (another address, or a lost mail) replaces the pending address; a link sent to
    an address that is no longer the pending one stops working.
    """
    conversation = BotConversation.objects.select_for_update().get(pk=conversation.pk)
    if conversation.handoff_ticket_id is not None:
        raise ValidationError(_("This conversation is already with our team."), code=ERROR_ALREADY_HANDED_OFF)
    if conversation.user_id is not None or (user is not None and user.is_authenticated):
        raise ValidationError(
            _("You are signed in: use “Talk to a person” to reach our team."), code=ERROR_SIGNED_IN_CONVERSATION
        )
    if not conversation.messages.filter(role=BotRole.USER).exists():
        raise ValidationError(_("Ask the bot your question first."), code=ERROR_NOTHING_TO_HAND_OFF)
    if len((email or "").strip()) > MAX_EMAIL_LENGTH:
        raise ValidationError({"email": ValidationError(_("Enter a valid email address."), code=ERROR_INVALID_EMAIL)})
    try:
        address = normalise_email(email)
    except ValidationError as error:
        raise ValidationError({"email": error}) from error
    gated = safety_intake.gate_standalone({"name": " ".join((name or "").split())}, channel=Channel.BOT)
    conversation.handoff_email = address
    conversation.handoff_name = gated.values["name"][:MAX_NAME_LENGTH]
    conversation.secret_kinds = sorted({*conversation.secret_kinds, *gated.kinds})
    conversation.handoff_requested_at = timezone.now()
    conversation.save(
        update_fields=["handoff_email", "handoff_name", "secret_kinds", "handoff_requested_at", "updated_at"]
    )
    transaction.on_commit(
        lambda: async_task("knowledge.tasks.bot_handoff_send_confirmation", conversation.pk, site_url)
    )
    return conversation


def bot_handoff_from_token(token: str) -> BotConversation:
    """The conversation a confirmation link names; ValidationError (with a code) if forged, replaced or too old."""
    invalid = ValidationError(_("This link is not valid."), code=ERROR_LINK_INVALID)
    try:
        pk, digest = signing.loads(token, salt=_HANDOFF_SALT, max_age=settings.PORTAL_CONTACT_LINK_MAX_AGE)
    except signing.SignatureExpired as error:
        raise ValidationError(
            _("This link has expired. Please ask the assistant for a person again."), code=ERROR_LINK_EXPIRED
        ) from error
    except (signing.BadSignature, TypeError, ValueError) as error:
        raise invalid from error
    conversation = BotConversation.objects.select_related("handoff_ticket").filter(pk=pk).first()
    if conversation is None or not conversation.handoff_email or digest != _email_digest(conversation.handoff_email):
        raise invalid
    return conversation


@transaction.atomic
def bot_handoff_confirm(*, conversation: BotConversation, base_url: str = "") -> Ticket:
    """The visitor proved the address: the transcript becomes a bot-channel ticket of the customer with it.

    An existing customer with that address gets the ticket and nothing else: the
    conversation is not attached to their login and their details are not changed.
    """
    conversation = BotConversation.objects.select_for_update().get(pk=conversation.pk)
    if conversation.handoff_ticket_id is not None:
        return conversation.handoff_ticket
    if not conversation.handoff_email or conversation.handoff_confirmed_at is not None:
        # Superseded by a signed-in hand-off, or confirmed once and its ticket deleted since: the link is spent.
        raise ValidationError(_("This link is not valid."), code=ERROR_LINK_INVALID)
    customer, _created = ticket_services.customer_get_or_create(
        email=conversation.handoff_email, name=conversation.handoff_name, language=conversation.language
    )
    ticket = _open_handoff_ticket(conversation, customer=customer, actor=None, base_url=base_url)
    conversation.handoff_ticket = ticket
    conversation.handoff_confirmed_at = timezone.now()
    conversation.save(update_fields=["handoff_ticket", "handoff_confirmed_at", "updated_at"])
    return ticket


def bot_handoff_preview(conversation: BotConversation) -> str:
    """The transcript shown on the confirmation page, with any secret already removed."""
    return redact_secrets(transcript_text(conversation))


def bot_answer_chat(*, session_id: int, message_id: int, base_url: str = "") -> None:
    """The bot's turn in a live chat (tickets.chat): an article when confident, else a person.

    Asking for a person, or a question the bot cannot answer well enough
    (KNOWLEDGE_BOT_CONFIDENCE), puts the chat in the agents' queue.
    """
    session = ChatSession.objects.filter(pk=session_id).first()
    message = TicketMessage.objects.filter(pk=message_id, ticket__chat=session_id).first()
    if session is None or message is None:
        return
    question = " ".join(message.body.split())[:MAX_QUESTION_LENGTH]
    with override(session.language):
        if _WANTS_HUMAN.search(question):
            text = _("Of course. I am passing this chat to a person on our support team.")
            chat_services.chat_bot_say(session=session, text=text, hand_off=True)
            return
        cards = article_search(question, session.language, limit=1)
        confidence = 0.0
        if cards:
            best = cards[0].translation
            confidence = coverage(
                query_terms(question), " ".join([best.title, best.summary, best.body, best.transcript])
            )
        if cards and confidence >= settings.KNOWLEDGE_BOT_CONFIDENCE:
            link = base_url + reverse("knowledge:article", args=[cards[0].article.slug])
            text = _("This article should help: %(title)s %(url)s") % {"title": cards[0].translation.title, "url": link}
            chat_services.chat_bot_say(session=session, text=text)
            return
        text = _("I'm not sure I have the answer to that. I am passing this chat to a person on our support team.")
        chat_services.chat_bot_say(session=session, text=text, hand_off=True)
