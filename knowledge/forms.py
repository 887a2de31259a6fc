"""Portal forms of the knowledge app."""

from django import forms
from django.utils.translation import gettext_lazy as _

from knowledge.services.bot import MAX_EMAIL_LENGTH, MAX_NAME_LENGTH


class BotHandoffEmailForm(forms.Form):
    """Where an anonymous visitor wants our team's answer; the address is confirmed by a mailed link."""

    email = forms.EmailField(
        label=_("Your email"),
        max_length=MAX_EMAIL_LENGTH,
        help_text=_("We will send a link to this address to confirm it is yours."),
    )
    name = forms.CharField(label=_("Your name"), max_length=MAX_NAME_LENGTH, required=False)
