"""Addresses in headers as real software writes them (RFC 2047 in all the wrong places)."""

import pytest

from tickets.email.addresses import addresses_in


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=?utf-8?B?5p2O5piO?= <li@example.cn>", [("李明", "li@example.cn")]),
        ("=?UTF-8?B?5p2O5piOIDxsaUBleGFtcGxlLmNuPg==?=", [("李明", "li@example.cn")]),
        ("=?utf-8?q?li=40example=2Ecn?=", [("", "li@example.cn")]),
        ('"Zhang, Wei" <W@X.org>', [("Zhang, Wei", "w@x.org")]),
        ("=?utf-8?q?Zhang=2C_Wei?= <w@x.org>", [("Zhang, Wei", "w@x.org")]),
        ("Wei <wei@example.com", [("Wei", "wei@example.com")]),
        ("wei@example.com (Wei Zhang)", [("Wei Zhang", "wei@example.com")]),
        ("a@x.org, B <b@y.org>", [("", "a@x.org"), ("B", "b@y.org")]),
        ("<>", []),
        ("undisclosed-recipients:;", []),
        ("Customer Service <customer service@@example>", []),
    ],
)
def test_addresses_are_decoded_before_they_are_validated(value, expected):
    assert addresses_in(value) == expected
