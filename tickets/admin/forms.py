"""Forms of the agents' workspace (the ticket admin). They validate; the admin then calls services."""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import CharField, F, IntegerField, QuerySet, TextField, Value
from django.db.models.functions import Cast
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from supportdesk.kit.text import normalise_email
from supportdesk.kit.widgets import QuickSelect, QuickSelectMultiple
from tickets import reply_timer, services
from tickets.attachments import MultipleFileField, validate_uploads
from tickets.chains import CHAIN_CHOICES, TransactionFields, transaction_field_errors
from tickets.models import STATUS_TRANSITIONS, Category, Channel, Priority, Status, Tag, Team, Ticket, Tier
from tickets.safety.services import secret_request_refuse
from tickets.safety.services.sensitive import SensitiveAction, require_recent_verification
from tickets.services import versions


def agent_users():
    return (
        get_user_model().objects.filter(is_active=True, is_staff=True, agent_profile__isnull=False).order_by("username")
    )


class AgentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.get_full_name() or obj.get_username()


class ReplyOpenedAtField(forms.CharField):
    """The reply box's hidden "opened at" token (tickets.reply_timer); never a change to the ticket."""

    widget = forms.HiddenInput

    def has_changed(self, initial, data) -> bool:
        return False


@dataclass
class WorkFormChoices:
    """The options of the work form's people and classification controls, and the ticket's tags."""

    assignee: list[tuple[int, str]] = dataclasses.field(default_factory=list)
    team: list[tuple[int, str]] = dataclasses.field(default_factory=list)
    category: list[tuple[int, str]] = dataclasses.field(default_factory=list)
    ticket_tags: list[tuple[int, str]] = dataclasses.field(default_factory=list)
    tags_of_ticket: list[int] = dataclasses.field(default_factory=list)


def _choice_rows(queryset: QuerySet, kind: str, *, id_field: str = "id", **columns) -> QuerySet:
    """One arm of the UNION: (kind, id, a, b, c, n) whatever the model."""
    text = {name: columns.get(name, Value("", output_field=CharField())) for name in ("a", "b", "c")}
    return (
        queryset.order_by()
        .annotate(
            row_kind=Value(kind, output_field=CharField()),
            row_id=F(id_field),
            row_a=text["a"],
            row_b=text["b"],
            row_c=text["c"],
            row_n=columns.get("n", Value(0, output_field=IntegerField())),
        )
        .values_list("row_kind", "row_id", "row_a", "row_b", "row_c", "row_n")
    )


def work_form_choices(form: TicketWorkForm) -> WorkFormChoices:
    """Every option list of the work form and the ticket's tags in one query (a UNION ALL of small tables).

    The lists are the fields' own querysets, sorted as their models order them.
    """
    fields, ticket = form.fields, form.instance
    rows = _choice_rows(
        fields["assignee"].queryset, "assignee", a=F("first_name"), b=F("last_name"), c=F("username")
    ).union(
        _choice_rows(fields["team"].queryset, "team", a=F("name")),
        _choice_rows(
            fields["category"].queryset,
            "category",
            a=F("name"),
            b=Cast("translations", TextField()),
            n=F("position"),
        ),
        _choice_rows(fields["ticket_tags"].queryset, "ticket_tags", a=F("name")),
        _choice_rows(
            Ticket.tags.through.objects.filter(ticket_id=ticket.pk),
            "tags_of_ticket",
            id_field="tag_id",
        ),
        all=True,
    )
    by_kind: dict[str, list[tuple]] = {}
    for kind, pk, a, b, c, n in rows:
        by_kind.setdefault(kind, []).append((pk, a, b, c, n))
    language = get_language() or "en"
    agents = sorted(by_kind.get("assignee", []), key=lambda row: row[3])
    categories = sorted(by_kind.get("category", []), key=lambda row: (row[4], row[1]))
    return WorkFormChoices(
        assignee=[(pk, f"{first} {last}".strip() or username) for pk, first, last, username, _n in agents],
        team=sorted(((pk, name) for pk, name, *_rest in by_kind.get("team", [])), key=lambda row: row[1]),
        category=[(pk, json.loads(names or "{}").get(language) or name) for pk, name, names, _c, _n in categories],
        ticket_tags=sorted(((pk, name) for pk, name, *_rest in by_kind.get("ticket_tags", [])), key=lambda r: r[1]),
        tags_of_ticket=[pk for pk, *_rest in by_kind.get("tags_of_ticket", [])],
    )


