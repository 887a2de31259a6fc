"""Upload limits (tickets.attachments): every refusal has a code and stores nothing."""

import pytest
from django.core.exceptions import ValidationError

from tests import factories
from tickets import attachments, services
from tickets.models import Attachment, TicketMessage

pytestmark = pytest.mark.django_db


def refused(ticket, agent, files) -> set[str]:
    """Reply with `files`; return the error codes, after checking nothing at all was stored."""
    messages_before = TicketMessage.objects.count()
    with pytest.raises(ValidationError) as caught:
        services.ticket_reply(ticket=ticket, body="See attached.", actor=agent, attachments=files)
    assert TicketMessage.objects.count() == messages_before
    assert not Attachment.objects.exists()
    assert ticket.events.count() == 1
    return factories.error_codes(caught.value)


def test_an_oversize_file_is_refused(ticket, agent, settings):
    settings.ATTACHMENT_MAX_BYTES = 32

    codes = refused(ticket, agent, [factories.text_upload("big.txt", b"x" * 33)])

    assert codes == {attachments.ERROR_TOO_LARGE}


def test_a_file_exactly_at_the_limit_is_accepted(ticket, agent, settings):
    settings.ATTACHMENT_MAX_BYTES = 32

    message = services.ticket_reply(
        ticket=ticket, body="ok", actor=agent, attachments=[factories.text_upload("ok.txt", b"x" * 32)]
    )

    assert message.attachments.get().size == 32


@pytest.mark.parametrize("name", ["setup.exe", "page.html", "logo.svg", "script.JS", "no_extension"])
def test_a_forbidden_type_is_refused(ticket, agent, name):
    codes = refused(ticket, agent, [factories.upload(name, b"<svg onload=alert(1)>")])

    assert codes == {attachments.ERROR_FORBIDDEN_TYPE}


@pytest.mark.parametrize(
    ("name", "content"),
    [("photo.png", b"just some text"), ("scan.pdf", b"MZ\x90\x00 windows binary"), ("log.txt", b"\x00\x01binary")],
)
def test_content_that_contradicts_the_extension_is_refused(ticket, agent, name, content):
    codes = refused(ticket, agent, [factories.upload(name, content)])

    assert codes == {attachments.ERROR_CONTENT_MISMATCH}


def test_an_empty_file_is_refused(ticket, agent):
    codes = refused(ticket, agent, [factories.upload("empty.txt", b"")])

    assert codes == {attachments.ERROR_EMPTY}


def test_too_many_files_are_refused(ticket, agent, settings):
    settings.ATTACHMENT_MAX_FILES = 2

    codes = refused(ticket, agent, [factories.png_upload(f"shot{n}.png") for n in range(3)])

    assert codes == {attachments.ERROR_TOO_MANY}


def test_one_bad_file_among_good_ones_refuses_them_all(ticket, agent):
    codes = refused(ticket, agent, [factories.png_upload(), factories.upload("evil.html", b"<script>")])

    assert codes == {attachments.ERROR_FORBIDDEN_TYPE}


def test_the_served_type_comes_from_the_extension_not_from_the_browser(ticket, agent):
    message = services.ticket_reply(
        ticket=ticket,
        body="log",
        actor=agent,
        attachments=[factories.upload("node.LOG", b"plain text", content_type="text/html")],
    )

    assert message.attachments.get().content_type == "text/plain"


@pytest.mark.parametrize(
    ("name", "expected"),
    [("../../etc/passwd.txt", "passwd.txt"), ("C:\\Users\\me\\shot.png", "shot.png"), ("", "attachment")],
)
def test_file_names_lose_their_directories(name, expected):
    assert attachments.safe_filename(name) == expected


def test_screening_keeps_good_files_and_says_why_the_others_were_refused(settings):
    settings.ATTACHMENT_MAX_FILES = 2
    fetched = []

    def fetch(upload):
        def run():
            fetched.append(upload.name)
            return upload

        return run

    def unreachable():
        raise attachments.UploadRefused("gone.png: could not be fetched.")

    candidates = [
        ("a.txt", fetch(factories.text_upload("a.txt", b"one"))),
        ("gone.png", unreachable),
        ("fake.png", fetch(factories.text_upload("fake.png", b"not a png"))),
        ("b.txt", fetch(factories.text_upload("b.txt", b"two"))),
        ("c.txt", fetch(factories.text_upload("c.txt", b"three"))),
    ]

    accepted, refusals = attachments.screen_uploads(candidates)

    assert [upload.name for upload in accepted] == ["a.txt", "b.txt"]
    assert refusals == [
        "gone.png: could not be fetched.",
        "fake.png does not contain what its extension says.",
        "c.txt: too many attachments.",
    ]
    assert "c.txt" not in fetched, "a file over the count limit is never fetched"
