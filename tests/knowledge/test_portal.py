from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from knowledge.models import ArticleKind, ArticleStatus, ArticleVote, BotConversation, DeflectionEvent
from tests import factories
from tickets.models import Channel


def zh(client):
    client.cookies["django_language"] = "zh-hans"
    return client


def test_the_help_home_lists_topics_popular_articles_and_pinned_alerts(client, editor, article, category):
    factories.kb_article(
        author=editor,
        slug="alert",
        kind=ArticleKind.SECURITY_ALERT,
        category=category,
        pinned_until=timezone.now() + timedelta(days=3),
        translations={"en": ("Scam alert", "Beware.")},
    )
    factories.kb_article(
        author=editor,
        slug="expired",
        kind=ArticleKind.ANNOUNCEMENT,
        category=category,
        pinned_until=timezone.now() - timedelta(days=1),
        translations={"en": ("Old news", "Gone.")},
    )

    page = client.get(reverse("knowledge:home")).content.decode()

    assert "Security" in page
    assert "How to back up your recovery phrase" in page
    assert 'class="kb-notice kb-notice-security_alert"' in page
    assert "Scam alert" in page
    assert "Old news" not in page.split('class="kb-notices"')[1].split("</section>")[0]


def test_the_article_page_renders_the_readers_language(client, article):
    page = zh(client).get(reverse("knowledge:article", args=["backup"])).content.decode()

    assert "如何备份助记词" in page
    assert "<strong>抄写</strong>" in page
    assert "kb-fallback-notice" not in page


def test_an_untranslated_article_falls_back_to_english_with_a_notice(client, english_only):
    page = zh(client).get(reverse("knowledge:article", args=["dapp"])).content.decode()

    assert "Connecting to a DApp" in page
    assert "kb-fallback-notice" in page


@pytest.mark.parametrize("status", [ArticleStatus.DRAFT, ArticleStatus.IN_REVIEW, ArticleStatus.ARCHIVED])
def test_no_unpublished_article_is_reachable_by_a_customer(client, customer_user, editor, category, status):
    factories.kb_article(
        author=editor, slug="secret", status=status, category=category, translations={"en": ("Secret", "Hidden.")}
    )
    client.force_login(customer_user)

    assert client.get(reverse("knowledge:article", args=["secret"])).status_code == 404
    assert client.post(reverse("knowledge:vote", args=["secret"]), {"helpful": "yes"}).status_code == 404
    assert "Secret" not in client.get(reverse("knowledge:search"), {"q": "secret"}).content.decode()
    assert client.post(reverse("knowledge:suggest"), {"q": "secret hidden"}).json() == {"results": []}
    assert "Secret" not in client.get(reverse("knowledge:category", args=["security"])).content.decode()
    assert "Secret" not in client.get(reverse("knowledge:home")).content.decode()


def test_a_video_tutorial_embeds_an_allowed_player_in_a_sandbox(client, editor, category):
    factories.kb_article(
        author=editor,
        slug="video",
        kind=ArticleKind.VIDEO,
        category=category,
        video_url="https://www.youtube.com/watch?v=dQw4w9WgXcQ",
        translations={"en": ("Video", "Watch.")},
    )

    page = client.get(reverse("knowledge:article", args=["video"])).content.decode()

    assert 'src="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"' in page
    assert 'sandbox="allow-scripts allow-same-origin allow-presentation"' in page


def test_a_vote_is_recorded_once_per_anonymous_session(client, article):
    url = reverse("knowledge:vote", args=["backup"])

    client.post(url, {"helpful": "yes"})
    client.post(url, {"helpful": "yes"})

    article.refresh_from_db()
    assert article.helpful_count == 1
    assert ArticleVote.objects.count() == 1
    assert (
        'value="yes" aria-pressed="true"' in client.get(reverse("knowledge:article", args=["backup"])).content.decode()
    )


def test_voting_needs_post(client, article):
    assert client.get(reverse("knowledge:vote", args=["backup"])).status_code == 405


def test_search_page_finds_chinese_articles(client, article):
    page = zh(client).get(reverse("knowledge:search"), {"q": "助记词"}).content.decode()

    assert "如何备份助记词" in page


def test_suggestions_while_typing_a_subject_link_through_the_deflection_recorder(client, customer_user, article):
    client.force_login(customer_user)

    results = client.post(reverse("knowledge:suggest"), {"q": "back up recovery"}).json()["results"]
    assert [result["title"] for result in results] == ["How to back up your recovery phrase"]
    assert "recovery" not in results[0]["suggest_url"]
    client.get(results[0]["suggest_url"])

    event = DeflectionEvent.objects.get()
    assert (event.article, event.query, event.user) == (article, "back up recovery", customer_user)


def test_the_typed_text_never_goes_into_a_url(client, article):
    """Suggestions are asked for by POST and link with a short token, so the text reaches no access log."""
    assert client.get(reverse("knowledge:suggest"), {"q": "back up recovery"}).status_code == 405
    phrase = "private key 4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318 back up recovery"

    results = client.post(reverse("knowledge:suggest"), {"q": phrase}).json()["results"]
    client.get(results[0]["suggest_url"])

    assert "4c0883a6" not in results[0]["suggest_url"]
    assert "4c0883a6" not in DeflectionEvent.objects.get().query
    assert "[private key removed]" in DeflectionEvent.objects.get().query


