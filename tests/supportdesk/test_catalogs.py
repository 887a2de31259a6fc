"""Every customer speaks their language (issue 23): the catalogs are complete for what a customer sees.

What a customer sees is defined here, once: the msgids whose source references fall under
CUSTOMER_FACING_PATHS, plus the labels of the choices the portal, the mails and the bot display
(CUSTOMER_FACING_CHOICES). Each of CUSTOMER_LOCALES must translate all of them, without `fuzzy`
(gettext ignores fuzzy entries at runtime). In every catalog, a translation must carry the same
placeholders as its msgid (%(name)s, {name}, %s / %d), or formatting it crashes or loses the value; and
the compiled .mo must say what the .po says (a forgotten compilemessages).

tests/supportdesk/test_translations.py keeps the older zh-hans check of every string (staff pages included).
"""

from __future__ import annotations

import gettext
import re
from functools import cache
from pathlib import Path

import allauth
import polib
import pytest
from django.conf import settings
from django.utils import translation

from feedback.models import SuggestionCategory
from knowledge.models import ArticleKind
from tickets.complaints.models import CUSTOMER_STAGE_TEXT, ComplaintSubject, RemedyKind, Stage
from tickets.safety.models import ContactKind, WhereSeen

LOCALE = Path(settings.BASE_DIR) / "locale"
ALLAUTH_LOCALE = Path(allauth.__file__).parent / "locale"
CUSTOMER_LOCALES = ["es", "fr", "id", "vi", "zh_Hans", "zh_Hant"]

# Source paths (prefixes, relative to the project) whose strings a customer reads.
CUSTOMER_FACING_PATHS = (
    # portal pages and their forms and views
    "templates/portal/",
    "templates/404.html",
    "tickets/portal/",
    "tickets/forms.py",
    "tickets/templatetags/portal_tags.py",
    "tickets/attachments.py",
    "tickets/selectors.py",
    "tickets/sla/selectors.py",
    "supportdesk/kit/text.py",
    # live chat: the widget's texts and the customer's side of a chat (tickets.chat.views)
    "tickets/chat/views.py",
    # privacy: the portal's privacy page (notice, consent, data export) and the export itself
    "privacy/templates/privacy/",
    "privacy/portal.py",
    # sign-up, sign-in, password and two-factor pages: our overrides of allauth's templates
    "templates/allauth/",
    "templates/account/",
    "templates/mfa/",
    # every mail to a customer
    "templates/emails/",
    "templates/tickets/safety/",
    "templates/supportdesk/email/failed_logins_",
    "tickets/email/services/outbound.py",
    # wallet safety: verify an official contact, report an impersonator, identity codes, the exposure warning
    "tickets/safety/views.py",
    "tickets/safety/forms.py",
    "tickets/safety/selectors.py",
    "tickets/safety/sms.py",
    "tickets/safety/services/intake.py",
    "tickets/safety/services/verification.py",
    # complaints
    "tickets/complaints/portal.py",
    "tickets/complaints/forms.py",
    "tickets/complaints/emails.py",
    # help centre and the FAQ bot
    "knowledge/portal.py",
    "knowledge/forms.py",
    "knowledge/services/bot.py",
    "knowledge/templatetags/help_centre.py",
    "knowledge/templates/knowledge/portal/",
    "knowledge/templates/knowledge/email/",
    # satisfaction survey and suggestions
    "feedback/views.py",
    "feedback/templates/feedback/portal/",
    "feedback/templates/feedback/widgets/",
    "feedback/templates/feedback/email/survey_invitation",
)
# Labels the customer pages show through get_FOO_display() or a mapping, wherever the choices are defined.
CUSTOMER_FACING_CHOICES = (ComplaintSubject, Stage, RemedyKind, ContactKind, WhereSeen, SuggestionCategory, ArticleKind)
CUSTOMER_FACING_TEXTS = (CUSTOMER_STAGE_TEXT,)

_NAMED = re.compile(r"%\((\w+)\)[-#0 +]*\d*(?:\.\d+)?[sdifr]")
_BRACED = re.compile(r"\{(\w*)\}")
_POSITIONAL = re.compile(r"%[-#0 +]*\d*(?:\.\d+)?([sdifr])")


def placeholders(text: str) -> tuple[list[str], list[str], list[str]]:
    """Named (%(name)s) as a sorted list, braced ({name}) sorted, positional (%s, %d) in order; %% is literal."""
    text = text.replace("%%", "")
    return (
        sorted(_NAMED.findall(text)),
        sorted(_BRACED.findall(text)),
        _POSITIONAL.findall(_NAMED.sub("", text)),
    )


@cache
def catalog(locale: str) -> polib.POFile:
    return polib.pofile(str(LOCALE / locale / "LC_MESSAGES" / "django.po"))


def all_locales() -> list[str]:
    return sorted(path.parent.parent.name for path in LOCALE.glob("*/LC_MESSAGES/django.po"))


def _is_customer_facing_path(path: str) -> bool:
    return path.startswith(CUSTOMER_FACING_PATHS)


