"""Reading the content of broken and hostile MIME structures."""

from email import policy
from email.parser import BytesParser

import pytest

from tickets.email.mime import MAX_DEPTH, MAX_PARTS, UnparseableEmail, read_content


def _content(raw: str | bytes, **kwargs):
    data = raw.encode() if isinstance(raw, str) else raw
    return read_content(BytesParser(policy=policy.default).parsebytes(data), raw=data, **kwargs)


HEAD = "From: a@b.org\r\nMIME-Version: 1.0\r\n"


def test_a_sound_multipart_needs_no_recovery():
    content = _content(
        HEAD + 'Content-Type: multipart/alternative; boundary="b"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\n'
        "plain\r\n--b\r\nContent-Type: text/html\r\n\r\n<p>html</p>\r\n--b--\r\n"
    )

    assert (content.text, content.recovered) == ("plain", False)


def test_a_blank_plain_part_gives_way_to_the_html():
    content = _content(
        HEAD + 'Content-Type: multipart/alternative; boundary="b"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\n'
        " \r\n--b\r\nContent-Type: text/html\r\n\r\n<p>the words</p>\r\n--b--\r\n"
    )

    assert content.text == "the words"


def test_the_first_part_before_a_missing_start_boundary_is_kept():
    content = _content(
        HEAD + 'Content-Type: multipart/mixed; boundary="b"\r\n\r\nContent-Type: text/plain\r\n\r\nfirst\r\n'
        '--b\r\nContent-Type: text/plain\r\nContent-Disposition: attachment; filename="n.txt"\r\n\r\nnote\r\n--b--\r\n'
    )

    assert (content.text, content.recovered) == ("first", True)
    assert [attachment.filename for attachment in content.attachments] == ["n.txt"]


def test_a_multipart_is_cut_at_the_boundary_its_body_really_uses():
    content = _content(
        HEAD + 'Content-Type: multipart/mixed; boundary="declared"\r\n\r\n--used\r\nContent-Type: text/html\r\n\r\n'
        "<p>only <b>html</b></p>\r\n--used--\r\n"
    )

    assert (content.text, content.recovered) == ("only html", True)


def test_eight_bit_text_of_a_broken_multipart_is_read_from_the_raw_bytes():
    body = "钱包无法同步".encode("gbk")
    content = _content(
        HEAD.encode() + b'Content-Type: multipart/mixed; boundary="declared"\r\n\r\n--used\r\n'
        b"Content-Type: text/plain; charset=gbk\r\n\r\n" + body + b"\r\n--used--\r\n"
    )

    assert (content.text, content.recovered) == ("钱包无法同步", True)


def test_a_multipart_without_boundaries_is_read_as_plain_text():
    content = _content(HEAD + "Content-Type: multipart/mixed\r\n\r\nJust words.\r\n")

    assert (content.text, content.recovered) == ("Just words.", True)


@pytest.mark.parametrize("shape", ["deep", "wide"])
def test_a_mime_bomb_is_refused_unless_an_agent_asks_for_it(shape):
    if shape == "deep":
        levels = MAX_DEPTH + 2
        body = "".join(f'Content-Type: multipart/mixed; boundary="n{i}"\r\n\r\n--n{i}\r\n' for i in range(levels))
        body += "Content-Type: text/plain\r\n\r\ndeep" + "".join(f"\r\n--n{i}--" for i in reversed(range(levels)))
    else:
        part = "--w\r\nContent-Type: text/plain\r\n\r\nx\r\n"
        body = 'Content-Type: multipart/mixed; boundary="w"\r\n\r\n' + part * (MAX_PARTS + 1) + "--w--\r\n"

    with pytest.raises(UnparseableEmail) as error:
        _content(HEAD + body)

    assert error.value.reason == "too_complex"
    assert _content(HEAD + body, limit=False).text.startswith("deep" if shape == "deep" else "x")