def test_suggestions_need_two_characters(client, article):
    assert client.post(reverse("knowledge:suggest"), {"q": "b"}).json() == {"results": []}


def ask(client, question):
    return client.post(reverse("knowledge:bot_ask"), {"question": question}, HTTP_ACCEPT="application/json")


def test_the_bot_answers_over_json_and_keeps_the_transcript(client, article):
    data = ask(client, "How do I back up my recovery phrase?").json()

    assert data["answer"]["url"] == reverse("knowledge:article", args=["backup"])
    assert data["offer_handoff"] is False
    page = client.get(reverse("knowledge:bot")).content.decode()
    assert "How do I back up my recovery phrase?" in page


def test_the_bot_works_without_javascript(client, article):
    response = client.post(reverse("knowledge:bot_ask"), {"question": "back up recovery phrase"})

    assert response.status_code == 302
    assert "Read the article" in client.get(reverse("knowledge:bot")).content.decode()


def test_an_empty_question_is_a_clear_error(client, db):
    response = ask(client, "   ")

    assert response.status_code == 400
    assert response.json()["error"] == "Please type a question."


def test_anonymous_hand_off_asks_to_sign_in_and_keeps_the_conversation(client, customer_user, article):
    ask(client, "talk to a human")

    refused = client.post(reverse("knowledge:bot_handoff"), HTTP_ACCEPT="application/json")
    assert refused.status_code == 403
    assert "login" in refused.json()["login_url"] or "accounts" in refused.json()["login_url"]

    client.force_login(customer_user)
    handed = client.post(reverse("knowledge:bot_handoff"), HTTP_ACCEPT="application/json").json()

    conversation = BotConversation.objects.get()
    ticket = conversation.handoff_ticket
    assert handed["reference"] == ticket.reference
    assert ticket.channel == Channel.BOT
    assert "Customer: talk to a human" in ticket.messages.get().body


def test_feedback_on_someone_elses_answer_is_not_found(client, article):
    assert (
        client.post(
            reverse("knowledge:bot_feedback"), {"message": "1", "helpful": "no"}, HTTP_ACCEPT="application/json"
        )
    ).status_code == 404


def test_bot_endpoints_need_post(client, db):
    assert client.get(reverse("knowledge:bot_ask")).status_code == 405
    assert client.get(reverse("knowledge:bot_handoff")).status_code == 405


def test_pages_declare_utf8_and_a_viewport(client, db):
    page = client.get(reverse("knowledge:home")).content.decode()

    assert '<meta charset="utf-8">' in page
    assert 'name="viewport"' in page


# Query budgets: the same number of queries for 1 and for 20 articles ----------------------


def make_articles(editor, category, count):
    for number in range(count):
        factories.kb_article(
            author=editor,
            slug=f"guide-{number}",
            category=category,
            translations={
                "en": (f"Wallet guide {number}", "About the wallet."),
                "zh-hans": (f"钱包指南 {number}", "钱包"),
            },
        )


PAGES = {
    "home": (lambda: reverse("knowledge:home"), 4),
    "category": (lambda: reverse("knowledge:category", args=["security"]), 4),
    # One word: the title pass, then (fewer than a page of hits) the whole-text pass, then the cards.
    "search": (lambda: reverse("knowledge:search") + "?q=wallet", 4),
    # The article page lists the others as related: 1 vs 20 related articles.
    "article": (lambda: reverse("knowledge:article", args=["guide-0"]), 5),
}


@pytest.mark.parametrize("count", [1, 20])
@pytest.mark.parametrize("page", sorted(PAGES))
def test_help_pages_run_a_constant_number_of_queries(client, django_assert_num_queries, editor, category, count, page):
    make_articles(editor, category, count + 1 if page == "article" else count)
    url, queries = PAGES[page]

    with django_assert_num_queries(queries):
        response = zh(client).get(url())

    assert response.status_code == 200


def test_the_bot_is_rate_limited_per_address_whatever_x_forwarded_for_says(db, settings):
    settings.TRUSTED_PROXIES = []
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "bot_ask": "3/m/ip", "anonymous_post": "100/m/ip"}
    url = reverse("knowledge:bot_ask")
    statuses = [
        Client(REMOTE_ADDR="203.0.113.7")
        .post(url, {"question": "fees"}, HTTP_ACCEPT="application/json", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}")
        .status_code
        for n in range(4)
    ]

    assert statuses == [200, 200, 200, 429]
    assert Client(REMOTE_ADDR="203.0.113.8").post(url, {"question": "fees"}).status_code == 302


def test_one_bot_session_cannot_flood_from_many_addresses(client, db, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "bot_ask_session": "2/m/key"}
    url = reverse("knowledge:bot_ask")
    statuses = [
        client.post(url, {"question": "fees"}, HTTP_ACCEPT="application/json", REMOTE_ADDR=ip).status_code
        for ip in ("198.51.100.1", "198.51.100.2", "198.51.100.3")
    ]

    assert statuses == [200, 200, 429]
