"""Text handling for the help centre: Markdown rendering, video links and search terms.

Search terms are shared by both databases. Chinese has no spaces and
PostgreSQL has no Chinese parser, so every run of Han characters is expanded
into overlapping character bigrams ("备份助记词" → "备份 份助 助记 记词"): the
stored search columns and the queries use the same expansion, so the English
full-text parser indexes the bigrams as words and a two-character query such
as "钱包" is one index lookup (n-gram matching, no pg_trgm needed).
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import nh3
from django.conf import settings
from markdown_it import MarkdownIt

from supportdesk.kit.text import ALLOWED_URL_SCHEMES

# Han ideographs (CJK unified, extension A, compatibility) — the scripts written without spaces.
_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_HAN_RUN = re.compile(f"[{_HAN}]+")
_TERM = re.compile(rf"[{_HAN}]+|[^\W_]+", re.UNICODE)

# Words too common to say anything about which article fits (the LIKE fallback and the
# bot's confidence ignore them; PostgreSQL's english configuration has its own list).
STOPWORDS = frozenset(
    {
        "a", "an", "and", "are", "as", "at", "be", "but", "by", "can", "could", "do", "does", "for", "from", "have",
        "how", "i", "if", "in", "into", "is", "it", "me", "my", "no", "not", "of", "on", "or", "our", "please",
        "should", "so", "that", "the", "their", "them", "then", "there", "these", "this", "to", "was", "we", "what",
        "when", "where", "which", "who", "why", "will", "with", "would", "you", "your",
        # Han bigrams of question words ("how", "what", "why", "my", "can", question particle)
        "如何", "怎么", "怎样", "什么", "为什", "我的", "可以", "吗",
    }
)  # fmt: skip

MAX_QUERY_TERMS = 16

ALLOWED_ARTICLE_TAGS = {
    "a", "blockquote", "br", "code", "em", "h2", "h3", "h4", "hr", "img", "li", "ol", "p", "pre", "strong",
    "table", "tbody", "td", "th", "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ARTICLE_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title"}}

_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")


def render_markdown(source: str) -> str:
    """Markdown → HTML with raw HTML disabled, then sanitised by an allow-list (defence in depth)."""
    return nh3.clean(
        _markdown.render(source or ""),
        tags=ALLOWED_ARTICLE_TAGS,
        attributes=ALLOWED_ARTICLE_ATTRIBUTES,
        url_schemes=set(ALLOWED_URL_SCHEMES),
        link_rel="noopener noreferrer nofollow",
    )


def expand_han(text: str) -> str:
    """Replace each run of Han characters by its overlapping bigrams; other text is kept."""

    def bigrams(match: re.Match) -> str:
        run = match.group(0)
        if len(run) == 1:
            return f" {run} "
        return " " + " ".join(run[i : i + 2] for i in range(len(run) - 1)) + " "

    return _HAN_RUN.sub(bigrams, text or "")


def searchable_text(*parts: str) -> str:
    return expand_han(" ".join(part for part in parts if part))


def query_terms(query: str) -> list[str]:
    """Lower-cased words and Han bigrams of a query, stopwords dropped, duplicates removed, order kept."""
    terms: list[str] = []
    for token in _TERM.findall((query or "").lower()):
        if _HAN_RUN.fullmatch(token):
            pieces = [token] if len(token) == 1 else [token[i : i + 2] for i in range(len(token) - 1)]
        else:
            pieces = [token]
        for piece in pieces:
            if piece not in STOPWORDS and piece not in terms:
                terms.append(piece)
    return terms[:MAX_QUERY_TERMS]


def is_han(term: str) -> bool:
    return bool(_HAN_RUN.fullmatch(term))


def coverage(terms: list[str], text: str) -> float:
    """Share of the query terms found in `text` (0..1): the bot's confidence in an answer."""
    if not terms:
        return 0.0
    haystack = (text or "").lower()
    return sum(1 for term in terms if term in haystack) / len(terms)


def video_embed_url(url: str) -> str:
    """The player URL for a video link on an allowed host (settings.KNOWLEDGE_VIDEO_HOSTS), else ""."""
    parts = urlsplit(url or "")
    host = (parts.hostname or "").lower()
    if parts.scheme != "https" or host not in settings.KNOWLEDGE_VIDEO_HOSTS:
        return ""
    if host in ("www.youtube.com", "youtube.com"):
        video_id = parse_qs(parts.query).get("v", [""])[0] or parts.path.rsplit("/", 1)[-1]
        return f"https://www.youtube-nocookie.com/embed/{video_id}" if re.fullmatch(r"[\w-]{6,20}", video_id) else ""
    if host == "youtu.be":
        video_id = parts.path.strip("/")
        return f"https://www.youtube-nocookie.com/embed/{video_id}" if re.fullmatch(r"[\w-]{6,20}", video_id) else ""
    if host in ("vimeo.com", "player.vimeo.com"):
        video_id = parts.path.rstrip("/").rsplit("/", 1)[-1]
        return f"https://player.vimeo.com/video/{video_id}" if video_id.isdigit() else ""
    if host == "player.bilibili.com":
        return url
    return ""