@cache
def customer_facing_msgids() -> frozenset[str]:
    with translation.override("en"):
        labels = {str(label) for choices in CUSTOMER_FACING_CHOICES for label in choices.labels}
        labels |= {str(text) for texts in CUSTOMER_FACING_TEXTS for text in texts.values()}
    referenced = {
        entry.msgid
        for entry in catalog("zh_Hans")
        if not entry.obsolete and any(_is_customer_facing_path(path) for path, _line in entry.occurrences)
    }
    return frozenset(referenced | labels)


def _translated(entry: polib.POEntry) -> bool:
    if entry.msgid_plural:
        return bool(entry.msgstr_plural) and all(entry.msgstr_plural.values())
    return bool(entry.msgstr)


def untranslated_customer_strings(locale: str) -> list[str]:
    wanted = customer_facing_msgids()
    entries = {entry.msgid: entry for entry in catalog(locale) if not entry.obsolete and not entry.msgctxt}
    problems = []
    for msgid in sorted(wanted):
        entry = entries.get(msgid)
        if entry is None:
            problems.append(f"missing: {msgid!r}")
        elif "fuzzy" in entry.flags:
            problems.append(f"fuzzy: {msgid!r}")
        elif not _translated(entry):
            problems.append(f"empty: {msgid!r}")
    return problems


def placeholder_mismatches(locale: str) -> list[str]:
    problems = []
    for entry in catalog(locale):
        if entry.obsolete or "fuzzy" in entry.flags or not _translated(entry):
            continue
        if entry.msgid_plural:
            # A plural form may drop the number ("One request" / "%(count)s requests") but never invent a name.
            allowed = (placeholders(entry.msgid), placeholders(entry.msgid_plural))
            forms = entry.msgstr_plural.values()
            bad = [form for form in forms if placeholders(form) not in allowed]
        else:
            bad = [entry.msgstr] if placeholders(entry.msgstr) != placeholders(entry.msgid) else []
        problems += [f"{entry.msgid!r} → {text!r}" for text in bad]
    return problems


def stale_compiled_entries(locale: str) -> list[str]:
    with (LOCALE / locale / "LC_MESSAGES" / "django.mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    return [
        entry.msgid
        for entry in catalog(locale)
        if not (entry.obsolete or entry.msgctxt or entry.msgid_plural or "fuzzy" in entry.flags)
        and entry.msgstr
        and compiled.gettext(entry.msgid) != entry.msgstr
    ]


def allauth_locales() -> set[str]:
    return {path.parent.parent.name for path in ALLAUTH_LOCALE.glob("*/LC_MESSAGES/django.po")}


@pytest.mark.parametrize("locale", CUSTOMER_LOCALES)
def test_the_sign_in_password_and_two_factor_pages_are_translated(locale):
    """allauth's own strings: its catalog where it ships one, else ours in locale_vendor/<locale> (vi)."""
    if locale in allauth_locales():
        return
    ours = Path(settings.BASE_DIR) / "locale_vendor" / locale / "LC_MESSAGES" / "django.po"
    assert ours.exists(), f"allauth has no {locale} catalog: add {ours.relative_to(settings.BASE_DIR)}"
    entries = polib.pofile(str(ours))
    assert [entry.msgid for entry in entries if "fuzzy" in entry.flags or not _translated(entry)] == []
    assert [entry.msgid for entry in entries if placeholders(entry.msgstr) != placeholders(entry.msgid)
            and not entry.msgid_plural] == []  # fmt: skip


def test_the_customer_facing_set_covers_every_kind_of_customer_page():
    """A path renamed or moved out of the set would silently shrink what the completeness test checks."""
    wanted = customer_facing_msgids()
    for msgid in (
        "My requests",  # portal
        "We will never ask for your password, private key or recovery phrase.",  # every page's footer
        "Verify an official contact",
        "Your verification code for request %(reference)s is:",  # identity mail
        "Ask our assistant",  # help centre / bot
        "[%(reference)s] Important: your wallet may be at risk",  # exposure warning
        "Lost funds / transaction",  # a complaint subject
    ):
        assert msgid in wanted, msgid
    assert "Dashboard" not in wanted  # staff-only


@pytest.mark.parametrize("locale", CUSTOMER_LOCALES)
def test_every_customer_facing_string_is_translated(locale):
    assert untranslated_customer_strings(locale) == []


@pytest.mark.parametrize("locale", all_locales())
def test_translations_keep_the_placeholders_of_their_msgid(locale):
    assert placeholder_mismatches(locale) == []


@pytest.mark.parametrize("locale", all_locales())
def test_the_compiled_catalog_says_what_the_source_says(locale):
    assert stale_compiled_entries(locale) == []


def test_placeholders_are_compared_by_name_and_by_position():
    assert placeholders("%(name)s has %(count)d and {x} and %s, 100%%") == (["count", "name"], ["x"], ["s"])
    assert placeholders("%(a)s %(b)s") == placeholders("%(b)s %(a)s")
    assert placeholders("%s %d") != placeholders("%d %s")
