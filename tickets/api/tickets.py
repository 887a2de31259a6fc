"""Tickets: list (filtered, cursor-paginated), create, detail (with an ETag), status and assignment."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from supportdesk.api_auth import IsStaff, TokenScopePermission
from supportdesk.audit.recording import audit_read
from supportdesk.kit.api_errors import validated_data
from supportdesk.kit.api_schema import ERROR_RESPONSES, filter_parameters, paginated
from tickets import services
from tickets.api import versions
from tickets.api.filters import TicketFilter
from tickets.api.pagination import TicketCursorPagination
from tickets.api.serializers import (
    AssignInput,
    SensitiveActionInput,
    StaffTicketOutput,
    StatusInput,
    TicketCreateInput,
    TicketOutput,
)
from tickets.models import Channel, Tag, Ticket
from tickets.safety.services import sensitive
from tickets.selectors import customer_for_user, ticket_for_user

_DETAIL_FIELDS = ("app_version", "device", "os", "browser", "chain", "asset", "tx_hash", "from_address", "to_address")


# The list reads only the columns its serializer writes (keyset pages of the id index, no COUNT); the
# SLA clocks, device details and the rest of a ticket's ~45 columns stay in the table.
LIST_COLUMNS = (
    "id",
    "subject",
    "status",
    "priority",
    "channel",
    "language",
    "created_at",
    "updated_at",
    "first_response_at",
    "resolved_at",
    "closed_at",
    "category",
    "category__slug",
)
STAFF_LIST_COLUMNS = (
    *LIST_COLUMNS,
    "tier",
    "chain",
    "asset",
    "amount",
    "tx_hash",
    "from_address",
    "to_address",
    "customer",
    *(f"customer__{name}" for name in ("name", "email", "language", "country", "is_vip", "created_at")),
    "team",
    "team__name",
    "assignee",
    "assignee__username",
)


def _ticket_details(data: dict) -> dict:
    return {field: data.get(field) or "" for field in _DETAIL_FIELDS} | {"amount": data.get("amount")}


def _ticket_output(request, tickets, *, many: bool = False):
    serializer_class = StaffTicketOutput if request.user.is_staff else TicketOutput
    return serializer_class(tickets, many=many).data


def _visible_tickets(request):
    return _with_related(request, Ticket.objects.visible_to(request.user))


def _with_related(request, tickets):
    tickets = tickets.select_related("category")
    if request.user.is_staff:
        tickets = tickets.select_related("customer", "team", "assignee").prefetch_related(
            Prefetch("tags", queryset=Tag.objects.order_by("name"))
        )
    return tickets


class TicketListCreateApi(APIView):
    permission_classes = [IsAuthenticated, TokenScopePermission]
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
        columns = STAFF_LIST_COLUMNS if request.user.is_staff else LIST_COLUMNS
        page = paginator.paginate_queryset(filterset.qs.only(*columns), request, view=self)
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
            # As in the portal: only a login linked to its customer record (through a verified address) writes
            # as that customer; an unverified address must not open requests in someone's name.
            customer = customer_for_user(user=request.user)
            if customer is None:
                raise exceptions.PermissionDenied(
                    _("Your sign-in is not linked to a customer record yet: verify your email address first.")
                )
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
        # Routing may send a ticket staff record to a team they are not in: they still get what they created.
        created = _with_related(request, Ticket.objects.filter(pk=ticket.pk)).get()
        return Response(_ticket_output(request, created), status=201)


class TicketDetailApi(APIView):
    permission_classes = [IsAuthenticated, TokenScopePermission]

    @extend_schema(
        operation_id="tickets_retrieve",
        responses={200: StaffTicketOutput, 304: OpenApiResponse(description=_("Not modified.")), **ERROR_RESPONSES},
        parameters=[OpenApiParameter("If-None-Match", str, OpenApiParameter.HEADER, required=False)],
    )
    def get(self, request, pk: int):
        ticket = get_object_or_404(_visible_tickets(request), pk=pk)
        audit_read(request, ticket, label=ticket.reference)
        etag = versions.ticket_etag(ticket, request.user.is_staff)
        if request.headers.get("If-None-Match") == etag:
            return Response(status=status.HTTP_304_NOT_MODIFIED, headers={"ETag": etag})
        return Response(_ticket_output(request, ticket), headers={"ETag": etag})


class TicketStatusApi(APIView):
    permission_classes = [IsStaff, TokenScopePermission]

    @extend_schema(
        operation_id="tickets_status",
        request=StatusInput,
        responses={200: StaffTicketOutput, **ERROR_RESPONSES, **versions.STALE_RESPONSE},
        parameters=[versions.IF_MATCH],
    )
    def post(self, request, pk: int):
        ticket = ticket_for_user(user=request.user, pk=pk)
        data = validated_data(StatusInput, request)
        try:
            services.ticket_change_status(
                ticket=ticket,
                status=data["status"],
                actor=request.user,
                note=data.get("note", ""),
                expected_version=versions.expected_version(request, ticket, data),
            )
        except services.StaleTicketError as error:
            return versions.stale_response(error)
        return Response(_ticket_output(request, _visible_tickets(request).get(pk=ticket.pk)))


class TicketSensitiveActionApi(APIView):
    """Record account-recovery help or a disclosure of account details: refused (400, verification_required)
    unless the customer verified their identity recently, as in the admin."""

    permission_classes = [IsStaff, TokenScopePermission]

    @extend_schema(
        operation_id="tickets_sensitive_action",
        request=SensitiveActionInput,
        responses={200: StaffTicketOutput, **ERROR_RESPONSES},
    )
    def post(self, request, pk: int):
        ticket = ticket_for_user(user=request.user, pk=pk)
        data = validated_data(SensitiveActionInput, request)
        sensitive.sensitive_action_record(
            ticket=ticket, action=data["action"], actor=request.user, note=data.get("note", "")
        )
        return Response(_ticket_output(request, _visible_tickets(request).get(pk=ticket.pk)))


class TicketAssignApi(APIView):
    permission_classes = [IsStaff, TokenScopePermission]

    @extend_schema(
        operation_id="tickets_assign",
        request=AssignInput,
        responses={200: StaffTicketOutput, **ERROR_RESPONSES, **versions.STALE_RESPONSE},
        parameters=[versions.IF_MATCH],
    )
    def post(self, request, pk: int):
        ticket = ticket_for_user(user=request.user, pk=pk)
        data = validated_data(AssignInput, request)
        assignee = None
        if data["assignee"] is not None:
            assignee = get_user_model().objects.filter(pk=data["assignee"]).first()
            if assignee is None:
                raise serializers.ValidationError({"assignee": _("No such user.")}, code="not_found")
        try:
            services.ticket_assign(
                ticket=ticket,
                assignee=assignee,
                actor=request.user,
                expected_version=versions.expected_version(request, ticket, data),
            )
        except services.StaleTicketError as error:
            return versions.stale_response(error)
        return Response(_ticket_output(request, _visible_tickets(request).get(pk=ticket.pk)))
