"""Forms of the public wallet-safety pages."""

from django import forms
from django.utils.translation import gettext_lazy as _

from tickets.safety.models import WhereSeen


class ContactCheckForm(forms.Form):
    contact = forms.CharField(
        label=_("Email, phone number, website, social handle or group link"),
        max_length=255,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. support@example.com or t.me/example"), "autofocus": True}),
    )


class ImpersonatorReportForm(forms.Form):
    contact = forms.CharField(label=_("Contact you want to report"), max_length=255)
    where_seen = forms.ChoiceField(label=_("Where did you see it?"), choices=WhereSeen.choices)
    description = forms.CharField(
        label=_("What happened? (optional)"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Never include your recovery phrase, private key or password."),
    )
    email = forms.EmailField(label=_("Your email address, so we can follow up"))


class VerificationCodeForm(forms.Form):
    code = forms.RegexField(
        label=_("6-digit code"),
        regex=r"^\s*\d{6}\s*$",
        error_messages={"invalid": _("Enter the 6 digits from the email or SMS.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "maxlength": 6}),
    )
