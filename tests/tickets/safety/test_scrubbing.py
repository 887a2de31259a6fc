"""The intake scrubber removes every certain span, Chinese runs included, from text, HTML and text attachments,
whatever charset the customer's file is in."""

import random

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from mnemonic import Mnemonic

from devdata.bench.secret_texts import phrase_words, solana_keypair
from tickets.safety.scrubbing import Scrubber

ENTROPY = bytes.fromhex("a1b2c3d4e5f60718293a4b5c6d7e8f90")


@pytest.mark.parametrize(
    ("charset", "wordlist"),
    [("utf-8", "chinese_simplified"), ("gb18030", "chinese_simplified"), ("big5", "chinese_traditional")],
)
def test_a_text_attachment_in_any_charset_is_redacted(charset, wordlist):
    words = Mnemonic(wordlist).to_mnemonic(ENTROPY).split()
    label = "助記詞" if wordlist == "chinese_traditional" else "助记词"
    data = f"{label}：{''.join(words)}。\n".encode(charset)
    scrubber = Scrubber(from_customer=True)

    stored = scrubber.upload(SimpleUploadedFile("backup.txt", data), "text/plain")

    kept = stored.read().decode("utf-8")
    assert "[recovery phrase removed]" in kept
    assert "".join(words[:4]) not in kept
    assert [finding.kind for finding in scrubber.certain] == ["mnemonic"]


PHRASE = phrase_words("chinese_simplified", 12, random.Random("scrubbing"))


def test_text_redacts_a_chinese_phrase_in_prose_and_remembers_kinds_not_text():
    scrubber = Scrubber(from_customer=True)
    body = f"你好，我的助记词：{''.join(PHRASE)}。另外私钥是 {solana_keypair(random.Random(1)).hex()} 谢谢"

    redacted = scrubber.text(body)

    assert redacted == "你好，我的助记词：[recovery phrase removed]。另外私钥是 [private key removed] 谢谢"
    assert [finding.kind for finding in scrubber.certain] == ["mnemonic", "private_key"]
    assert not any(char in redacted for char in PHRASE if char not in "你好我的助记词另外私钥是谢")


def test_html_with_one_character_per_list_item_falls_back_to_the_redacted_text():
    scrubber = Scrubber(from_customer=True)
    markup = "<p>助记词</p><ol>" + "".join(f"<li>{char}</li>" for char in PHRASE) + "</ol>"

    assert scrubber.html(markup) == ""
    assert scrubber.certain


def test_a_text_attachment_with_a_numbered_phrase_is_replaced_by_its_redacted_copy():
    scrubber = Scrubber(from_customer=True)
    content = "\n".join(f"{i}、{char}" for i, char in enumerate(PHRASE, 1)).encode()
    upload = SimpleUploadedFile("backup.txt", content, content_type="text/plain")

    cleaned = scrubber.upload(upload, "text/plain")

    assert cleaned.name == "backup.txt"
    assert cleaned.read().decode() == "1、[recovery phrase removed]"
    assert scrubber.places(certain=True) == "attachment"
