"""A ticket's messages (list, reply or note) and attachment downloads."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from supportdesk.api_auth import TokenScopePermission
from supportdesk.audit.models import AuditAction
from supportdesk.audit.recording import audit_read
from supportdesk.kit.api_errors import validated_data
from supportdesk.kit.api_schema import ERROR_RESPONSES, paginated
from tickets import services
from tickets.api import versions
from tickets.api.pagination import MessageCursorPagination
from tickets.api.serializers import MessageOutput, ReplyInput
from tickets.models import Channel, TicketMessage
from tickets.selectors import attachment_for_user, ticket_for_user
from tickets.views import attachment_response


class TicketMessagesApi(APIView):
    permission_classes = [IsAuthenticated, TokenScopePermission]
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
        responses={201: MessageOutput, **ERROR_RESPONSES, **versions.STALE_RESPONSE},
        parameters=[versions.IF_MATCH],
        description=_("The customer answers, or an agent replies (or adds an internal note)."),
    )
    def post(self, request, pk: int):
        ticket = ticket_for_user(user=request.user, pk=pk)
        data = validated_data(ReplyInput, request)
        files = data.get("attachments", [])
        if request.user.is_staff:
            try:
                message = services.ticket_reply(
                    ticket=ticket,
                    body=data["body"],
                    actor=request.user,
                    internal=data["internal"],
                    attachments=files,
                    new_status=data.get("status"),
                    expected_version=versions.expected_version(request, ticket, data),
                )
            except services.StaleTicketError as error:
                return versions.stale_response(error)
        else:
            if data["internal"] or data.get("status"):
                raise serializers.ValidationError(_("Customers cannot add notes or set the status."), code="staff_only")
            message = services.ticket_customer_reply(
                ticket=ticket, body=data["body"], via=Channel.PORTAL, user=request.user, attachments=files
            )
        message = TicketMessage.objects.select_related("author").prefetch_related("attachments").get(pk=message.pk)
        return Response(MessageOutput(message).data, status=201)


class AttachmentDownloadApi(APIView):
    permission_classes = [IsAuthenticated, TokenScopePermission]

    @extend_schema(
        operation_id="attachments_download",
        responses={
            (200, "application/octet-stream"): OpenApiResponse(description=_("The file.")),
            302: OpenApiResponse(description=_("On object storage: a redirect to a signed, short-lived URL.")),
            **ERROR_RESPONSES,
        },
    )
    def get(self, request, pk: int) -> HttpResponse:
        attachment = attachment_for_user(user=request.user, pk=pk)
        audit_read(request, attachment, action=AuditAction.DOWNLOAD)
        return attachment_response(attachment)
