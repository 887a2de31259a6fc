"""In-app feedback: the wallet app opens a ticket for the customer its backend vouched for."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from supportdesk.api_auth import AppKeyAuthentication, IsAppCustomer
from supportdesk.kit.api_errors import validated_data
from supportdesk.kit.api_schema import ERROR_RESPONSES
from tickets import services
from tickets.api.serializers import InAppFeedbackInput
from tickets.models import Channel


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
