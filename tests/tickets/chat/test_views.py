"""The widget's HTTP side (texts, start, uploads, downloads) and the console pages in the admin."""

import pytest
from django.urls import reverse

from tests import factories
from tests.admin_queries import SIZES
from tickets.chat import services
from tickets.chat.models import ChatSession
from tickets.models import Attachment

OWN = {"HTTP_ORIGIN": "http://testserver"}


def test_widget_texts_follow_the_visitors_language(client):
    english = client.get(reverse("chat:config")).json()
    chinese = client.get(reverse("chat:config"), HTTP_ACCEPT_LANGUAGE="zh-hans").json()
    assert english["texts"]["human"] == "Talk to a person" and english["signed_in"] is False
    assert chinese["language"] == "zh-hans"


def test_an_anonymous_visitor_starts_a_chat_with_an_email_only_from_our_or_listed_sites(client, settings, db):
    settings.CHAT_EMBED_ORIGINS = ["https://wallet.example"]
    url = reverse("chat:start")

    foreign = client.post(url, {"email": "v@example.com"}, HTTP_ORIGIN="https://evil.example")
    no_email = client.post(url, {"email": "not an address"}, **OWN)
    embedded = client.post(url, {"email": "v@example.com", "name": "Vi"}, HTTP_ORIGIN="https://wallet.example")

    assert foreign.status_code == 403 and no_email.status_code == 400 and "email" in no_email.json()["fields"]
    assert embedded.status_code == 201 and embedded["Access-Control-Allow-Origin"] == "https://wallet.example"
    session = ChatSession.objects.get(key=embedded.json()["key"])
    assert session.customer.email == "v@example.com" and session.user is None
    assert session.origin == "https://wallet.example"


def test_a_signed_in_customer_chats_as_themselves_and_staff_cannot(client, customer_user, customer, agent):
    client.force_login(customer_user)
    started = client.post(reverse("chat:start"), {"email": "someone-else@example.com"}, **OWN)
    assert ChatSession.objects.get(key=started.json()["key"]).customer == customer

    client.force_login(agent)
    assert client.post(reverse("chat:start"), {}, **OWN).status_code == 400


def test_uploads_pass_the_ticket_checks_and_only_the_chat_key_downloads(client, db):
    chat = services.chat_start(user=None, email="v@example.com", language="en")
    services.chat_customer_message(session=chat, body="see attached", client_id="c1")
    upload_url = reverse("chat:upload", args=[chat.key])

    refused = client.post(upload_url, {"client_id": "c2", "file": factories.upload("run.exe", b"MZ\x90\x00")}, **OWN)
    accepted = client.post(upload_url, {"client_id": "c3", "file": factories.png_upload()}, **OWN)

    assert refused.status_code == 400 and not Attachment.objects.filter(filename="run.exe").exists()
    assert accepted.status_code == 201
    attachment = Attachment.objects.get(message_id=accepted.json()["id"])
    assert client.get(reverse("chat:attachment", args=[chat.key, attachment.pk])).status_code == 200
    other = services.chat_start(user=None, email="x@example.com", language="en")
    assert client.get(reverse("chat:attachment", args=[other.key, attachment.pk])).status_code == 404


@pytest.fixture
def held_chat(team, agent):
    chat = services.chat_start(user=None, email="v@example.com", language="en")
    services.chat_customer_message(session=chat, body="help", client_id="c1")
    chat.refresh_from_db()
    chat.ticket.customer.wallet_addresses.create(chain="ETH", address="0x52908400098527886E0F7030069857D2E4169EE7")
    return chat


def test_console_and_side_view_render_for_an_agent(client, agent, held_chat):
    client.force_login(agent)
    console = client.get(reverse("admin:tickets_chatsession_console"))
    side = client.get(reverse("admin:tickets_chatsession_side", args=[held_chat.pk]))
    assert console.status_code == 200 and b'data-socket="/ws/chat/console/"' in console.content
    assert side.status_code == 200
    assert b"0x52908400098527886E0F7030069857D2E4169EE7" in side.content and b"Not verified" in side.content


def test_side_view_of_a_chat_outside_the_agents_teams_is_not_found(client, other_agent, held_chat):
    client.force_login(other_agent)
    assert client.get(reverse("admin:tickets_chatsession_side", args=[held_chat.pk])).status_code == 404


@pytest.mark.parametrize("size", SIZES)
def test_chat_changelist_query_count_does_not_grow(client, supervisor, size, django_assert_num_queries):
    for number in range(size):
        chat = services.chat_start(user=None, email=f"v{number}@example.com", language="en")
        services.chat_customer_message(session=chat, body="help", client_id="c1")
    client.force_login(supervisor)
    url = reverse("admin:tickets_chatsession_changelist")
    client.get(url)
    with django_assert_num_queries(9):
        assert client.get(url).status_code == 200


def test_a_macro_in_the_console_goes_into_the_reply_box_rendered_for_this_customer(
    client, agent, other_agent, other_team, held_chat
):
    ChatSession.objects.filter(pk=held_chat.pk).update(agent=agent)
    held_chat.customer.name = "Vi"
    held_chat.customer.save(update_fields=["name"])
    macro = factories.kb_macro(title="Ask for the hash", bodies={"en": "Hi {{ customer.name }}, the hash please."})
    other_teams = factories.kb_macro(title="Other team's", team=other_team)
    someone_elses = factories.kb_macro(title="Personal", owner=other_agent)
    client.force_login(agent)

    side = client.get(reverse("admin:tickets_chatsession_side", args=[held_chat.pk])).content.decode()
    render = reverse("admin:knowledge_macro_render", args=[held_chat.ticket_id, macro.pk])
    rendered = client.get(render)

    assert f'data-kb-macro="{render}"' in side and 'data-target="#id_reply_body"' in side
    assert "Other team's" not in side and "Personal" not in side
    assert rendered.status_code == 200 and rendered.json()["body"] == "Hi Vi, the hash please."
    for hidden in (other_teams, someone_elses):
        url = reverse("admin:knowledge_macro_render", args=[held_chat.ticket_id, hidden.pk])
        assert client.get(url).status_code == 404
    # Nothing was sent or applied: the agent sends the text from the reply box.
    assert held_chat.ticket.messages.count() == 1
    client.force_login(other_agent)
    assert client.get(render).status_code == 404  # the chat's ticket is outside their teams
