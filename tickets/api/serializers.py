"""Input and output serializers of the tickets API.

Output serializers do no database access: views select everything up front.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from supportdesk.kit.choices import LANGUAGE_CHOICES
from tickets.api.filters import MAX_ID
from tickets.chains import TransactionFields, transaction_field_errors
from tickets.models import (
    Attachment,
    Category,
    Channel,
    Priority,
    Status,
    Ticket,
    TicketMessage,
    Tier,
)
from tickets.safety.services.sensitive import SensitiveAction
from tickets.versions import version_token

# Output --------------------------------------------------------------------


class AttachmentOutput(serializers.Serializer):
    id = serializers.IntegerField()
    filename = serializers.CharField()
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    download_url = serializers.SerializerMethodField()

    def get_download_url(self, obj: Attachment) -> str:
        return f"/api/v1/attachments/{obj.pk}/download/"


class MessageOutput(serializers.Serializer):
    id = serializers.IntegerField()
    author_kind = serializers.CharField()
    author_name = serializers.SerializerMethodField()
    body = serializers.CharField()
    is_internal = serializers.BooleanField()
    via = serializers.CharField()
    created_at = serializers.DateTimeField()
    attachments = AttachmentOutput(many=True)

    def get_author_name(self, obj: TicketMessage) -> str:
        if obj.author is None:
            return ""
        return obj.author.get_full_name() or obj.author.get_username()


class CustomerOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    email = serializers.EmailField()
    language = serializers.CharField()
    country = serializers.CharField()
    is_vip = serializers.BooleanField()
    created_at = serializers.DateTimeField()


class TicketOutput(serializers.Serializer):
    """What a customer sees of their ticket."""

    id = serializers.IntegerField()
    reference = serializers.CharField()
    subject = serializers.CharField()
    status = serializers.ChoiceField(choices=Status.choices)
    priority = serializers.ChoiceField(choices=Priority.choices)
    channel = serializers.ChoiceField(choices=Channel.choices)
    category = serializers.CharField(source="category.slug", default=None, allow_null=True)
    language = serializers.CharField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    first_response_at = serializers.DateTimeField(allow_null=True)
    resolved_at = serializers.DateTimeField(allow_null=True)
    closed_at = serializers.DateTimeField(allow_null=True)


class StaffTicketOutput(TicketOutput):
    """Staff also see routing, the customer and the transaction details."""

    customer = CustomerOutput()
    team = serializers.CharField(source="team.name", default=None, allow_null=True)
    assignee = serializers.CharField(source="assignee.username", default=None, allow_null=True)
    tier = serializers.ChoiceField(choices=Tier.choices)
    tags = serializers.SerializerMethodField()
    chain = serializers.CharField()
    asset = serializers.CharField()
    amount = serializers.DecimalField(max_digits=38, decimal_places=18, allow_null=True)
    tx_hash = serializers.CharField()
    from_address = serializers.CharField()
    to_address = serializers.CharField()
    version = serializers.SerializerMethodField(help_text=_("Send it back with a change (tickets.services.versions)."))

    @extend_schema_field(serializers.CharField())
    def get_version(self, obj: Ticket) -> str:
        return version_token(obj)

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_tags(self, obj: Ticket) -> list[str]:
        return [tag.name for tag in obj.tags.all()]


# Input ---------------------------------------------------------------------


@extend_schema_field({"type": "string", "nullable": True, "description": "Slug of an active category."})
class CategorySlugField(serializers.SlugRelatedField):
    def __init__(self, **kwargs) -> None:
        super().__init__(slug_field="slug", queryset=Category.objects.filter(is_active=True), **kwargs)


class TicketCreateInput(serializers.Serializer):
    subject = serializers.CharField(max_length=200)
    body = serializers.CharField(max_length=100_000)
    category = CategorySlugField(required=False, allow_null=True)
    language = serializers.ChoiceField(choices=LANGUAGE_CHOICES, required=False)
    priority = serializers.ChoiceField(choices=Priority.choices, required=False, help_text=_("Staff only."))
    channel = serializers.ChoiceField(choices=Channel.choices, required=False, help_text=_("Staff only."))
    customer_email = serializers.EmailField(required=False, help_text=_("Staff only: who the ticket is for."))
    customer_name = serializers.CharField(required=False, max_length=200, help_text=_("Staff only."))
    app_version = serializers.CharField(required=False, max_length=50, allow_blank=True)
    device = serializers.CharField(required=False, max_length=100, allow_blank=True)
    os = serializers.CharField(required=False, max_length=100, allow_blank=True)
    browser = serializers.CharField(required=False, max_length=100, allow_blank=True)
    chain = serializers.CharField(required=False, max_length=32, allow_blank=True)
    asset = serializers.CharField(required=False, max_length=32, allow_blank=True)
    amount = serializers.DecimalField(max_digits=38, decimal_places=18, required=False, allow_null=True)
    tx_hash = serializers.CharField(required=False, max_length=128, allow_blank=True)
    from_address = serializers.CharField(required=False, max_length=128, allow_blank=True)
    to_address = serializers.CharField(required=False, max_length=128, allow_blank=True)
    attachments = serializers.ListField(child=serializers.FileField(), required=False, max_length=20)

    def validate(self, attrs):
        user = self.context["request"].user
        staff_only = {"priority", "channel", "customer_email", "customer_name"} & attrs.keys()
        if not user.is_staff and staff_only:
            raise serializers.ValidationError(
                {field: _("Only staff may set this field.") for field in sorted(staff_only)}, code="staff_only"
            )
        if user.is_staff and not attrs.get("customer_email"):
            raise serializers.ValidationError({"customer_email": _("Say who the ticket is for.")}, code="required")
        # Per-chain checks (checksums, address formats): the same rule and wording as the portal and admin forms.
        transaction = TransactionFields(
            chain=attrs.get("chain", ""),
            tx_hash=attrs.get("tx_hash", ""),
            from_address=attrs.get("from_address", ""),
            to_address=attrs.get("to_address", ""),
        )
        errors = transaction_field_errors(transaction)
        if errors:
            raise serializers.ValidationError(errors, code="invalid")
        return attrs


class ReplyInput(serializers.Serializer):
    body = serializers.CharField(max_length=100_000)
    internal = serializers.BooleanField(default=False, help_text=_("Staff only: an internal note."))
    status = serializers.ChoiceField(
        choices=Status.choices, required=False, help_text=_("Staff only: status after the reply.")
    )
    attachments = serializers.ListField(child=serializers.FileField(), required=False, max_length=20)
    version = serializers.CharField(
        required=False, max_length=40, help_text=_("Staff only: the ticket's version this change is based on.")
    )


class StatusInput(serializers.Serializer):
    status = serializers.ChoiceField(choices=Status.choices)
    note = serializers.CharField(required=False, max_length=255, allow_blank=True)
    version = serializers.CharField(
        required=False, max_length=40, help_text=_("Staff only: the ticket's version this change is based on.")
    )


class SensitiveActionInput(serializers.Serializer):
    action = serializers.ChoiceField(
        choices=[
            (SensitiveAction.ACCOUNT_RECOVERY, SensitiveAction.ACCOUNT_RECOVERY.label),
            (SensitiveAction.ACCOUNT_DISCLOSURE, SensitiveAction.ACCOUNT_DISCLOSURE.label),
        ]
    )
    note = serializers.CharField(required=False, max_length=255, allow_blank=True)


class AssignInput(serializers.Serializer):
    assignee = serializers.IntegerField(
        allow_null=True, min_value=1, max_value=MAX_ID, help_text=_("User id of an agent, or null to unassign.")
    )
    version = serializers.CharField(
        required=False, max_length=40, help_text=_("Staff only: the ticket's version this change is based on.")
    )


class InAppFeedbackInput(serializers.Serializer):
    subject = serializers.CharField(max_length=200)
    body = serializers.CharField(max_length=100_000)
    category = CategorySlugField(required=False, allow_null=True)
    language = serializers.ChoiceField(choices=LANGUAGE_CHOICES, required=False)
    app_version = serializers.CharField(max_length=50)
    device = serializers.CharField(max_length=100, required=False, allow_blank=True)
    os = serializers.CharField(max_length=100, required=False, allow_blank=True)
    logs = serializers.FileField(required=False, help_text=_("A log file (same type and size limits as attachments)."))
