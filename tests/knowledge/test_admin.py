import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from knowledge import services
from knowledge.models import Article, ArticleStatus, Macro
from tests import factories
from tickets import services as ticket_services
from tickets.models import Channel, Status


@pytest.fixture
def superuser(db):
    return factories.UserFactory(username="root", is_staff=True, is_superuser=True)


@pytest.fixture
def records(editor, customer):
    article = factories.kb_article(author=editor, slug="backup", translations={"en": ("Back up", "Write it down.")})
    macro = factories.kb_macro(title="Hello")
    chat = services.bot_conversation_for(token=None, user=AnonymousUser(), language="en")
    services.bot_ask(conversation=chat, text="zebra crossing lights")
    services.deflection_record(article=article, query="backup", session_key="s")
    return {
        "helpcategory": article.category,
        "article": article,
        "macro": macro,
        "botconversation": chat,
        "unansweredquestion": chat.messages.filter(role="user").get(),
        "deflectionevent": article.deflections.get(),
    }


@pytest.mark.parametrize(
    "model", ["helpcategory", "article", "macro", "botconversation", "unansweredquestion", "deflectionevent"]
)
def test_every_knowledge_admin_page_opens(client, superuser, records, model):
    client.force_login(superuser)

    assert client.get(reverse(f"admin:knowledge_{model}_changelist")).status_code == 200
    assert client.get(reverse(f"admin:knowledge_{model}_change", args=[records[model].pk])).status_code == 200
    if model in ("helpcategory", "article", "macro"):
        assert client.get(reverse(f"admin:knowledge_{model}_add")).status_code == 200


