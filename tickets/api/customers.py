"""Customers, for staff: search and detail."""

from __future__ import annotations

from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from supportdesk.api_auth import StaffPermission, TokenScopePermission
from supportdesk.audit.recording import audit_read
from supportdesk.kit.api_schema import ERROR_RESPONSES, paginated
from tickets.api.pagination import TicketCursorPagination
from tickets.api.serializers import CustomerOutput
from tickets.models import Customer, WalletAddress


class CustomerQuery(serializers.Serializer):
    """The list's query string; CharField refuses NUL characters (PostgreSQL text cannot hold them) with a 400."""

    q = serializers.CharField(required=False, allow_blank=True, max_length=200)


class CustomerListApi(APIView):
    permission_classes = [StaffPermission, TokenScopePermission]
    required_permission = "tickets.view_customer"

    @extend_schema(
        operation_id="customers_list",
        parameters=[
            OpenApiParameter("q", str, description=_("Email or name contains, or the exact phone or wallet address"))
        ],
        responses={200: paginated(CustomerOutput), **ERROR_RESPONSES},
    )
    def get(self, request):
        params = CustomerQuery(data=request.query_params)
        params.is_valid(raise_exception=True)
        customers = Customer.objects.all()
        query = params.validated_data.get("q", "")
        if query:
            # The phone and wallet addresses are encrypted: matched exactly, through their blind index.
            wallets = WalletAddress.objects.filter(address__blind=query).values("customer_id")
            customers = customers.filter(
                Q(email__icontains=query) | Q(name__icontains=query) | Q(phone__blind=query) | Q(pk__in=wallets)
            )
        paginator = TicketCursorPagination()
        page = paginator.paginate_queryset(customers, request, view=self)
        return paginator.get_paginated_response(CustomerOutput(page, many=True).data)


class CustomerDetailApi(APIView):
    permission_classes = [StaffPermission, TokenScopePermission]
    required_permission = "tickets.view_customer"

    @extend_schema(operation_id="customers_retrieve", responses={200: CustomerOutput, **ERROR_RESPONSES})
    def get(self, request, pk: int):
        customer = get_object_or_404(Customer, pk=pk)
        audit_read(request, customer)
        return Response(CustomerOutput(customer).data)
