"""The Simplified Chinese catalog is complete and compiled: every user-facing string has a translation."""

import gettext
import re
from pathlib import Path

from django.conf import settings

ZH_PO = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
ZH_MO = ZH_PO.with_suffix(".mo")
_ENTRY = re.compile(r'^msgid "(.*)"$', re.M)


def _untranslated(po_text: str) -> list[str]:
    """msgids whose msgstr (or every msgstr[n]) is empty; the header entry (empty msgid) is skipped."""
    missing = []
    for block in po_text.split("\n\n"):
        lines = [line for line in block.splitlines() if not line.startswith("#")]
        text = "\n".join(lines)
        if "msgid" not in text or text.startswith('msgid ""\nmsgstr ""\n"'):
            continue
        msgid = "".join(re.findall(r'"(.*)"', text.split("msgstr")[0]))
        translations = re.findall(r'msgstr(?:\[\d+\])? "(.*)"((?:\n".*")*)', text)
        if msgid and not any(first or rest.strip() for first, rest in translations):
            missing.append(msgid)
    return missing


def test_every_string_has_a_simplified_chinese_translation():
    assert _untranslated(ZH_PO.read_text(encoding="utf-8")) == []


def test_the_compiled_catalog_matches_the_source():
    with ZH_MO.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    po_ids = len(_ENTRY.findall(ZH_PO.read_text(encoding="utf-8"))) - 1  # minus the header
    assert compiled.gettext("Dashboard") == "工作台"
    assert len([key for key in compiled._catalog if key]) >= po_ids


def test_vietnamese_sign_in_pages_use_the_vendor_catalog_for_allauth_which_ships_none():
    from django.utils import translation

    vendor_po = Path(settings.BASE_DIR) / "locale_vendor" / "vi" / "LC_MESSAGES" / "django.po"
    assert "You cannot remove your primary email address." in vendor_po.read_text(encoding="utf-8")
    with translation.override("vi"):
        assert translation.gettext("You cannot remove your primary email address.") == (
            "Bạn không thể xóa địa chỉ email chính của mình."
        )
