import pytest

from knowledge.text import coverage, expand_han, query_terms, render_markdown, video_embed_url


def test_it_expands_han_runs_into_bigrams_and_keeps_other_text():
    assert expand_han("备份助记词 USDT 币").split() == ["备份", "份助", "助记", "记词", "USDT", "币"]


def test_query_terms_drop_stopwords_and_duplicates():
    assert query_terms("How do I back up my wallet? wallet") == ["back", "up", "wallet"]
    assert query_terms("如何备份助记词") == ["何备", "备份", "份助", "助记", "记词"]
    assert query_terms("the a of") == []


def test_coverage_is_the_share_of_terms_found():
    assert coverage(["backup", "phrase"], "Back up your PHRASE") == 0.5
    assert coverage([], "anything") == 0.0


def test_markdown_is_rendered_and_sanitised():
    html = render_markdown("**bold** <script>alert(1)</script> [x](javascript:alert(1)) [ok](https://example.com)")

    assert "<strong>bold</strong>" in html
    assert "<script>" not in html
    assert 'href="javascript' not in html
    assert 'href="https://example.com"' in html
    assert 'rel="noopener noreferrer nofollow"' in html


@pytest.mark.parametrize(
    ("url", "embed"),
    [
        ("https://www.youtube.com/watch?v=dQw4w9WgXcQ", "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"),
        ("https://youtu.be/dQw4w9WgXcQ", "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"),
        ("https://vimeo.com/123456", "https://player.vimeo.com/video/123456"),
        ("http://www.youtube.com/watch?v=dQw4w9WgXcQ", ""),
        ("https://evil.example/watch?v=dQw4w9WgXcQ", ""),
        ("https://www.youtube.com/watch?v=<script>", ""),
    ],
)
def test_video_embeds_only_from_allowed_hosts(url, embed):
    assert video_embed_url(url) == embed
