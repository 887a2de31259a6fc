"""Normalising what people type or send: emails, message bodies, HTML."""

import re
from html.parser import HTMLParser

import nh3
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

# Tags a sanitised HTML message body may keep (mail from customers, rich replies).
ALLOWED_HTML_TAGS = {
    "a", "b", "blockquote", "br", "code", "div", "em", "i", "li", "ol", "p", "pre", "span", "strong", "u", "ul",
}  # fmt: skip

MAX_BODY_LENGTH = 100_000

ERROR_EMPTY_BODY = "empty_body"
ERROR_BODY_TOO_LONG = "body_too_long"
ERROR_INVALID_EMAIL = "invalid_email"


def normalise_email(email: str) -> str:
    """Trim and lower-case an address; raise ValidationError if it is not one."""
    cleaned = (email or "").strip().lower()
    try:
        validate_email(cleaned)
    except ValidationError as error:
        raise ValidationError(_("Enter a valid email address."), code=ERROR_INVALID_EMAIL) from error
    return cleaned


def clean_body(body: str) -> str:
    cleaned = (body or "").replace("\r\n", "\n").strip()
    if not cleaned:
        raise ValidationError(_("The message is empty."), code=ERROR_EMPTY_BODY)
    if len(cleaned) > MAX_BODY_LENGTH:
        raise ValidationError(
            _("The message is too long (%(length)d characters; the limit is %(limit)d).")
            % {"length": len(cleaned), "limit": MAX_BODY_LENGTH},
            code=ERROR_BODY_TOO_LONG,
        )
    return cleaned


# Links in stored HTML may only open web pages or mail: bitcoin:, sms:, tel:, wallet deep links and the like are
# phishing tools in a wallet company's support mail.
ALLOWED_URL_SCHEMES = frozenset({"http", "https", "mailto"})


def sanitise_html(html: str) -> str:
    return nh3.clean(
        html or "",
        tags=ALLOWED_HTML_TAGS,
        url_schemes=set(ALLOWED_URL_SCHEMES),
        link_rel="noopener noreferrer nofollow",
    )


# Elements whose content is never text a reader sees.
_INVISIBLE = {"script", "style", "head", "title", "template", "noscript", "svg", "object", "iframe"}
# Elements that stand on their own lines; the first set also leaves a blank line around them.
_PARAGRAPHS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "ul", "ol", "table", "pre", "hr"}
_LINES = {"div", "li", "tr", "dt", "dd", "section", "article", "header", "footer", "address", "center"}
_VOID = {"br", "hr", "img", "input", "meta", "link", "wbr", "col", "area", "base", "source", "track", "embed"}
_INLINE_SPACE = re.compile(r"[ \t\r\n\f\u00a0]+")
_MANY_BLANK_LINES = re.compile(r"\n{3,}")


class _TextExtractor(HTMLParser):
    """What a reader of the rendered HTML sees, as plain text: hidden content dropped, links as "label (url)"."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.chunks: list[str] = []
        self.pending_newlines = 0
        self.hidden_depth = 0
        self.pre_depth = 0
        self.links: list[tuple[str, int]] = []

    def _break(self, newlines: int) -> None:
        self.pending_newlines = max(self.pending_newlines, newlines)

    def _write(self, text: str) -> None:
        if self.pending_newlines:
            if self.chunks:
                self.chunks.append("\n" * self.pending_newlines)
            self.pending_newlines = 0
            text = text if self.pre_depth else text.lstrip(" ")
        if text:
            self.chunks.append(text)

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in _INVISIBLE:
            self.hidden_depth += 1
            return
        if self.hidden_depth:
            return
        if tag == "br":
            self._break(1)
            self._write("")
        elif tag in _PARAGRAPHS:
            self._break(2)
        elif tag in _LINES:
            self._break(1)
        if tag == "li":
            self._write("- ")
        elif tag == "pre":
            self.pre_depth += 1
        elif tag in ("td", "th"):
            self._write(" ")
        elif tag == "a":
            self.links.append((dict(attrs).get("href") or "", len(self.chunks)))

    def handle_startendtag(self, tag: str, attrs) -> None:
        if tag not in _INVISIBLE:
            self.handle_starttag(tag, attrs)
            if tag not in _VOID:
                self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in _INVISIBLE:
            self.hidden_depth = max(self.hidden_depth - 1, 0)
            return
        if self.hidden_depth:
            return
        if tag == "a" and self.links:
            href, start = self.links.pop()
            label = "".join(self.chunks[start:]).strip()
            if _is_shown_link(href) and href.removeprefix("mailto:") not in label:
                self._write(f" ({href})" if label else href)
        elif tag == "pre":
            self.pre_depth = max(self.pre_depth - 1, 0)
        if tag in _PARAGRAPHS:
            self._break(2)
        elif tag in _LINES:
            self._break(1)

    def handle_data(self, data: str) -> None:
        if not self.hidden_depth:
            self._write(data if self.pre_depth else _INLINE_SPACE.sub(" ", data))

    def text(self) -> str:
        lines = [line.rstrip() for line in "".join(self.chunks).split("\n")]
        return _MANY_BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def _is_shown_link(href: str) -> bool:
    """Web and mail links are worth showing; fragments and script URLs are not."""
    return href.lower().startswith(("http://", "https://", "mailto:", "ftp://"))


def html_to_text(markup: str) -> str:
    """Plain-text rendition of an HTML body, built with a real HTML parser (html.parser).

    Scripts, styles and the head are dropped; paragraphs, headings and lists keep
    their breaks; a link keeps its address next to its label: "label (https://…)".
    """
    extractor = _TextExtractor()
    extractor.feed(markup or "")
    extractor.close()
    return extractor.text()
