from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from privacy.models import ConsentChannel, ConsentPurpose
from privacy.services.consent import CHOICES


def consent_field_name(purpose: str, channel: str) -> str:
    return f"{purpose}__{channel}"


class ConsentForm(forms.Form):
    """One checkbox per optional purpose and channel."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, label_suffix="", **kwargs)
        for purpose, channel in CHOICES:
            self.fields[consent_field_name(purpose, channel)] = forms.BooleanField(
                label=f"{ConsentPurpose(purpose).label} — {ConsentChannel(channel).label}", required=False
            )

    def answers(self) -> dict[tuple[str, str], bool]:
        return {(p, c): self.cleaned_data[consent_field_name(p, c)] for p, c in CHOICES}


class ErasureConfirmForm(forms.Form):
    typed_email = forms.CharField(
        label=_("Type the customer's primary email address to confirm"), max_length=254, strip=True
    )
