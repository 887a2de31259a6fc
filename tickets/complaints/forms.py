"""Portal forms for complaints. They only validate input; the services decide."""

from django import forms
from django.utils.translation import gettext_lazy as _

from tickets.complaints.models import ComplaintSubject
from tickets.complaints.selectors import tickets_that_can_become_complaints


class ComplaintFileForm(forms.Form):
    ticket = forms.ModelChoiceField(
        label=_("Which request is this about?"),
        queryset=None,
        required=False,
        empty_label=_("Something else (a new request)"),
    )
    subject = forms.ChoiceField(label=_("What is the complaint about?"), choices=ComplaintSubject.choices)
    title = forms.CharField(
        label=_("Short summary"),
        max_length=200,
        required=False,
        help_text=_("Needed when the complaint is not about one of your requests."),
    )
    body = forms.CharField(
        label=_("What happened?"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=10000,
        help_text=_("Never share your password, private key or recovery phrase: we will never ask for them."),
    )
    desired_outcome = forms.CharField(
        label=_("What would put it right for you?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        required=False,
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ticket"].queryset = tickets_that_can_become_complaints(user=user)
        self.fields["ticket"].label_from_instance = lambda ticket: f"{ticket.reference} – {ticket.subject}"

    def clean(self):
        data = super().clean()
        if not data.get("ticket") and not (data.get("title") or "").strip():
            self.add_error("title", _("Please give your complaint a short summary."))
        return data


class ComplaintResponseForm(forms.Form):
    resolved = forms.TypedChoiceField(
        label=_("Did our solution solve your problem?"),
        choices=[("yes", _("Yes, it is resolved")), ("no", _("No, it is not resolved"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Anything you want to add? (optional)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        required=False,
    )
