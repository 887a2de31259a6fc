from __future__ import annotations

import io
from io import StringIO
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.conf import settings as django_settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.urls import reverse

from supportdesk.kit.encrypted_storage import CHUNK, CorruptFile, encrypted_storage, reencrypt_files
from tests import factories
from tickets.models import Attachment

pytestmark = pytest.mark.django_db

OLD, NEW = Fernet.generate_key().decode(), Fernet.generate_key().decode()
# Two full chunks and a bit: the chunk boundaries, the last-chunk flag and seeks across chunks are all exercised.
CONTENT = bytes(range(256)) * (2 * CHUNK // 256) + b"statement of Zorbina Quokkason\n"


@pytest.fixture
def old_key(settings):
    settings.FIELD_ENCRYPTION_KEYS = [OLD]


def raw(name: str) -> bytes:
    with default_storage.open(name, "rb") as stored:
        return stored.read()


def test_files_are_encrypted_on_the_inner_storage_and_read_back_in_clear(old_key):
    storage = encrypted_storage()
    name = storage.save("attachments/test/statement", ContentFile(CONTENT))

    assert b"Zorbina" not in raw(name) and raw(name).startswith(b"SDE1")
    on_disk = list(Path(django_settings.PRIVATE_MEDIA_ROOT).rglob("statement*"))
    assert on_disk and all(b"Zorbina" not in path.read_bytes() for path in on_disk)
    with storage.open(name) as opened:
        assert opened.read() == CONTENT
    with storage.open(name) as opened:
        opened.seek(CHUNK - 3)
        assert opened.read(6) == CONTENT[CHUNK - 3 : CHUNK + 3]
        opened.seek(-8, io.SEEK_END)
        assert opened.read() == CONTENT[-8:]
    assert storage.size(name) == len(CONTENT)


def test_a_tampered_or_truncated_file_does_not_open_as_something_else(old_key):
    storage = encrypted_storage()
    name = storage.save("attachments/test/tampered", ContentFile(CONTENT))
    sealed = raw(name)
    default_storage.delete(name)
    default_storage.save(name, ContentFile(sealed[: -(CHUNK + 16 + 31)]))  # the last chunk cut off
    with pytest.raises(CorruptFile):
        storage.open(name)
    default_storage.delete(name)
    flipped = bytearray(sealed)
    flipped[len(sealed) // 2] ^= 1  # a bit in the middle chunk
    default_storage.save(name, ContentFile(bytes(flipped)))
    with storage.open(name) as opened, pytest.raises(CorruptFile):
        opened.read()


def test_rotation_rewrites_files_under_the_new_key_and_old_plaintext_files_get_encrypted(settings, old_key):
    storage = encrypted_storage()
    ticket = factories.ticket(attachments=[factories.text_upload("a.txt", b"first file\n")])
    attachment = Attachment.objects.get(message__ticket=ticket)
    legacy = Attachment.objects.create(
        message=attachment.message, filename="b.txt", content_type="text/plain", size=11, sha256="x"
    )
    legacy_name = default_storage.save("attachments/legacy", ContentFile(b"plain file\n"))  # written before the wrapper
    Attachment.objects.filter(pk=legacy.pk).update(file=legacy_name)
    old_name = attachment.file.name

    settings.FIELD_ENCRYPTION_KEYS = [NEW, OLD]
    assert storage.needs_rewrap(old_name) and storage.needs_rewrap(legacy_name)
    output = StringIO()
    call_command("rotate_keys", stdout=output)

    assert "tickets.Attachment.file: 2 files re-encrypted" in output.getvalue()
    settings.FIELD_ENCRYPTION_KEYS = [NEW]  # the old key retired: everything still opens
    attachment.refresh_from_db()
    legacy.refresh_from_db()
    assert attachment.file.name != old_name and not default_storage.exists(old_name)
    assert not default_storage.exists(legacy_name) and raw(legacy.file.name).startswith(b"SDE1")
    with attachment.file.open("rb") as opened:
        assert opened.read() == b"first file\n"
    with legacy.file.open("rb") as opened:
        assert opened.read() == b"plain file\n"
    assert reencrypt_files(Attachment.objects.all(), "file") == 0  # an interrupted run just starts again


def test_an_uploaded_attachment_is_stored_encrypted_and_downloads_in_clear(client, old_key):
    customer = factories.CustomerFactory(user=factories.UserFactory())
    ticket = factories.ticket(
        customer=customer, attachments=[factories.text_upload("wallet.log", b"sync failed at block 1200\n")]
    )
    attachment = Attachment.objects.get(message__ticket=ticket)
    assert b"block 1200" not in raw(attachment.file.name)

    client.force_login(customer.user)
    response = client.get(reverse("tickets:attachment_download", args=[attachment.pk]))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"sync failed at block 1200\n"
    assert response["Content-Length"] == str(len(b"sync failed at block 1200\n"))
