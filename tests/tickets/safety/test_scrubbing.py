"""The scrubber's text attachments: a secret is found whatever charset the customer's file is in."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from mnemonic import Mnemonic

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