class TicketVersionField(ReplyOpenedAtField):
    """The version the page was loaded at (rendered by the collision panel, tickets.notifications.panels)."""


class TicketAddForm(forms.ModelForm):
    """An agent records a ticket (phone call, social media message, on behalf of a customer)."""

    body = forms.CharField(label=_("First message"), widget=forms.Textarea(attrs={"rows": 6}))
    attachments = MultipleFileField(label=_("Attachments"), required=False)
    chain = forms.ChoiceField(label=_("Chain"), choices=[("", "---------"), *CHAIN_CHOICES], required=False)

    class Meta:
        model = Ticket
        fields = [
            "customer", "subject", "channel", "category", "priority", "language",
            "app_version", "device", "os", "browser",
            "chain", "asset", "amount", "tx_hash", "from_address", "to_address",
        ]  # fmt: skip

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["channel"].initial = Channel.PHONE
        self.fields["category"].queryset = Category.objects.filter(is_active=True)

    def clean_attachments(self) -> list:
        files = self.cleaned_data["attachments"]
        validate_uploads(files)
        return files

    def clean(self) -> dict:
        cleaned = super().clean()
        fields = TransactionFields(
            chain=cleaned.get("chain") or "",
            tx_hash=cleaned.get("tx_hash") or "",
            from_address=cleaned.get("from_address") or "",
            to_address=cleaned.get("to_address") or "",
        )
        for field, message in transaction_field_errors(fields).items():
            self.add_error(field, message)
        return cleaned


