"""Unit tests of the parsing helpers: charset fallbacks, headers, quote stripping, unparseable mail."""

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tickets.email.parsing import (
    REPLY_MARKER,
    UnparseableEmail,
    decode_bytes,
    decode_header_value,
    message_ids,
    parse_email,
    peek_headers,
    strip_quoted_reply,
)


@pytest.mark.parametrize(
    ("data", "declared", "expected"),
    [
        ("转账失败".encode("gbk"), "gb2312", "转账失败"),
        ("朱镕基".encode("gbk"), "gb2312", "朱镕基"),
        ("錢包無法同步".encode("big5"), "big5", "錢包無法同步"),
        ("錢包無法同步".encode("big5"), "gb2312", "錢包無法同步"),
        ("钱包转账失败".encode("gbk"), "big5", "钱包转账失败"),
        ("转账失败".encode(), "iso-8859-1", "转账失败"),
        ("“quoted” café".encode("cp1252"), "iso-8859-1", "“quoted” café"),
        ("café au lait".encode("cp1252"), None, "café au lait"),
        ("导入钱包".encode("gbk"), "us-ascii", "导入钱包"),
        ("Привет".encode("koi8-r"), "koi8-r", "Привет"),
        ("Grüße".encode("iso-8859-15"), "no-such-charset", "Grüße"),
        ("héllo".encode("utf-16"), "utf-16", "héllo"),
        ("转账失败".encode("gbk"), "gbk\x00", "转账失败"),
        ("café".encode("cp1252"), "utf-8\udc80", "café"),
    ],
)
def test_decode_bytes_finds_the_real_charset(data, declared, expected):
    assert decode_bytes(data, declared) == expected


def test_headers_are_decoded_and_flattened():
    assert decode_header_value("=?utf-8?q?Caf=C3=A9?= =?utf-8?q?_ok?=\r\n  again") == "Café ok again"
    assert decode_header_value("Re: =?gb2312?B?16rVyw==?= now") == "Re: 转账 now"
    assert decode_header_value(None) == ""


def test_message_ids_are_read_with_or_without_brackets():
    assert message_ids("<a@x> <b@y>\r\n <c@z>") == ["a@x", "b@y", "c@z"]
    assert message_ids("bare@id") == ["bare@id"]
    assert message_ids("") == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (f"Thanks!\n\n{REPLY_MARKER}\n\nHello Ana,", "Thanks!"),
        ("Done.\n\nOn Mon, 5 Jan 2026 at 10:00, Support <s@x.y> wrote:\n> old", "Done."),
        ("Done.\n\nOn Mon, 5 Jan 2026 at 10:00, Support <s@x.y>\nwrote:\n> old", "Done."),
        ("好的\n\n------------------ 原始邮件 ------------------\n发件人: x", "好的"),
        ("Ok\n\n-----Original Message-----\nFrom: a", "Ok"),
        ("Ok\n\nFrom: Support <s@x.y>\nSent: Monday\nSubject: x", "Ok"),
        ("Ok\n________________________________\nFrom: a", "Ok"),
        ("Answer\n> quoted line\n>\n> more", "Answer"),
        ("On my phone it wrote: error 42", "On my phone it wrote: error 42"),
        ("> only a quote", "> only a quote"),
        ("Line one\n> inline quote\nmy comment", "Line one\n> inline quote\nmy comment"),
    ],
)
def test_quoted_text_is_stripped_only_when_reliably_detected(text, expected):
    assert strip_quoted_reply(text) == expected


def test_garbage_is_unparseable():
    with pytest.raises(UnparseableEmail, match="no usable sender") as error:
        parse_email(b"\x00\x01\x02 not a mail at all")

    assert error.value.reason == "no_sender"


def _mail(headers: str, body: str = "Hello") -> bytes:
    return f"{headers}\r\nSubject: Hi\r\nContent-Type: text/plain\r\n\r\n{body}\r\n".encode()


@pytest.mark.parametrize(
    ("headers", "address", "name", "header"),
    [
        ("From: =?utf-8?B?5p2O5piO?= <li@example.cn>", "li@example.cn", "李明", "From"),
        ("From: =?utf-8?Q?li=40example.cn?=", "li@example.cn", "", "From"),
        ("From: =?UTF-8?B?5p2O5piOIDxsaUBleGFtcGxlLmNuPg==?=", "li@example.cn", "李明", "From"),
        ("From: nobody\r\nSender: Bot <bot@example.org>", "bot@example.org", "Bot", "Sender"),
        ("From: x@@y\r\nReply-To: =?utf-8?Q?Ren=C3=A9?= <rene@example.fr>", "rene@example.fr", "René", "Reply-To"),
        ("Return-Path: <Envelope@Example.org>", "envelope@example.org", "", "Return-Path"),
    ],
)
def test_the_sender_is_the_first_usable_address_of_from_sender_reply_to_return_path(headers, address, name, header):
    parsed = parse_email(_mail(headers))

    assert (parsed.from_address, parsed.from_name, parsed.sender_header) == (address, name, header)


def test_the_header_summary_uses_the_same_sender_fallback():
    assert peek_headers(_mail("Reply-To: =?utf-8?Q?a=40b.org?=")).from_address == "a@b.org"
    assert peek_headers(b"\xff\xfe").from_address == ""


def test_a_bounce_needs_no_sender():
    raw = b"Return-Path: <>\r\nSubject: Undelivered Mail Returned to Sender\r\nIn-Reply-To: <ours@x>\r\n\r\nfailed\r\n"

    parsed = parse_email(raw)

    assert (parsed.kind, parsed.from_address, parsed.bounced_ids) == ("bounce", "", ["ours@x"])


def test_mail_our_server_found_spoofed_is_refused_only_when_our_authserv_id_is_configured(settings):
    raw = _mail(
        "Authentication-Results: mx.desk.example; dmarc=fail header.from=customer.example\r\n"
        "From: victim@customer.example"
    )
    assert parse_email(raw).from_address == "victim@customer.example"
    settings.SUPPORT_EMAIL_AUTHSERV_ID = "other.example"
    assert parse_email(raw).from_address == "victim@customer.example", "another server's verdict is not ours"
    settings.SUPPORT_EMAIL_AUTHSERV_ID = "mx.desk.example"

    with pytest.raises(UnparseableEmail) as error:
        parse_email(raw)

    assert error.value.reason == "spoofed"
    assert parse_email(raw, trusted=True).from_address == "victim@customer.example"


CORPUS_FILES = sorted((Path(__file__).parent / "corpus").glob("*.eml"))


@settings(max_examples=300, deadline=None)
@given(
    original=st.sampled_from(CORPUS_FILES),
    cut=st.floats(min_value=0, max_value=1),
    noise=st.binary(max_size=40),
    drop_line=st.integers(min_value=0, max_value=60),
)
def test_damaged_real_world_mail_is_parsed_or_quarantined_never_crashes(original, cut, noise, drop_line):
    lines = original.read_bytes().split(b"\n")
    del lines[drop_line % len(lines)]
    raw = b"\n".join(lines)
    at = int(len(raw) * cut)
    damaged = raw[:at] + noise + raw[at:]

    try:
        parsed = parse_email(damaged)
    except UnparseableEmail as error:
        assert error.reason in {"no_sender", "too_complex", "spoofed"}
    else:
        assert isinstance(parsed.text, str) and isinstance(parsed.subject, str)
        assert parsed.from_address == "" or "@" in parsed.from_address
