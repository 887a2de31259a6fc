"""The portal's request form asks each category for what it needs."""

import pytest

from tests import factories
from tickets.forms import PortalRequestForm, environment_from_user_agent
from tickets.models import Category

pytestmark = pytest.mark.django_db

BASE = {"subject": "Help", "body": "Something happened", "language": "en"}
TX_HASH = "0x" + "ab" * 32


def _form(slug, data):
    return PortalRequestForm(data, category=Category.objects.get(slug=slug))


@pytest.mark.parametrize(
    ("slug", "required", "optional"),
    [
        ("transaction", {"chain", "asset", "amount"}, {"tx_hash", "from_address", "to_address", "tx_time"}),
        ("account-security", {"account_email", "device"}, set()),
        ("technical", {"app_version", "device"}, {"os", "browser"}),
        ("suggestion", set(), set()),
    ],
)
def test_each_category_asks_for_its_own_details(slug, required, optional):
    form = _form(slug, BASE)

    assert form.is_valid() == (not required)
    assert set(form.errors) == required
    assert {field.name for field in form.detail_fields()} == required | optional
    assert all(form.errors[name] == ["This field is required."] for name in required)


def test_a_complete_transaction_request_is_valid_and_maps_to_the_service():
    data = {**BASE, "chain": "ethereum", "asset": "ETH", "amount": "0.5", "tx_hash": f" {TX_HASH} ",
            "from_address": "0x" + "1" * 40, "to_address": "0x" + "2" * 40, "tx_time": "2026-01-01T08:00"}  # fmt: skip

    form = _form("transaction", data)

    assert form.is_valid(), form.errors
    kwargs = form.service_kwargs()
    assert kwargs["tx_hash"] == TX_HASH
    assert kwargs["chain"] == "ethereum"
    assert kwargs["category"].slug == "transaction"
    assert "account_email" not in kwargs


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("tx_hash", "not a hash", "This does not look like a transaction hash. Copy it again from the wallet."),
        ("to_address", "abc", "This does not look like a wallet address."),
        ("amount", "-1", "Ensure this value is greater than or equal to 0."),
        ("tx_time", "2999-01-01T00:00", "This time is in the future."),
        ("chain", "dogecoin-classic", "Select a valid choice. dogecoin-classic is not one of the available choices."),
    ],
)
def test_transaction_details_are_checked(field, value, message):
    data = {**BASE, "chain": "tron", "asset": "USDT", "amount": "1", field: value}

    form = _form("transaction", data)

    assert form.errors[field] == [message]


def test_attachments_obey_the_upload_limits(settings):
    settings.ATTACHMENT_MAX_FILES = 1
    form = PortalRequestForm(
        BASE,
        {"attachments": [factories.png_upload("a.png"), factories.png_upload("b.png")]},
        category=Category.objects.get(slug="other"),
    )

    assert form.errors["attachments"] == ["At most 1 files can be attached."]


def test_the_user_agent_guess_is_empty_for_unknown_agents():
    assert environment_from_user_agent("") == {}
    assert environment_from_user_agent("curl/8.0") == {"browser": "curl 8"}
