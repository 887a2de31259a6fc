"""Admin forms for complaints: they validate input; tickets.complaints.services writes."""

from django import forms
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from tickets.complaints.models import ComplaintSubject, RemedyKind, Severity, Stage
from tickets.models import Attachment, TicketMessage


class ComplaintWorkForm(forms.ModelForm):
    """The complaint page: details and findings (model fields) plus a stage move and a new remedy."""

    move_to = forms.ChoiceField(label=_("Move to stage"), required=False)
    move_reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=255,
        help_text=_("Required when withdrawing, closing, reopening or going back a stage."),
    )
    remedy_kind = forms.ChoiceField(
        label=_("Add a remedy"), choices=[("", "---------"), *RemedyKind.choices], required=False
    )
    remedy_amount = forms.DecimalField(label=_("Amount"), required=False, max_digits=38, decimal_places=18, min_value=0)
    remedy_asset = forms.CharField(label=_("Asset / currency"), required=False, max_length=16)
    remedy_description = forms.CharField(
        label=_("Remedy description (shown to the customer)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    class Meta:
        fields = [
            "owner", "subject", "severity", "desired_outcome", "findings", "root_cause", "responsible_team",
            "company_at_fault", "evidence_messages", "evidence_attachments", "evidence_tx_hash", "resolution_summary",
        ]  # fmt: skip
        widgets = {
            "evidence_messages": forms.CheckboxSelectMultiple,
            "evidence_attachments": forms.CheckboxSelectMultiple,
            "desired_outcome": forms.Textarea(attrs={"rows": 2}),
            "findings": forms.Textarea(attrs={"rows": 4}),
            "resolution_summary": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        complaint = self.instance
        stages = sorted(complaint.allowed_next_stages(), key=Stage.values.index)
        self.fields["move_to"].choices = [("", _("(stay at %(stage)s)") % {"stage": complaint.get_stage_display()})] + [
            (stage, Stage(stage).label) for stage in stages
        ]
        if "evidence_messages" in self.fields:
            messages = self.fields["evidence_messages"]
            messages.queryset = TicketMessage.objects.filter(ticket_id=complaint.ticket_id).order_by("created_at")
            messages.label_from_instance = lambda message: (
                f"{message.created_at:%Y-%m-%d %H:%M} · {message.get_author_kind_display()} · "
                f"{Truncator(message.body).chars(80)}"
            )
            attachments = self.fields["evidence_attachments"]
            attachments.queryset = Attachment.objects.filter(message__ticket_id=complaint.ticket_id).order_by("id")

    def clean(self):
        data = super().clean()
        if data.get("remedy_kind") and data.get("remedy_asset"):
            data["remedy_asset"] = data["remedy_asset"].strip().upper()
        return data


class TurnIntoComplaintForm(forms.Form):
    subject = forms.ChoiceField(label=_("Complaint about"), choices=ComplaintSubject.choices)
    severity = forms.ChoiceField(label=_("Severity"), choices=Severity.choices, initial=Severity.MEDIUM)
    desired_outcome = forms.CharField(
        label=_("Outcome the customer wants"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    reason = forms.CharField(label=_("Why this is a complaint"), required=False, max_length=255)


class StageMoveForm(forms.Form):
    stage = forms.ChoiceField(label=_("Move to stage"), choices=Stage.choices)
    reason = forms.CharField(label=_("Reason"), required=False, max_length=255)


class RemedyDecisionForm(forms.Form):
    remedy = forms.IntegerField(widget=forms.HiddenInput)
    decision = forms.ChoiceField(choices=[("approve", _("Approve")), ("reject", _("Reject"))])
    reason = forms.CharField(label=_("Reason"), max_length=255)


class MonthForm(forms.Form):
    month = forms.DateField(label=_("Month"), input_formats=["%Y-%m"], required=False)
