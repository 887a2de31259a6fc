"""HTML bodies are sanitised to an allow-list: only web and mail links survive."""

import pytest

from supportdesk.kit.text import sanitise_html


@pytest.mark.parametrize(
    "href",
    [
        "bitcoin:bc1qxy2kgdygjrsqtzq2n0yrf2493p83kkfjhx0wlh?amount=1",
        "sms:+15550100?body=send%20your%20phrase",
        "tel:+15550100",
        "javascript:alert(1)",
        "ethereum:0x52908400098527886E0F7030069857D2E4169EE7",
        "data:text/html,hi",
    ],
)
def test_links_with_other_schemes_lose_their_target(href):
    cleaned = sanitise_html(f'<p><a href="{href}">pay here</a></p>')

    assert "href" not in cleaned
    assert "pay here" in cleaned


@pytest.mark.parametrize("href", ["https://help.example.com/a", "http://example.com", "mailto:support@example.com"])
def test_web_and_mail_links_stay(href):
    assert f'href="{href}"' in sanitise_html(f'<a href="{href}">link</a>')
