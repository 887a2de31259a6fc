import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied

from knowledge import services
from knowledge.models import BotMessage, BotRole
from tests import factories
from tickets.models import Channel
from tickets.sla.selectors import expected_first_reply_text


@pytest.fixture
def knowledge_base(editor):
    return factories.kb_article(
        author=editor,
        slug="backup",
        translations={
            "en": ("How to back up your recovery phrase", "Write the recovery phrase on paper and keep it offline."),
            "zh-hans": ("如何备份助记词", "把助记词抄写在纸上并离线保存。"),
        },
    )


def conversation(user=None, language="en"):
    return services.bot_conversation_for(token=None, user=user or AnonymousUser(), language=language)


@pytest.mark.parametrize(
    ("language", "question"),
    [("en", "How do I back up my recovery phrase?"), ("zh-hans", "怎么备份助记词")],
)
def test_the_bot_answers_known_questions_with_the_article(knowledge_base, language, question):
    reply = services.bot_ask(conversation=conversation(language=language), text=question)

    assert reply.answer is not None
    assert reply.answer.article == knowledge_base
    assert reply.answer.translation.language == language
    assert reply.message.confidence >= 0.5
    assert not reply.offer_handoff


def test_below_the_confidence_threshold_it_offers_a_person_and_lists_the_question(knowledge_base):
    chat = conversation()

    reply = services.bot_ask(conversation=chat, text="My staking rewards disappeared after the merge")

    assert reply.answer is None
    assert reply.offer_handoff
    assert list(BotMessage.objects.unanswered_questions().values_list("text", flat=True)) == [
        "My staking rewards disappeared after the merge"
    ]


def test_a_chinese_question_in_an_english_conversation_is_answered_from_the_chinese_article(knowledge_base):
    reply = services.bot_ask(conversation=conversation(language="en"), text="怎么备份助记词")

    assert reply.answer is not None
    assert reply.answer.translation.language == "zh-hans"
    assert reply.question.text == "怎么备份助记词"


@pytest.mark.parametrize("question", ["I want to talk to a human", "转人工客服"])
def test_asking_for_a_person_offers_the_hand_off_without_searching(knowledge_base, question):
    reply = services.bot_ask(conversation=conversation(), text=question)

    assert reply.offer_handoff
    assert reply.answer is None


def test_an_unhelpful_answer_becomes_an_unanswered_question(knowledge_base):
    chat = conversation()
    reply = services.bot_ask(conversation=chat, text="back up recovery phrase")

    services.bot_feedback(conversation=chat, message_id=reply.message.pk, helpful=False)

    assert list(BotMessage.objects.unanswered_questions().values_list("text", flat=True)) == ["back up recovery phrase"]


def test_hand_off_creates_a_bot_ticket_with_the_whole_transcript(knowledge_base, customer):
    chat = conversation(user=customer.user)
    services.bot_ask(conversation=chat, text="How do I back up my recovery phrase?")
    services.bot_ask(conversation=chat, text="talk to a human please")

    ticket = services.bot_handoff(conversation=chat, user=customer.user, base_url="https://help.example")

    assert ticket.channel == Channel.BOT
    assert ticket.customer == customer
    assert ticket.subject == "How do I back up my recovery phrase?"
    first = ticket.messages.get()
    assert "Customer: How do I back up my recovery phrase?" in first.body
    assert "https://help.example/portal/help/a/backup/" in first.body
    assert "Customer: talk to a human please" in first.body
    last = chat.messages.last()
    assert last.role == BotRole.BOT
    assert ticket.reference in last.text
    # The promise comes from the chat hand-off SLA policy (minutes) on its calendar, not a fixed "24 hours".
    assert ticket.sla_policy.name == "Chat hand-off"
    assert last.text.endswith(expected_first_reply_text(ticket, language="en"))
    assert "We will reply by" in last.text


def test_hand_off_is_idempotent(knowledge_base, customer):
    chat = conversation(user=customer.user)
    services.bot_ask(conversation=chat, text="human")

    first = services.bot_handoff(conversation=chat, user=customer.user)
    second = services.bot_handoff(conversation=chat, user=customer.user)

    assert first == second
    assert customer.tickets.count() == 1


def test_hand_off_needs_a_signed_in_customer(knowledge_base):
    chat = conversation()
    services.bot_ask(conversation=chat, text="human")

    with pytest.raises(PermissionDenied):
        services.bot_handoff(conversation=chat, user=AnonymousUser())


def test_a_conversation_is_adopted_on_sign_in_but_never_shared(customer, other_customer):
    chat = conversation()

    adopted = services.bot_conversation_for(token=str(chat.token), user=customer.user, language="en")
    other = services.bot_conversation_for(token=str(chat.token), user=other_customer.user, language="en")

    assert adopted == chat
    assert adopted.user == customer.user
    assert other != chat
