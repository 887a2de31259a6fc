"""Detecting the language of what customers write: short messages in every desk language, mixed Chinese/English,
Simplified vs Traditional Chinese by script."""

import pytest

from tickets.language import chinese_script, detect_language, detected_language

SHORT_MESSAGES = {
    "en": ["my transfer is stuck", "I forgot my wallet password", "help"],
    "es": ["Mi billetera no muestra el saldo", "No puedo iniciar sesión", "gracias"],
    "fr": ["Mon portefeuille est bloqué", "Je n'arrive pas à me connecter", "Bonjour, mon retrait n'arrive pas"],
    "id": ["Dompet saya tidak bisa dibuka", "Tidak bisa login", "terima kasih"],
    "vi": ["Ví của tôi bị lỗi", "Không đăng nhập được", "cảm ơn bạn"],
    "zh-hans": ["转账失败", "请问助记词丢了怎么办", "我的钱包打不开"],
    "zh-hant": ["轉帳失敗", "請問助記詞遺失怎麼辦", "我的錢包打不開"],
}


@pytest.mark.parametrize(
    ("language", "text"), [(language, text) for language, texts in SHORT_MESSAGES.items() for text in texts]
)
def test_short_messages_are_recognised_in_every_desk_language(language, text):
    assert detected_language(text) == language


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("我的USDT转账一直pending怎么办", "zh-hans"),
        ("Hi, 我的 TRC20 转账 3 hours 了还没到账, tx 0x9f2c", "zh-hans"),
        ("請問我的 ETH withdrawal 為什麼還在 pending", "zh-hant"),
        # An English message quoting one screen of the Chinese app stays English.
        ("My wallet app crashes when I open 设置 after the update", "en"),
    ],
)
def test_mixed_chinese_and_english_is_decided_by_the_share_of_han_characters(text, language):
    assert detected_language(text) == language


def test_the_chinese_script_decides_simplified_or_traditional():
    assert chinese_script("钱包地址") == "zh-hans"
    assert chinese_script("錢包地址") == "zh-hant"
    # Characters common to both scripts: Simplified, the desk's default Chinese.
    assert chinese_script("中文") == "zh-hans"


@pytest.mark.parametrize("text", ["", "ok", "???", "0x9f2c 12345", "👍"])
def test_too_little_text_gives_no_language(text):
    assert detect_language(text) is None


def test_a_detection_says_how_sure_it_is():
    detection = detect_language("Bonjour, je n'arrive pas à retirer mes fonds depuis hier.")
    assert detection.language == "fr"
    assert 0.5 <= detection.confidence <= 1.0


def test_only_the_desk_languages_come_out(settings):
    settings.LANGUAGES = [("en", "English"), ("es", "Spanish")]
    assert detected_language("Mon portefeuille est bloqué depuis ce matin") in {None, "en", "es"}
    assert detected_language("轉帳失敗") is None
