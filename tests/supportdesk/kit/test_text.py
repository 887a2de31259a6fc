"""HTML from customers: sanitised to an allow-list (only web and mail links survive) and turned into text with a
real parser (what a reader sees, links with their addresses, nothing hidden)."""

import pytest

from supportdesk.kit.text import html_to_text, sanitise_html


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


@pytest.mark.parametrize(
    ("markup", "text"),
    [
        ("<p>One</p><p>Two</p>", "One\n\nTwo"),
        ("a<br>b<br/><br>c", "a\nb\n\nc"),
        ("<ul><li>x &amp; y</li><li>z</li></ul>", "- x & y\n- z"),
        ('See <a href="https://ex.example/tx?a=1&amp;b=2">the tx</a>.', "See the tx (https://ex.example/tx?a=1&b=2)."),
        ('<a href="https://ex.example/">https://ex.example/</a>', "https://ex.example/"),
        ('<a href="mailto:a@b.org">a@b.org</a> <a href="javascript:steal()">click</a>', "a@b.org click"),
        ('<a href="https://ex.example/"><img src="x.png"></a>', "https://ex.example/"),
        ("<head><title>T</title><style>p{}</style></head><script>alert(1)</script><p>kept</p>", "kept"),
        ("<p>  spaced \n  words&nbsp;here </p>", "spaced words here"),
        ("<pre>  a\n   b</pre>", "a\n   b"),
        ("<table><tr><td>1</td><td>2</td></tr><tr><td>3</td></tr></table>", "1 2\n3"),
        ("&lt;script&gt;not markup&lt;/script&gt;", "<script>not markup</script>"),
        ("<div>unclosed <b>bold", "unclosed bold"),
        ("", ""),
    ],
)
def test_html_becomes_the_text_a_reader_sees(markup, text):
    assert html_to_text(markup) == text