def inline_management(prefix, total=1, initial=0):
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "1",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def test_an_article_is_created_in_the_admin_with_its_translation(client, editor):
    category = factories.HelpCategoryFactory()
    client.force_login(editor)

    response = client.post(
        reverse("admin:knowledge_article_add"),
        {
            "slug": "new-guide",
            "kind": "guide",
            "category": category.pk,
            **inline_management("translations"),
            "translations-0-language": "zh-hans",
            "translations-0-title": "新指南",
            "translations-0-body": "**正文**",
        },
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    article = Article.objects.get(slug="new-guide")
    assert article.author == editor
    assert article.status == ArticleStatus.DRAFT
    assert article.translations.get().body_html == "<p><strong>正文</strong></p>\n"


def test_a_video_article_without_an_allowed_link_is_a_field_error(client, editor):
    client.force_login(editor)

    response = client.post(
        reverse("admin:knowledge_article_add"),
        {
            "slug": "video",
            "kind": "video",
            "category": factories.HelpCategoryFactory().pk,
            "video_url": "https://evil.example/v",
            **inline_management("translations"),
            "translations-0-language": "en",
            "translations-0-title": "Video",
            "translations-0-body": "Body",
        },
    )

    assert response.status_code == 200
    assert "allowed video host" in response.content.decode()
    assert not Article.objects.exists()


def test_the_publish_action_runs_the_workflow(client, editor):
    article = factories.kb_article(author=editor, status=ArticleStatus.IN_REVIEW, translations={"en": ("T", "B")})
    client.force_login(editor)

    client.post(reverse("admin:knowledge_article_changelist"), {"action": "publish", "_selected_action": [article.pk]})

    article.refresh_from_db()
    assert article.status == ArticleStatus.PUBLISHED
    assert article.reviewed_by == editor


def test_admin_search_finds_articles_in_any_status_and_language(client, editor):
    factories.kb_article(
        author=editor, slug="draft-zh", status=ArticleStatus.DRAFT, translations={"zh-hans": ("草稿", "助记词")}
    )
    client.force_login(editor)

    page = client.get(reverse("admin:knowledge_article_changelist"), {"q": "助记词"}).content.decode()

    assert "draft-zh" in page


def test_a_macro_with_an_unknown_placeholder_is_refused_in_the_admin(client, editor):
    client.force_login(editor)

    response = client.post(
        reverse("admin:knowledge_macro_add"),
        {
            "title": "Bad",
            "is_active": "on",
            **inline_management("variants"),
            "variants-0-language": "en",
            "variants-0-body": "Hi {{ custmer.name }}",
        },
    )

    assert response.status_code == 200
    assert "Unknown placeholder(s): custmer.name" in response.content.decode()
    assert not Macro.objects.exists()


@pytest.fixture
def ticket(customer, team):
    return ticket_services.ticket_create(
        customer=customer, subject="Transfer stuck", body="Help", channel=Channel.PORTAL, team=team
    )


def test_the_ticket_page_offers_macros_and_article_links(client, agent, ticket):
    macro = factories.kb_macro(title="Ask for the hash")
    client.force_login(agent)

    page = client.get(reverse("admin:tickets_ticket_change", args=[ticket.pk])).content.decode()

    assert "Ask for the hash" in page
    assert reverse("admin:knowledge_macro_apply", args=[ticket.pk]) + f"?macro={macro.pk}" in page
    assert reverse("admin:knowledge_article_link_search") in page


def test_an_agent_answers_with_a_macro_in_two_clicks(client, agent, ticket):
    macro = factories.kb_macro(
        title="Ask for the hash",
        bodies={"en": "Hi {{ customer.name }}, the hash please."},
        set_status=Status.PENDING_CUSTOMER,
    )
    client.force_login(agent)
    url = reverse("admin:knowledge_macro_apply", args=[ticket.pk])

    preview = client.get(url, {"macro": macro.pk}).content.decode()
    assert "Hi Alice, the hash please." in preview
    response = client.post(url, {"macro": macro.pk, "body": "Hi Alice, the hash please. Thanks!"})

    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.status == Status.PENDING_CUSTOMER
    assert ticket.messages.last().body == "Hi Alice, the hash please. Thanks!"
    assert Macro.objects.get(pk=macro.pk).usage_count == 1


def test_deleting_the_last_text_of_a_macro_is_a_form_error(client, editor):
    macro = factories.kb_macro(title="Hello", bodies={"en": "Hi"})
    variant = macro.variants.get()
    client.force_login(editor)

    response = client.post(
        reverse("admin:knowledge_macro_change", args=[macro.pk]),
        {
            "title": "Hello",
            "is_active": "on",
            **inline_management("variants", total=1, initial=1),
            "variants-0-id": str(variant.pk),
            "variants-0-macro": str(macro.pk),
            "variants-0-language": "en",
            "variants-0-body": "Hi",
            "variants-0-DELETE": "on",
        },
    )

    assert response.status_code == 200
    assert "Please submit at least 1 form." in response.content.decode()
    assert macro.variants.count() == 1


def test_the_apply_page_of_a_macro_without_text_explains_instead_of_failing(client, agent, ticket):
    macro = factories.kb_macro(title="Empty")
    macro.variants.all().delete()  # as saved before texts were required
    client.force_login(agent)

    response = client.get(reverse("admin:knowledge_macro_apply", args=[ticket.pk]), {"macro": macro.pk})

    assert response.status_code == 200
    page = response.content.decode()
    assert "This macro has no text." in page
    assert 'name="body"' not in page


def test_a_macro_cannot_be_applied_to_a_ticket_the_agent_cannot_see(client, other_agent, ticket):
    macro = factories.kb_macro()
    client.force_login(other_agent)

    response = client.post(reverse("admin:knowledge_macro_apply", args=[ticket.pk]), {"macro": macro.pk, "body": "x"})

    assert response.status_code == 404
    assert ticket.messages.count() == 1


def test_article_link_search_returns_absolute_portal_links(client, agent, editor):
    factories.kb_article(author=editor, slug="backup", translations={"en": ("Back up your phrase", "Paper.")})
    client.force_login(agent)

    results = client.get(reverse("admin:knowledge_article_link_search"), {"q": "back up"}).json()["results"]

    assert results == [
        {"title": "Back up your phrase", "language": "en", "url": "http://testserver/portal/help/a/backup/"}
    ]


@pytest.mark.parametrize("count", [1, 20])
def test_the_article_changelist_runs_a_constant_number_of_queries(
    client, django_assert_num_queries, superuser, editor, count
):
    category = factories.HelpCategoryFactory()
    for number in range(count):
        factories.kb_article(author=editor, slug=f"a-{number}", category=category, translations={"en": ("T", "B")})
    client.force_login(superuser)

    with django_assert_num_queries(7):
        assert client.get(reverse("admin:knowledge_article_changelist")).status_code == 200


def test_deleting_the_english_translation_of_a_published_article_is_a_form_error(client, editor):
    article = factories.kb_article(author=editor, slug="backup", translations={"en": ("Back up", "Paper.")})
    translation = article.translations.get()
    client.force_login(editor)

    response = client.post(
        reverse("admin:knowledge_article_change", args=[article.pk]),
        {
            "slug": "backup",
            "kind": "faq",
            "category": article.category_id,
            **inline_management("translations", total=1, initial=1),
            "translations-0-id": translation.pk,
            "translations-0-article": article.pk,
            "translations-0-language": "en",
            "translations-0-title": "Back up",
            "translations-0-body": "Paper.",
            "translations-0-DELETE": "on",
        },
    )

    assert response.status_code == 200
    assert "cannot be deleted" in response.content.decode()
    assert article.translations.count() == 1
