"""REST API for tickets, messages, attachments and customers (/api/v1/).

One APIView per operation with nested input and output serializers; every
read starts from Ticket.objects.visible_to (another customer's ticket is a
404), every write calls tickets.services.
"""

from __future__ import annotations

import hashlib
from datetime import UTC

import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Prefetch, Q
from django.http import FileResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    inline_serializer,
)
from rest_framework import exceptions, serializers, status
from rest_framework.pagination import CursorPagination
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from supportdesk.api_auth import AppKeyAuthentication, IsAppCustomer, IsStaff, TokenScopePermission
from supportdesk.kit.api_errors import validated_data
from supportdesk.kit.api_schema import ERROR_RESPONSES, filter_parameters, paginated
from supportdesk.kit.choices import LANGUAGE_CHOICES
from tickets import services
from tickets.models import Attachment, Category, Channel, Customer, Priority, Status, Tag, Ticket, TicketMessage, Tier
from tickets.selectors import attachment_for_user, ticket_for_user
from tickets.views import attachment_response

MAX_ID = 999_999_999_999_999_999


class TicketCursorPagination(CursorPagination):
    ordering = "-id"
    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 100


class MessageCursorPagination(CursorPagination):
    ordering = "id"
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


# Output serializers (no database access: everything is selected up front) ----


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

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_tags(self, obj: Ticket) -> list[str]:
        return [tag.name for tag in obj.tags.all()]


def _ticket_output(request, tickets, *, many: bool = False):
    serializer_class = StaffTicketOutput if request.user.is_staff else TicketOutput
    return serializer_class(tickets, many=many).data


# Filters -----------------------------------------------------------------


class BoundedIntegerField(forms.IntegerField):
    """An id: a whole number the database integer can hold (a bigger one would be a 500, not a 400)."""

    def __init__(self, **kwargs) -> None:
        super().__init__(min_value=0, max_value=MAX_ID, **kwargs)


class IntegerFilter(django_filters.NumberFilter):
    """NumberFilter accepts decimals ("0.5"); ids are whole numbers."""

    field_class = BoundedIntegerField


