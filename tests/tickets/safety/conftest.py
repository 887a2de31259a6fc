import pytest
from django.core.cache import cache

from tickets.models import OfficialContact

OFFICIAL = [
    ("website", "supportdesk.example", "Official website"),
    ("email", "support@supportdesk.example", "Support email"),
    ("phone", "+86 400 800 8888", "Hotline"),
    ("social", "https://t.me/supportdesk_official", "Official Telegram"),
    ("social", "https://x.com/supportdesk", "Official X"),
]


@pytest.fixture
def officials(db):
    cache.clear()
    return [OfficialContact.objects.create(kind=kind, value=value, label=label) for kind, value, label in OFFICIAL]
