"""`make messages` (after makemessages): fill the Traditional Chinese catalog from the Simplified one.

OpenCC's `s2twp` converts characters and Taiwan phrasing (登录 → 登入, 信息 → 資訊, 视频 → 影片); the
reviewed terms of `locale/zh_Hant/GLOSSARY.md` then replace what the converter leaves in mainland usage.
Entries already translated in zh_Hant are kept (they may have been corrected by hand); only empty ones are
filled, unless `--all` asks to convert everything again. Fuzzy zh_Hans entries are not copied: the
completeness test would reject them anyway.
"""

from __future__ import annotations

import re
from pathlib import Path

import polib
from django.conf import settings
from django.core.management.base import BaseCommand
from opencc import OpenCC

# What s2twp leaves in mainland usage (regular expressions), replaced in this order (longest first).
TAIWAN_TERMS = [
    ("退出登入", "登出"),
    ("聯絡人工客服", "聯絡真人客服"),
    ("人工客服", "真人客服"),
    ("轉人工", "轉真人客服"),
    ("幫助中心", "說明中心"),
    ("智慧助手", "智慧助理"),
    ("兩步驗證", "兩步驟驗證"),
    ("郵箱地址", "電子郵件地址"),
    ("郵箱", "電子郵件信箱"),
    ("手機號(?!碼)", "手機號碼"),
    ("二維碼", "QR 碼"),
    ("提現", "提領"),
    ("充值", "儲值"),
    ("質量", "品質"),
    ("反饋", "回饋"),
    ("激活", "啟用"),
    ("賬", "帳"),
    ("回[復複]", "回覆"),
    ("提出瞭解決", "提出了解決"),
    ("確認併", "確認並"),
    ("(\\d|%\\(\\w+\\)s) ?天后", "\\1 天後"),
    ("渠道", "管道"),
    ("(自助|幫助)門戶", "自助服務平台"),
    ("型別", "類型"),
    ("釋出", "發布"),
    ("教程", "教學"),
    ("社交", "社群"),
    ("幫助助手", "智慧助理"),
    ("助手", "助理"),
    ("當前", "目前"),
    ("站點", "網站"),
    ("首選", "偏好"),
    ("“", "「"),
    ("”", "」"),
    ("‘", "『"),
    ("’", "』"),
]


def to_traditional(text: str, converter: OpenCC) -> str:
    converted = converter.convert(text)
    for mainland, taiwan in TAIWAN_TERMS:
        converted = re.sub(mainland, taiwan, converted)
    return converted


def _translated(entry: polib.POEntry) -> bool:
    if entry.msgid_plural:
        return any(entry.msgstr_plural.values())
    return bool(entry.msgstr)


class Command(BaseCommand):
    help = "Fill locale/zh_Hant from locale/zh_Hans with OpenCC s2twp and the glossary's Taiwan terms."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--all", action="store_true", help="convert every entry again, not only empty ones")

    def handle(self, *args, **options) -> None:
        locale = Path(settings.BASE_DIR) / "locale"
        simplified = polib.pofile(str(locale / "zh_Hans" / "LC_MESSAGES" / "django.po"))
        target_path = locale / "zh_Hant" / "LC_MESSAGES" / "django.po"
        target_path.parent.mkdir(parents=True, exist_ok=True)
        traditional = polib.pofile(str(target_path)) if target_path.exists() else polib.POFile(wrapwidth=79)
        converter = OpenCC("s2twp")

        if not target_path.exists():
            traditional.metadata = {
                **simplified.metadata,
                "Language": "zh_Hant",
                "Plural-Forms": "nplurals=1; plural=0;",
            }
        existing = {(entry.msgctxt, entry.msgid): entry for entry in traditional}
        filled = 0
        for source in simplified:
            if source.obsolete or "fuzzy" in source.flags or not _translated(source):
                continue
            entry = existing.get((source.msgctxt, source.msgid))
            if entry is None:
                entry = polib.POEntry(
                    msgid=source.msgid,
                    msgctxt=source.msgctxt,
                    msgid_plural=source.msgid_plural,
                    occurrences=source.occurrences,
                    flags=list(source.flags),
                    comment=source.comment,
                )
                traditional.append(entry)
            elif _translated(entry) and not options["all"] and "fuzzy" not in entry.flags:
                continue
            if source.msgid_plural:
                entry.msgstr_plural = {0: to_traditional(source.msgstr_plural[0], converter)}
            else:
                entry.msgstr = to_traditional(source.msgstr, converter)
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
            filled += 1
        traditional.save(str(target_path))
        self.stdout.write(f"{target_path}: {filled} entries converted, {len(traditional)} in the catalog.")