class StrictDateTimeField(forms.DateTimeField):
    """Only full ISO 8601 date-times (what the schema promises), not Django's many input formats."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        message = _("Enter an ISO 8601 date-time, e.g. 2026-01-31T09:00:00Z.")
        try:
            parsed = parse_datetime(str(value))
        except ValueError as error:
            raise forms.ValidationError(message, code="invalid") from error
        if parsed is None:
            raise forms.ValidationError(message, code="invalid")
        if timezone.is_naive(parsed):
            parsed = timezone.make_aware(parsed)
        try:
            # In UTC: PostgreSQL refuses offsets beyond ±15:59, which ISO 8601 (and parse_datetime) allow.
            return parsed.astimezone(UTC)
        except (OverflowError, ValueError) as error:
            raise forms.ValidationError(message, code="invalid") from error


class DateTimeFilter(django_filters.Filter):
    field_class = StrictDateTimeField


class TicketFilter(django_filters.FilterSet):
    """Every filter here is backed by an index on tickets_ticket (see Ticket.Meta.indexes)."""

    status = django_filters.MultipleChoiceFilter(choices=Status.choices)
    priority = django_filters.ChoiceFilter(choices=Priority.choices)
    channel = django_filters.ChoiceFilter(choices=Channel.choices)
    language = django_filters.ChoiceFilter(choices=LANGUAGE_CHOICES)
    category = django_filters.CharFilter(field_name="category__slug")
    team = IntegerFilter(field_name="team_id")
    assignee = IntegerFilter(field_name="assignee_id")
    unassigned = django_filters.ChoiceFilter(
        choices=[("true", "true"), ("false", "false")], method="filter_unassigned", label=_("Only (un)assigned tickets")
    )
    created_after = DateTimeFilter(field_name="created_at", lookup_expr="gte", label=_("ISO 8601 date-time"))
    created_before = DateTimeFilter(field_name="created_at", lookup_expr="lt", label=_("ISO 8601 date-time"))
    q = django_filters.CharFilter(method="search", label=_("Reference (SD-000123) or words of the subject"))

    class Meta:
        model = Ticket
        fields = []

    def filter_unassigned(self, queryset, name, value):
        return queryset.filter(assignee__isnull=value == "true")

    def search(self, queryset, name, value):
        reference = value.strip().upper().removeprefix("SD-")
        if reference.isdigit() and len(reference) <= len(str(MAX_ID)) - 1:
            return queryset.filter(pk=int(reference))
        return queryset.filter(subject__icontains=value.strip())


# Input serializers ---------------------------------------------------------


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
        return attrs


_DETAIL_FIELDS = ("app_version", "device", "os", "browser", "chain", "asset", "tx_hash", "from_address", "to_address")


def _ticket_details(data: dict) -> dict:
    return {field: data.get(field) or "" for field in _DETAIL_FIELDS} | {"amount": data.get("amount")}


class ReplyInput(serializers.Serializer):
    body = serializers.CharField(max_length=100_000)
    internal = serializers.BooleanField(default=False, help_text=_("Staff only: an internal note."))
    status = serializers.ChoiceField(
        choices=Status.choices, required=False, help_text=_("Staff only: status after the reply.")
    )
    attachments = serializers.ListField(child=serializers.FileField(), required=False, max_length=20)


class StatusInput(serializers.Serializer):
    status = serializers.ChoiceField(choices=Status.choices)
    note = serializers.CharField(required=False, max_length=255, allow_blank=True)


class AssignInput(serializers.Serializer):
    assignee = serializers.IntegerField(
        allow_null=True, min_value=1, max_value=MAX_ID, help_text=_("User id of an agent, or null to unassign.")
    )


# Views -------------------------------------------------------------------


def _visible_tickets(request):
    tickets = Ticket.objects.visible_to(request.user).select_related("category")
    if request.user.is_staff:
        tickets = tickets.select_related("customer", "team", "assignee").prefetch_related(
            Prefetch("tags", queryset=Tag.objects.order_by("name"))
        )
    return tickets


class TicketListCreateApi(APIView):
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(
        operation_id="tickets_list",
        parameters=filter_parameters(TicketFilter),
        responses={200: paginated(StaffTicketOutput), **ERROR_RESPONSES},
        description=_("Tickets you may see, newest first (cursor pagination). Customers: their own; staff: by role."),
    )
    def get(self, request):
        filterset = TicketFilter(request.query_params, queryset=_visible_tickets(request), request=request)
        if not filterset.is_valid():
            raise serializers.ValidationError(filterset.errors)
        paginator = TicketCursorPagination()
        page = paginator.paginate_queryset(filterset.qs, request, view=self)
        return paginator.get_paginated_response(_ticket_output(request, page, many=True))

    @extend_schema(
        operation_id="tickets_create",
        request={"application/json": TicketCreateInput, "multipart/form-data": TicketCreateInput},
        responses={201: StaffTicketOutput, **ERROR_RESPONSES},
        description=_("A customer opens a request for themselves; staff record one for a customer (by email)."),
    )
    def post(self, request):
        data = validated_data(TicketCreateInput, request)
        if request.user.is_staff:
            if not request.user.has_perm("tickets.add_ticket"):
                raise exceptions.PermissionDenied(_("You may not create tickets."))
            customer, _created = services.customer_get_or_create(
                email=data["customer_email"], name=data.get("customer_name", "")
            )
            channel = data.get("channel", Channel.AGENT)
        else:
            customer = _customer_of(request.user)
            channel = Channel.PORTAL
        ticket = services.ticket_create(
            customer=customer,
            subject=data["subject"],
            body=data["body"],
            channel=channel,
            actor=request.user,
            category=data.get("category"),
            priority=data.get("priority"),
            language=data.get("language"),
            attachments=data.get("attachments", []),
            **_ticket_details(data),
        )
        return Response(_ticket_output(request, _visible_tickets(request).get(pk=ticket.pk)), status=201)


def _customer_of(user) -> Customer:
    customer = Customer.objects.filter(user=user).first()
    if customer is None:
        customer, _created = services.customer_get_or_create(email=user.email, name=user.get_full_name(), user=user)
    return customer


def _etag(ticket: Ticket, is_staff: bool) -> str:
    version = f"{ticket.pk}:{ticket.updated_at.isoformat()}:{int(is_staff)}"
    return '"' + hashlib.sha256(version.encode()).hexdigest()[:32] + '"'


class TicketDetailApi(APIView):
    @extend_schema(
        operation_id="tickets_retrieve",
        responses={200: StaffTicketOutput, 304: OpenApiResponse(description=_("Not modified.")), **ERROR_RESPONSES},
        parameters=[OpenApiParameter("If-None-Match", str, OpenApiParameter.HEADER, required=False)],
    )
    def get(self, request, pk: int):
        ticket = get_object_or_404(_visible_tickets(request), pk=pk)
        etag = _etag(ticket, request.user.is_staff)
        if request.headers.get("If-None-Match") == etag:
            return Response(status=status.HTTP_304_NOT_MODIFIED, headers={"ETag": etag})
        return Response(_ticket_output(request, ticket), headers={"ETag": etag})


class TicketMessagesApi(APIView):
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(operation_id="ticket_messages_list", responses={200: paginated(MessageOutput), **ERROR_RESPONSES})
    def get(self, request, pk: int):
        ticket = ticket_for_user(user=request.user, pk=pk)
        messages = TicketMessage.objects.filter(ticket=ticket).select_related("author").prefetch_related("attachments")
        if not request.user.is_staff:
            messages = messages.public()
        paginator = MessageCursorPagination()
        page = paginator.paginate_queryset(messages, request, view=self)
        return paginator.get_paginated_response(MessageOutput(page, many=True).data)

    @extend_schema(
        operation_id="ticket_messages_create",
        request={"application/json": ReplyInput, "multipart/form-data": ReplyInput},
        responses={201: MessageOutput, **ERROR_RESPONSES},
        description=_("The customer answers, or an agent replies (or adds an internal note)."),
    )
    def post(self, request, pk: int):
        ticket = ticket_for_user(user=request.user, pk=pk)
        data = validated_data(ReplyInput, request)
        files = data.get("attachments", [])
        if request.user.is_staff:
            message = services.ticket_reply(
                ticket=ticket,
                body=data["body"],
                actor=request.user,
                internal=data["internal"],
                attachments=files,
                new_status=data.get("status"),
            )
        else:
            if data["internal"] or data.get("status"):
                raise serializers.ValidationError(_("Customers cannot add notes or set the status."), code="staff_only")
            message = services.ticket_customer_reply(
                ticket=ticket, body=data["body"], via=Channel.PORTAL, user=request.user, attachments=files
            )
        message = TicketMessage.objects.select_related("author").prefetch_related("attachments").get(pk=message.pk)
        return Response(MessageOutput(message).data, status=201)


class TicketStatusApi(APIView):
    permission_classes = [IsStaff, TokenScopePermission]

    @extend_schema(
        operation_id="tickets_status", request=StatusInput, responses={200: StaffTicketOutput, **ERROR_RESPONSES}
    )
    def post(self, request, pk: int):
        ticket = ticket_for_user(user=request.user, pk=pk)
        data = validated_data(StatusInput, request)
        services.ticket_change_status(
            ticket=ticket, status=data["status"], actor=request.user, note=data.get("note", "")
        )
        return Response(_ticket_output(request, _visible_tickets(request).get(pk=ticket.pk)))


class TicketAssignApi(APIView):
    permission_classes = [IsStaff, TokenScopePermission]

    @extend_schema(
        operation_id="tickets_assign", request=AssignInput, responses={200: StaffTicketOutput, **ERROR_RESPONSES}
    )
    def post(self, request, pk: int):
        ticket = ticket_for_user(user=request.user, pk=pk)
        data = validated_data(AssignInput, request)
        assignee = None
        if data["assignee"] is not None:
            assignee = get_user_model().objects.filter(pk=data["assignee"]).first()
            if assignee is None:
                raise serializers.ValidationError({"assignee": _("No such user.")}, code="not_found")
        services.ticket_assign(ticket=ticket, assignee=assignee, actor=request.user)
        return Response(_ticket_output(request, _visible_tickets(request).get(pk=ticket.pk)))


class AttachmentDownloadApi(APIView):
    @extend_schema(
        operation_id="attachments_download",
        responses={(200, "application/octet-stream"): OpenApiResponse(description=_("The file.")), **ERROR_RESPONSES},
    )
    def get(self, request, pk: int) -> FileResponse:
        return attachment_response(attachment_for_user(user=request.user, pk=pk))


class CustomerListApi(APIView):
    permission_classes = [IsStaff, TokenScopePermission]

    @extend_schema(
        operation_id="customers_list",
        parameters=[OpenApiParameter("q", str, description=_("Email or name contains"))],
        responses={200: paginated(CustomerOutput), **ERROR_RESPONSES},
    )
    def get(self, request):
        if not request.user.has_perm("tickets.view_customer"):
            raise exceptions.PermissionDenied(_("You may not see customers."))
        customers = Customer.objects.all()
        query = request.query_params.get("q", "").strip()
        if query:
            customers = customers.filter(Q(email__icontains=query) | Q(name__icontains=query))
        paginator = TicketCursorPagination()
        page = paginator.paginate_queryset(customers, request, view=self)
        return paginator.get_paginated_response(CustomerOutput(page, many=True).data)


class CustomerDetailApi(APIView):
    permission_classes = [IsStaff, TokenScopePermission]

    @extend_schema(operation_id="customers_retrieve", responses={200: CustomerOutput, **ERROR_RESPONSES})
    def get(self, request, pk: int):
        return Response(CustomerOutput(get_object_or_404(Customer, pk=pk)).data)


class InAppFeedbackInput(serializers.Serializer):
    subject = serializers.CharField(max_length=200)
    body = serializers.CharField(max_length=100_000)
    category = CategorySlugField(required=False, allow_null=True)
    language = serializers.ChoiceField(choices=LANGUAGE_CHOICES, required=False)
    app_version = serializers.CharField(max_length=50)
    device = serializers.CharField(max_length=100, required=False, allow_blank=True)
    os = serializers.CharField(max_length=100, required=False, allow_blank=True)
    logs = serializers.FileField(required=False, help_text=_("A log file (same type and size limits as attachments)."))


class InAppFeedbackApi(APIView):
    """In-app feedback from the wallet app, on behalf of the customer its backend vouched for."""

    authentication_classes = [AppKeyAuthentication]
    permission_classes = [IsAppCustomer]
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(
        operation_id="app_feedback_create",
        request={"multipart/form-data": InAppFeedbackInput, "application/json": InAppFeedbackInput},
        responses={
            201: inline_serializer(
                "InAppFeedbackCreated", {"id": serializers.IntegerField(), "reference": serializers.CharField()}
            ),
            **ERROR_RESPONSES,
        },
    )
    def post(self, request):
        data = validated_data(InAppFeedbackInput, request)
        customer, _created = services.customer_get_or_create(email=request.auth.email, name=request.auth.name)
        ticket = services.ticket_create(
            customer=customer,
            subject=data["subject"],
            body=data["body"],
            channel=Channel.IN_APP,
            category=data.get("category"),
            language=data.get("language"),
            app_version=data["app_version"],
            device=data.get("device", ""),
            os=data.get("os", ""),
            attachments=[data["logs"]] if data.get("logs") else [],
        )
        return Response({"id": ticket.pk, "reference": ticket.reference}, status=201)