class TicketWorkForm(forms.ModelForm):
    """The change page: reply box plus status, priority, assignment and classification controls."""

    reply_body = forms.CharField(
        label=_("Reply"),
        required=False,
        widget=forms.Textarea(
            attrs={"rows": 8, "class": "vLargeTextField sd-reply", "placeholder": _("Write a reply…")}
        ),
    )
    reply_internal = forms.BooleanField(label=_("Internal note (not sent to the customer)"), required=False)
    reply_attachments = MultipleFileField(label=_("Attachments"), required=False)
    reply_opened_at = ReplyOpenedAtField(required=False)
    ticket_version = TicketVersionField(required=False)
    escalation_reason = forms.CharField(label=_("Reason for tier change"), required=False, max_length=255)
    ticket_tags = forms.ModelMultipleChoiceField(
        label=_("Tags"), queryset=Tag.objects.all(), required=False, widget=forms.SelectMultiple(attrs={"size": 6})
    )

    class Meta:
        model = Ticket
        fields = ["status", "priority", "assignee", "team", "category", "tier"]
        field_classes = {"assignee": AgentChoiceField}

    def __init__(self, *args, actor=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.actor = actor
        if self.instance.pk and actor is not None:
            # A re-rendered form (errors) posts back the token of the first rendering.
            self.fields["reply_opened_at"].initial = reply_timer.opened_at_token(
                ticket_id=self.instance.pk, user_id=actor.pk
            )
        if "status" not in self.fields:
            # View-only users (managers): the admin excludes the model fields and shows the ticket read-only.
            return
        self.fields["assignee"].queryset = agent_users()
        self.fields["team"].queryset = Team.objects.filter(is_active=True)
        if self.instance.pk:
            allowed = {self.instance.status, *STATUS_TRANSITIONS[self.instance.status]}
            self.fields["status"].choices = [(value, label) for value, label in Status.choices if value in allowed]
            self._use_quick_selects(work_form_choices(self))

    def _use_quick_selects(self, choices: WorkFormChoices) -> None:
        """Options from one query, rendered without a template per option (the ticket page is the hot page).

        Validation still goes through each field's queryset: a stale option is refused on save.
        """
        self.fields["ticket_tags"].initial = choices.tags_of_ticket
        for name in ("status", "priority", "tier"):
            widget = self.fields[name].widget
            self.fields[name].widget = QuickSelect(attrs=widget.attrs, choices=list(widget.choices))
        for name in ("assignee", "team", "category", "ticket_tags"):
            form_field = self.fields[name]
            options = getattr(choices, name)
            empty = getattr(form_field, "empty_label", None)
            if name != "ticket_tags" and empty is not None:
                options = [("", empty), *options]
            widget_class = QuickSelectMultiple if name == "ticket_tags" else QuickSelect
            form_field.widget = widget_class(attrs=form_field.widget.attrs, choices=options)

    def clean_reply_attachments(self) -> list:
        files = self.cleaned_data["reply_attachments"]
        validate_uploads(files)
        return files

    def clean_reply_opened_at(self):
        """When the reply box was opened, or None: a bad token never blocks a reply, it only goes unmeasured."""
        return reply_timer.opened_at_from_token(
            self.cleaned_data["reply_opened_at"], ticket_id=self.instance.pk, user_id=getattr(self.actor, "pk", None)
        )

    def clean(self) -> dict:
        cleaned = super().clean()
        ticket = self.instance
        try:
            # Someone changed the ticket since this page was loaded: show what, keep the reply, ask again.
            versions.check_version(ticket, cleaned.get("ticket_version") or None)
        except ValidationError as error:
            self.add_error(None, error)
        if cleaned.get("reply_attachments") and not (cleaned.get("reply_body") or "").strip():
            self.add_error("reply_body", _("Write a message to go with the attachments."))
        if (cleaned.get("reply_body") or "").strip() and not cleaned.get("reply_internal"):
            try:
                secret_request_refuse(ticket=ticket, body=cleaned["reply_body"], body_html="", actor=self.actor)
            except ValidationError as error:
                self.add_error("reply_body", error)
        team = cleaned.get("team", ticket.team)
        assignee = cleaned.get("assignee")
        if "assignee" in self.changed_data or "team" in self.changed_data:
            self._check_assignee(ticket, team, assignee)
        if "tier" in self.changed_data and not cleaned.get("escalation_reason"):
            self.add_error("escalation_reason", _("Say why the tier changes."))
        return cleaned

    def _check_assignee(self, ticket: Ticket, team: Team | None, assignee) -> None:
        takes_from_other = ticket.assignee_id not in (None, getattr(self.actor, "pk", None))
        if (
            "assignee" in self.changed_data
            and takes_from_other
            and not self.actor.has_perm("tickets.assign_any_ticket")
        ):
            self.add_error("assignee", _("Only a supervisor can take a ticket away from its assignee."))
            return
        try:
            services.validate_assignee(ticket=Ticket(pk=ticket.pk, team=team), assignee=assignee)
        except ValidationError as error:
            self.add_error(None, error)


class ActionForm(forms.Form):
    """Base for the intermediate pages of bulk actions."""


class AssignActionForm(ActionForm):
    assignee = AgentChoiceField(label=_("Assign to"), queryset=agent_users().none())

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = agent_users()


class StatusActionForm(ActionForm):
    status = forms.ChoiceField(label=_("New status"), choices=Status.choices)


class PriorityActionForm(ActionForm):
    priority = forms.ChoiceField(label=_("New priority"), choices=Priority.choices)


class LanguageActionForm(ActionForm):
    language = forms.ChoiceField(
        label=_("Language"),
        choices=settings.LANGUAGES,
        help_text=_("The language the customer writes in; the customer's mails follow when they never chose one."),
    )


class TierActionForm(ActionForm):
    tier = forms.ChoiceField(label=_("Tier"), choices=Tier.choices)
    reason = forms.CharField(label=_("Reason"), max_length=255)


class MergeActionForm(ActionForm):
    target = forms.ModelChoiceField(
        label=_("Keep this ticket; merge the others into it"), queryset=Ticket.objects.none(), widget=forms.RadioSelect
    )

    def __init__(self, *args, tickets=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["target"].queryset = tickets if tickets is not None else Ticket.objects.none()


class CustomerMergeForm(ActionForm):
    primary = forms.ModelChoiceField(
        label=_("Keep this customer; merge the others into it"), queryset=None, widget=forms.RadioSelect
    )

    def __init__(self, *args, customers=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["primary"].queryset = customers


class CustomerAdminForm(forms.ModelForm):
    def clean_email(self) -> str:
        address = normalise_email(self.cleaned_data["email"])
        owner = services.customer_find_by_email(address)
        if owner is not None and owner.pk != self.instance.pk:
            raise ValidationError(
                _("Another customer already uses this address: %(customer)s."), params={"customer": owner}
            )
        return address

    def contact_changed(self) -> bool:
        return self.instance.pk is not None and bool({"email", "phone"} & set(self.changed_data))

    def clean(self) -> dict:
        cleaned = super().clean()
        if self.contact_changed():
            # The same check customer_change_contact makes, shown on the form instead of after saving.
            require_recent_verification(customer=self.instance, action=SensitiveAction.CONTACT_CHANGE)
        return cleaned
