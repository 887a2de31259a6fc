"""Forms of the customer portal. They validate what people type; views then call services."""

from __future__ import annotations

import re

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from ua_parser import parse as parse_user_agent

from supportdesk.kit.text import MAX_BODY_LENGTH
from supportdesk.kit.validators import known_time_zones
from tickets.attachments import MultipleFileField, validate_uploads
from tickets.chains import TransactionFields, transaction_field_errors
from tickets.models import Category

CHAIN_CHOICES = [
    ("", _("Choose a network")),
    ("bitcoin", "Bitcoin"),
    ("ethereum", "Ethereum"),
    ("tron", "TRON"),
    ("bsc", "BNB Smart Chain"),
    ("polygon", "Polygon"),
    ("solana", "Solana"),
    ("eos", "EOS"),
    ("other", _("Other network")),
]

# The details each category asks for, and which of them are required. Per-chain
# checks of hashes and addresses belong to the wallet-safety validators; here only
# their shape is checked so typos are caught while the customer is still typing.
CATEGORY_FIELDS: dict[str, dict[str, bool]] = {
    "transaction": {
        "chain": True,
        "asset": True,
        "amount": True,
        "tx_hash": False,
        "from_address": False,
        "to_address": False,
        "tx_time": False,
    },
    "account-security": {"account_email": True, "device": True},
    "technical": {"app_version": True, "device": True, "os": False, "browser": False},
}

_HASH = re.compile(r"^(0x)?[0-9a-fA-F]{64}$|^[1-9A-HJ-NP-Za-km-z]{43,90}$|^[0-9a-fA-F]{32,128}$")
_ADDRESS = re.compile(r"^[0-9A-Za-z:._-]{12,128}$")


def _detail_fields() -> dict[str, forms.Field]:
    return {
        "chain": forms.ChoiceField(label=_("Network (chain)"), choices=CHAIN_CHOICES),
        "asset": forms.CharField(
            label=_("Asset"), max_length=32, widget=forms.TextInput(attrs={"placeholder": "USDT, ETH, BTC…"})
        ),
        "amount": forms.DecimalField(
            label=_("Amount"),
            max_digits=38,
            decimal_places=18,
            min_value=0,
            widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
        ),
        "tx_hash": forms.CharField(
            label=_("Transaction hash (TxID)"),
            max_length=128,
            help_text=_("Copy it from the transaction details in the wallet. Leave empty if the transfer never left."),
            widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        ),
        "from_address": forms.CharField(
            label=_("From address"), max_length=128, widget=forms.TextInput(attrs={"spellcheck": "false"})
        ),
        "to_address": forms.CharField(
            label=_("To address"), max_length=128, widget=forms.TextInput(attrs={"spellcheck": "false"})
        ),
        "tx_time": forms.DateTimeField(
            label=_("When did you send it?"),
            widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        ),
        "account_email": forms.EmailField(
            label=_("Email of the account concerned"), help_text=_("The address you use in the wallet app.")
        ),
        "device": forms.CharField(
            label=_("Device"), max_length=100, widget=forms.TextInput(attrs={"placeholder": "iPhone 13, Pixel 8…"})
        ),
        "app_version": forms.CharField(
            label=_("App version"),
            max_length=50,
            help_text=_("In the app: Me → About."),
            widget=forms.TextInput(attrs={"placeholder": "2.14.0"}),
        ),
        "os": forms.CharField(label=_("Operating system"), max_length=100),
        "browser": forms.CharField(label=_("Browser"), max_length=100),
    }


def environment_from_user_agent(user_agent: str) -> dict[str, str]:
    """Device, OS and browser as far as the browser's user agent tells them (empty when unknown)."""
    if not user_agent:
        return {}
    result = parse_user_agent(user_agent[:1000])
    guesses = {}
    if result.os and result.os.family != "Other":
        guesses["os"] = " ".join(filter(None, [result.os.family, result.os.major, result.os.minor]))
    if result.user_agent and result.user_agent.family != "Other":
        guesses["browser"] = " ".join(filter(None, [result.user_agent.family, result.user_agent.major]))
    if result.device and result.device.family not in ("Other", "Spider"):
        guesses["device"] = result.device.family
    return guesses


