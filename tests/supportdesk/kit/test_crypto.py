from __future__ import annotations

from io import StringIO

import pytest
from cryptography.fernet import Fernet, InvalidToken
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from supportdesk.kit import crypto
from tests import factories
from tickets.models import Customer

pytestmark = pytest.mark.django_db

OLD, NEW = Fernet.generate_key().decode(), Fernet.generate_key().decode()


def stored(customer: Customer, column: str = "phone") -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM tickets_customer WHERE id = %s", [customer.pk])  # noqa: S608
        return cursor.fetchone()[0]


@pytest.fixture
def old_key(settings):
    settings.FIELD_ENCRYPTION_KEYS = [OLD]
    settings.FIELD_BLIND_INDEX_KEY = "index-key-for-tests"


def test_phone_and_notes_are_stored_encrypted_and_read_in_clear(old_key):
    customer = factories.CustomerFactory(phone="+44 7911 123456", notes="Called from a new device")

    assert stored(customer).startswith("enc1:") and "7911" not in stored(customer)
    assert "device" not in stored(customer, "notes")
    assert Customer.objects.get(pk=customer.pk).phone == "+44 7911 123456"
    assert Customer.objects.get(pk=customer.pk).notes == "Called from a new device"


def test_an_exact_phone_lookup_goes_through_the_blind_index_whatever_the_format(old_key):
    alice = factories.CustomerFactory(phone="+44 7911 123456")
    factories.CustomerFactory(phone="+44 7911 654321")

    assert list(Customer.objects.filter(phone__blind="+447911123456")) == [alice]
    assert list(Customer.objects.filter(phone__blind="+44 (7911) 123-456")) == [alice]
    assert not Customer.objects.filter(phone__blind="7911").exists()  # exact matches only


def test_the_admin_finds_a_customer_by_phone_after_encryption(client, administrator, old_key):
    alice = factories.CustomerFactory(name="Alice", phone="+86 138 0013 8000")
    factories.CustomerFactory(name="Bob", phone="+86 138 0013 8001")
    client.force_login(administrator)

    page = client.get(reverse("admin:tickets_customer_changelist"), {"q": "+8613800138000"})

    assert list(page.context["cl"].result_list) == [alice]
    assert "138 0013 8000" not in page.content.decode()  # no phone in the list display


def test_rotation_with_two_keys_live_re_encrypts_everything_under_the_new_key(settings, old_key):
    customers = [factories.CustomerFactory(phone=f"+1 555 010{n}", notes=f"note {n}") for n in range(3)]
    before = [stored(customer) for customer in customers]

    settings.FIELD_ENCRYPTION_KEYS = [NEW, OLD]  # both live: old rows still read
    assert Customer.objects.get(pk=customers[0].pk).phone == "+1 555 0100"
    output = StringIO()
    call_command("rotate_keys", "--batch", "2", stdout=output)

    assert "tickets.Customer.phone: 2/3" in output.getvalue() and "tickets.Customer.phone: 3/3" in output.getvalue()
    after = [stored(customer) for customer in customers]
    assert all(a != b for a, b in zip(after, before, strict=True))
    settings.FIELD_ENCRYPTION_KEYS = [NEW]  # the old key retired
    assert [Customer.objects.get(pk=c.pk).phone for c in customers] == ["+1 555 0100", "+1 555 0101", "+1 555 0102"]
    assert Customer.objects.filter(phone__blind="+15550101").get() == customers[1]
    with pytest.raises(InvalidToken):
        Fernet(OLD.encode()).decrypt(after[0].split(":", 2)[2].encode())
    again = StringIO()
    call_command("rotate_keys", stdout=again)
    assert "0 values re-encrypted" in again.getvalue()  # an interrupted run just starts again


def test_legacy_plaintext_is_read_as_it_is(old_key):
    customer = factories.CustomerFactory()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE tickets_customer SET phone = %s WHERE id = %s", ["+1 555 0199", customer.pk])
    assert Customer.objects.get(pk=customer.pk).phone == "+1 555 0199"
    assert crypto.reencrypt("+1 555 0199", field=Customer._meta.get_field("phone")).startswith("enc1:")
