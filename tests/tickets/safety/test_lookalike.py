"""Look-alike detection: official contacts in any spelling, impersonations named with the channel they imitate."""

import pytest

from tickets.models import OfficialContact
from tickets.safety import lookalike


def verdict(value):
    pairs = [(lookalike.canonical(c.value, c.kind), c) for c in OfficialContact.objects.all()]
    return lookalike.check_contact(value, pairs)


@pytest.mark.parametrize(
    "value",
    [
        "supportdesk.example",
        "https://www.supportdesk.example/",
        "https://help.supportdesk.example/faq",
        "SUPPORT@SupportDesk.example",
        "+86 400-800-8888",
        "0086 400 800 8888",
        "400 800 8888",
        "https://telegram.me/supportdesk_official",
        "twitter.com/supportdesk",
        "@supportdesk",
    ],
)
def test_official_contacts_in_any_spelling(officials, value):
    assert verdict(value).status == lookalike.OFFICIAL


@pytest.mark.parametrize(
    ("value", "reason", "imitated"),
    [
        ("supp0rtdesk.example", lookalike.HOMOGLYPH, "Official website"),
        ("suppоrtdesk.example", lookalike.HOMOGLYPH, "Official website"),  # Cyrillic о
        ("ѕupportdеsk.example", lookalike.HOMOGLYPH, "Official website"),  # Cyrillic ѕ and е
        ("supportdesk.com", lookalike.WRONG_TLD, "Official website"),
        ("supportdesk-help.example", lookalike.EXTRA_CHARACTERS, "Official website"),
        ("support@supportdesk-help.com", lookalike.EXTRA_CHARACTERS, "Support email"),
        ("suportdesk.example", lookalike.SIMILAR, "Official website"),
        ("t.me/supportdesk_0fficial", lookalike.HOMOGLYPH, "Official Telegram"),
        ("@supportdesk_support", lookalike.EXTRA_CHARACTERS, "Official X"),
        ("+86 400 800 8889", lookalike.SIMILAR, "Hotline"),
    ],
)
def test_lookalikes_name_the_channel_they_imitate(officials, value, reason, imitated):
    result = verdict(value)

    assert result.status == lookalike.LOOKALIKE
    assert reason in result.reasons
    assert result.match.label == imitated


@pytest.mark.parametrize("value", ["example.org", "someone@gmail.com", "+1 202 555 0143", "@cryptonews"])
def test_unrelated_contacts_are_unknown(officials, value):
    assert verdict(value).status == lookalike.UNKNOWN


def test_an_unlisted_address_at_our_domain_is_not_vouched_for(officials):
    result = verdict("billing@supportdesk.example")

    assert (result.status, result.reasons) == (lookalike.UNKNOWN, [lookalike.UNLISTED_ADDRESS])