class PortalRequestForm(forms.Form):
    """A new request from a signed-in customer; the category decides which details are asked."""

    subject = forms.CharField(
        label=_("Subject"),
        max_length=200,
        # While the customer types, matching help articles are suggested (knowledge/static/knowledge/suggest.js).
        widget=forms.TextInput(
            attrs={
                "data-kb-suggest": reverse_lazy("knowledge:suggest"),
                "data-kb-suggest-title": _("These articles may already answer your question:"),
                "autocomplete": "off",
            }
        ),
    )
    body = forms.CharField(
        label=_("Describe what happened"),
        max_length=MAX_BODY_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    attachments = MultipleFileField(
        label=_("Screenshots or files"),
        required=False,
        help_text=_("Images, PDF or text files. Never send a photo of your recovery phrase."),
    )
    language = forms.ChoiceField(label=_("Reply in"), choices=settings.LANGUAGES)

    def __init__(self, *args, category: Category, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.category = category
        details = _detail_fields()
        self.detail_names = list(CATEGORY_FIELDS.get(category.slug, {}))
        for name, required in CATEGORY_FIELDS.get(category.slug, {}).items():
            field = details[name]
            field.required = required
            self.fields[name] = field
        self.order_fields([*self.detail_names, "subject", "body", "attachments", "language"])

    def detail_fields(self):
        return [self[name] for name in self.detail_names]

    def main_fields(self):
        return [self[name] for name in ("subject", "body", "attachments", "language")]

    def clean_attachments(self):
        files = self.cleaned_data["attachments"]
        validate_uploads(files)
        return files

    def clean_tx_hash(self):
        value = "".join(self.cleaned_data["tx_hash"].split())
        if value and not _HASH.match(value):
            raise ValidationError(
                _("This does not look like a transaction hash. Copy it again from the wallet."), code="invalid_tx_hash"
            )
        return value

    def _clean_address(self, name: str) -> str:
        value = self.cleaned_data[name].strip()
        if value and not _ADDRESS.match(value):
            raise ValidationError(_("This does not look like a wallet address."), code="invalid_address")
        return value

    def clean_from_address(self):
        return self._clean_address("from_address")

    def clean_to_address(self):
        return self._clean_address("to_address")

    def clean_tx_time(self):
        value = self.cleaned_data["tx_time"]
        if value and value > timezone.now():
            raise ValidationError(_("This time is in the future."), code="future_time")
        return value

    def clean(self) -> dict:
        cleaned = super().clean()
        if "chain" in self.detail_names and cleaned.get("chain"):
            # Per-chain checks (checksums, address formats): the same messages as the admin and the API.
            details = TransactionFields(
                chain=cleaned["chain"],
                tx_hash=cleaned.get("tx_hash", ""),
                from_address=cleaned.get("from_address", ""),
                to_address=cleaned.get("to_address", ""),
            )
            for field, message in transaction_field_errors(details).items():
                if field in self.fields and field not in self.errors:
                    self.add_error(field, message)
        return cleaned

    def service_kwargs(self) -> dict:
        """The cleaned data as keyword arguments of services.ticket_create."""
        data = self.cleaned_data
        return {
            "subject": data["subject"],
            "body": data["body"],
            "attachments": data["attachments"],
            "language": data["language"],
            "category": self.category,
            **{name: data[name] for name in self.detail_names},
        }


class PortalReplyForm(forms.Form):
    body = forms.CharField(label=_("Your reply"), max_length=MAX_BODY_LENGTH, widget=forms.Textarea(attrs={"rows": 4}))
    attachments = MultipleFileField(label=_("Attach files"), required=False)

    def clean_attachments(self):
        files = self.cleaned_data["attachments"]
        validate_uploads(files)
        return files


def _time_zone_choices() -> list[tuple[str, str]]:
    return [("", _("Site default (UTC)")), *((zone, zone) for zone in sorted(known_time_zones()))]


class ProfileForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200, required=False)
    language = forms.ChoiceField(label=_("Preferred language"), choices=settings.LANGUAGES)
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=_time_zone_choices, required=False)
    notify_on_reply = forms.BooleanField(label=_("Email me when support replies"), required=False)
    notify_on_status = forms.BooleanField(label=_("Email me when a request is solved or closed"), required=False)


class ContactForm(forms.Form):
    """The public form for people without an account."""

    email = forms.EmailField(
        label=_("Your email"), help_text=_("We will send a link to this address to confirm it is yours.")
    )
    name = forms.CharField(label=_("Your name"), max_length=200, required=False)
    category = forms.ModelChoiceField(
        label=_("Topic"),
        queryset=Category.objects.filter(is_active=True, parent__isnull=True),
        required=False,
        empty_label=_("Not sure"),
    )
    subject = forms.CharField(label=_("Subject"), max_length=200)
    body = forms.CharField(
        label=_("Describe what happened"), max_length=MAX_BODY_LENGTH, widget=forms.Textarea(attrs={"rows": 6})
    )
    language = forms.ChoiceField(label=_("Reply in"), choices=settings.LANGUAGES)


class LinkAccountForm(forms.Form):
    """A request reference and the verification code sent for it: the proof that links a portal login."""

    reference = forms.RegexField(
        label=_("Request reference"),
        regex=r"^\s*[Ss][Dd]-?\d{1,12}\s*$",
        help_text=_("As in our email, e.g. SD-000123."),
        error_messages={"invalid": _("Enter the reference from our email, e.g. SD-000123.")},
    )
    code = forms.RegexField(
        label=_("6-digit code"),
        regex=r"^\s*\d{6}\s*$",
        error_messages={"invalid": _("Enter the 6 digits from the email or SMS.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "maxlength": 6}),
    )

    def clean_reference(self) -> int:
        return int(re.sub(r"\D", "", self.cleaned_data["reference"]))
