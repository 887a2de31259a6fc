"""REST API of complaints (/api/v1/complaints/, /api/v1/tickets/{id}/complaint/).

Customers see their own complaints with the stage in plain language and never
the internal investigation (findings, root cause, fault, decision reasons);
staff see everything on the tickets they may see. Reads start from
Complaint.objects.visible_to (another customer's complaint is a 404); writes
go through tickets.complaints.services.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.pagination import CursorPagination
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from supportdesk.api_auth import IsStaff, TokenScopePermission
from supportdesk.audit.recording import audit_read
from supportdesk.kit.api_errors import validated_data
from supportdesk.kit.api_schema import ERROR_RESPONSES, paginated
from tickets.complaints import selectors, services
from tickets.complaints.models import (
    Complaint,
    ComplaintSubject,
    RemedyKind,
    RemedyStatus,
    RootCause,
    Severity,
    Stage,
)
from tickets.models import ticket_reference
from tickets.selectors import ticket_for_user


class ComplaintCursorPagination(CursorPagination):
    ordering = ("-created_at", "-id")
    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 100


# Output -----------------------------------------------------------------------


class ComplaintOutput(serializers.Serializer):
    """What the customer sees."""

    id = serializers.IntegerField()
    reference = serializers.CharField(source="ticket.reference")
    ticket = serializers.IntegerField(source="ticket_id")
    subject = serializers.ChoiceField(choices=ComplaintSubject.choices)
    stage = serializers.ChoiceField(choices=Stage.choices)
    stage_text = serializers.CharField(source="customer_stage_text", help_text=_("The stage in plain language."))
    desired_outcome = serializers.CharField()
    resolution_summary = serializers.SerializerMethodField(help_text=_("Empty until the resolution is communicated."))
    customer_resolved = serializers.BooleanField(allow_null=True)
    customer_comment = serializers.CharField()
    created_at = serializers.DateTimeField()
    closed_at = serializers.DateTimeField(allow_null=True)

    def get_resolution_summary(self, complaint: Complaint) -> str:
        return complaint.resolution_summary if complaint.resolution_communicated_at else ""


class StaffComplaintOutput(ComplaintOutput):
    customer_email = serializers.EmailField(source="ticket.customer.email")
    severity = serializers.ChoiceField(choices=Severity.choices)
    owner = serializers.CharField(source="owner.username", default=None, allow_null=True)
    stage_entered_at = serializers.DateTimeField()
    stage_due_at = serializers.DateTimeField(allow_null=True)
    is_overdue = serializers.BooleanField()
    allowed_next_stages = serializers.SerializerMethodField()
    findings = serializers.CharField()
    root_cause = serializers.ChoiceField(choices=[("", "—"), *RootCause.choices])
    company_at_fault = serializers.BooleanField(allow_null=True)
    responsible_team = serializers.CharField(source="responsible_team.name", default=None, allow_null=True)
    evidence_tx_hash = serializers.CharField()
    resolution_summary = serializers.CharField()
    resolution_communicated_at = serializers.DateTimeField(allow_null=True)

    def get_allowed_next_stages(self, complaint: Complaint) -> list[str]:
        return sorted(complaint.allowed_next_stages())


class StageStepOutput(serializers.Serializer):
    at = serializers.DateTimeField()
    stage = serializers.ChoiceField(choices=Stage.choices)
    label = serializers.CharField()


class RemedyOutput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=RemedyKind.choices)
    amount = serializers.DecimalField(max_digits=38, decimal_places=18, allow_null=True)
    asset = serializers.CharField()
    description = serializers.CharField()
    status = serializers.ChoiceField(choices=RemedyStatus.choices)


class StaffRemedyOutput(RemedyOutput):
    id = serializers.IntegerField()
    needs_approval = serializers.BooleanField()
    proposed_at = serializers.DateTimeField()
    decided_at = serializers.DateTimeField(allow_null=True)
    decision_reason = serializers.CharField()
    paid_at = serializers.DateTimeField(allow_null=True)


class ComplaintDetailOutput(ComplaintOutput):
    steps = StageStepOutput(many=True)
    remedies = RemedyOutput(many=True, help_text=_("Granted remedies, once the resolution is communicated."))


class StaffComplaintDetailOutput(StaffComplaintOutput):
    steps = StageStepOutput(many=True)
    remedies = StaffRemedyOutput(many=True, help_text=_("Every remedy, proposed to paid."))


# Input ------------------------------------------------------------------------


class ComplaintFileInput(serializers.Serializer):
    subject = serializers.ChoiceField(choices=ComplaintSubject.choices)
    body = serializers.CharField(max_length=100_000, help_text=_("What went wrong; added to the request."))
    desired_outcome = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    attachments = serializers.ListField(child=serializers.FileField(), required=False, max_length=20)


class StageInput(serializers.Serializer):
    stage = serializers.ChoiceField(choices=Stage.choices)
    reason = serializers.CharField(
        max_length=255,
        required=False,
        allow_blank=True,
        help_text=_("Required for every move except the normal forward ones."),
    )


class RespondInput(serializers.Serializer):
    resolved = serializers.BooleanField(help_text=_("true: the problem is solved (closes); false: reopens."))
    comment = serializers.CharField(max_length=5000, required=False, allow_blank=True)


class StageFilterInput(serializers.Serializer):
    stage = serializers.MultipleChoiceField(choices=Stage.choices, required=False)


# Views ------------------------------------------------------------------------


def _require_view(request) -> None:
    if request.user.is_staff and not request.user.has_perm("tickets.view_complaint"):
        raise exceptions.PermissionDenied(_("You may not see complaints."))


def _detail(request, pk: int) -> dict:
    detail = selectors.complaint_portal_detail(user=request.user, pk=pk)
    audit_read(request, detail.complaint, label=ticket_reference(detail.complaint.ticket_id))
    if request.user.is_staff:
        remedies = detail.complaint.remedies.order_by("proposed_at", "id")
        return StaffComplaintOutput(detail.complaint).data | {
            "steps": StageStepOutput(detail.steps, many=True).data,
            "remedies": StaffRemedyOutput(remedies, many=True).data,
        }
    return ComplaintOutput(detail.complaint).data | {
        "steps": StageStepOutput(detail.steps, many=True).data,
        "remedies": RemedyOutput(detail.remedies, many=True).data,
    }


class ComplaintListApi(APIView):
    permission_classes = [IsAuthenticated, TokenScopePermission]

    @extend_schema(
        operation_id="complaints_list",
        parameters=[OpenApiParameter("stage", str, OpenApiParameter.QUERY, enum=Stage.values, many=True)],
        responses={200: paginated(StaffComplaintOutput), **ERROR_RESPONSES},
        description=_("Complaints you may see, newest first. Customers: their own, without internal findings."),
    )
    def get(self, request):
        _require_view(request)
        filters = StageFilterInput(data={"stage": request.query_params.getlist("stage")})
        filters.is_valid(raise_exception=True)
        complaints = Complaint.objects.visible_to(request.user).for_list().select_related("responsible_team")
        if filters.validated_data.get("stage"):
            complaints = complaints.filter(stage__in=filters.validated_data["stage"])
        paginator = ComplaintCursorPagination()
        page = paginator.paginate_queryset(complaints, request, view=self)
        output = StaffComplaintOutput if request.user.is_staff else ComplaintOutput
        return paginator.get_paginated_response(output(page, many=True).data)


class ComplaintDetailApi(APIView):
    permission_classes = [IsAuthenticated, TokenScopePermission]

    @extend_schema(
        operation_id="complaints_retrieve",
        responses={200: StaffComplaintDetailOutput, **ERROR_RESPONSES},
        description=_("With the stage history and remedies (customers: only granted ones, once communicated)."),
    )
    def get(self, request, pk: int):
        _require_view(request)
        return Response(_detail(request, pk))


class TicketComplaintApi(APIView):
    permission_classes = [IsAuthenticated, TokenScopePermission]
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(
        operation_id="tickets_complaint_create",
        request={"application/json": ComplaintFileInput, "multipart/form-data": ComplaintFileInput},
        responses={201: ComplaintDetailOutput, **ERROR_RESPONSES},
        description=_(
            "A customer files a complaint about one of their requests. Codes: `already_a_complaint`, `ticket_closed`."
        ),
    )
    def post(self, request, pk: int):
        ticket = ticket_for_user(user=request.user, pk=pk)
        data = validated_data(ComplaintFileInput, request)
        complaint = services.complaint_file(
            user=request.user,
            subject=data["subject"],
            title=ticket.subject,
            body=data["body"],
            desired_outcome=data.get("desired_outcome", ""),
            ticket=ticket,
            attachments=data.get("attachments", []),
        )
        return Response(_detail(request, complaint.pk), status=status.HTTP_201_CREATED)


class ComplaintStageApi(APIView):
    permission_classes = [IsStaff, TokenScopePermission]

    @extend_schema(
        operation_id="complaints_stage",
        request=StageInput,
        responses={200: StaffComplaintDetailOutput, **ERROR_RESPONSES},
        description=_(
            "Staff move the complaint along its stage map. Codes: `invalid_stage_transition`, `reason_required`, "
            "`no_remedy`, `approval_pending`, `no_resolution_summary`."
        ),
    )
    def post(self, request, pk: int):
        complaint = selectors.complaint_for_user(user=request.user, pk=pk)
        data = validated_data(StageInput, request)
        services.complaint_change_stage(
            complaint=complaint, stage=data["stage"], actor=request.user, reason=data.get("reason", "")
        )
        return Response(_detail(request, complaint.pk))


class ComplaintRespondApi(APIView):
    permission_classes = [IsAuthenticated, TokenScopePermission]

    @extend_schema(
        operation_id="complaints_respond",
        request=RespondInput,
        responses={200: ComplaintDetailOutput, **ERROR_RESPONSES},
        description=_(
            "The customer confirms (closes) or rejects (reopens) the proposed resolution. "
            "Code: `not_awaiting_confirmation`."
        ),
    )
    def post(self, request, pk: int):
        complaint = selectors.complaint_for_user(user=request.user, pk=pk)
        data = validated_data(RespondInput, request)
        services.complaint_respond(
            complaint=complaint, resolved=data["resolved"], user=request.user, comment=data.get("comment", "")
        )
        return Response(_detail(request, complaint.pk))
