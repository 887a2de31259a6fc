"""REST API of surveys (answered through the emailed link's token) and suggestions (/api/v1/).

The survey token is the credential, as on the survey page: anyone holding it
may read the questions and answer once. Link errors: unknown or tampered →
404, expired → 410 `survey_expired`, already answered → 409
`survey_already_answered`. Writes go through feedback.services.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import exceptions, serializers, status
from rest_framework.pagination import CursorPagination
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from feedback import selectors, services
from feedback.models import (
    RATING_MAX,
    RATING_MIN,
    Dimension,
    QuestionKind,
    Suggestion,
    SuggestionCategory,
    SuggestionStatus,
    SurveyInvitation,
)
from feedback.tokens import ExpiredSurveyLink, InvalidSurveyLink
from supportdesk.api_auth import IsStaff, TokenScopePermission
from supportdesk.kit.api_errors import error_response
from supportdesk.kit.api_schema import ERROR_RESPONSES, ErrorOutput, paginated
from tickets.models import Channel
from tickets.selectors import customer_for_user

# Signed tokens are "<hex key>:<timestamp>:<signature>" (django.core.signing, URL-safe base64).
SURVEY_LINK_PATTERN = r"[-A-Za-z0-9_:]+"

SURVEY_ERROR_RESPONSES = {
    **ERROR_RESPONSES,
    409: OpenApiResponse(ErrorOutput, description=_("`survey_already_answered`: the survey was answered already.")),
    410: OpenApiResponse(ErrorOutput, description=_("`survey_expired`: the survey link has expired.")),
}
_LINK_ERROR_STATUS = {
    services.ERROR_ALREADY_ANSWERED: status.HTTP_409_CONFLICT,
    services.ERROR_EXPIRED: 410,
    services.ERROR_NOT_YOUR_SURVEY: status.HTTP_403_FORBIDDEN,
}
TOKEN_PARAMETER = OpenApiParameter("token", str, OpenApiParameter.PATH, pattern=f"^{SURVEY_LINK_PATTERN}$")


class SurveyQuestionOutput(serializers.Serializer):
    field = serializers.CharField(source="field_name", help_text=_("Key of the answer in `answers`."))
    dimension = serializers.ChoiceField(choices=Dimension.choices)
    kind = serializers.ChoiceField(choices=QuestionKind.choices)
    text = serializers.SerializerMethodField(help_text=_("In the invitation's language."))
    required = serializers.BooleanField()

    def get_text(self, question) -> str:
        return question.label(self.context["language"])


class SurveyOutput(serializers.Serializer):
    ticket_reference = serializers.CharField(source="ticket.reference")
    language = serializers.CharField()
    expires_at = serializers.DateTimeField()
    answered_at = serializers.DateTimeField(allow_null=True)
    rating_min = serializers.SerializerMethodField()
    rating_max = serializers.SerializerMethodField()
    questions = serializers.SerializerMethodField()

    def get_rating_min(self, invitation) -> int:
        return RATING_MIN

    def get_rating_max(self, invitation) -> int:
        return RATING_MAX

    @extend_schema_field(SurveyQuestionOutput(many=True))
    def get_questions(self, invitation) -> list[dict]:
        questions = invitation.template.questions.all()
        return SurveyQuestionOutput(questions, many=True, context={"language": invitation.language}).data


class SurveyAnswersInput(serializers.Serializer):
    answers = serializers.DictField(
        child=serializers.JSONField(),
        help_text=_(
            'By question `field`: rating → integer 1–5, yes_no → true/false, text → string, e.g. {"overall": 5}.'
        ),
    )


class SurveyLinkGone(exceptions.APIException):
    status_code = 410
    default_detail = _("This survey link has expired.")
    default_code = services.ERROR_EXPIRED


def _error_details(error: ValidationError) -> dict:
    return {
        field: [exceptions.ErrorDetail(message, code=item.code) for item in errors for message in item.messages]
        for field, errors in error.error_dict.items()
    }


def _invitation(token: str) -> SurveyInvitation:
    """The invitation behind the link; raises the API's 404 / 410 for bad links."""
    try:
        invitation = selectors.invitation_for_token(token)
    except ExpiredSurveyLink as error:
        raise SurveyLinkGone from error
    except (InvalidSurveyLink, SurveyInvitation.DoesNotExist) as error:
        raise exceptions.NotFound(_("This survey link is not valid.")) from error
    if invitation.is_expired and not invitation.is_answered:
        raise SurveyLinkGone
    return invitation


class SurveyApi(APIView):
    permission_classes = [AllowAny, TokenScopePermission]

    @extend_schema(
        operation_id="surveys_retrieve",
        auth=[],
        parameters=[TOKEN_PARAMETER],
        responses={200: SurveyOutput, **SURVEY_ERROR_RESPONSES},
        description=_("The survey behind an emailed link: its questions in the customer's language."),
    )
    def get(self, request, token: str):
        invitation = _invitation(token)
        return Response(SurveyOutput(invitation).data)


class SurveyResponseApi(APIView):
    permission_classes = [AllowAny, TokenScopePermission]

    @extend_schema(
        operation_id="surveys_respond",
        auth=[],
        parameters=[TOKEN_PARAMETER],
        request=SurveyAnswersInput,
        responses={201: SurveyOutput, **SURVEY_ERROR_RESPONSES},
        description=_("Answer the survey, once. Field errors come back as `answers.<field>`."),
    )
    def post(self, request, token: str):
        invitation = _invitation(token)
        serializer = SurveyAnswersInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        with translation.override(invitation.language):
            try:
                services.survey_response_submit(
                    invitation=invitation, answers=serializer.validated_data["answers"], user=request.user
                )
            except ValidationError as error:
                if hasattr(error, "error_dict"):
                    raise exceptions.ValidationError({"answers": _error_details(error)}) from error
                return error_response(error.messages[0], error.code, _LINK_ERROR_STATUS.get(error.code, 400))
        invitation.refresh_from_db(fields=["answered_at"])
        return Response(SurveyOutput(invitation).data, status=status.HTTP_201_CREATED)


# Suggestions ------------------------------------------------------------------


class SuggestionCursorPagination(CursorPagination):
    ordering = ("-created_at", "-id")
    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 100


class SuggestionInput(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    category = serializers.ChoiceField(choices=SuggestionCategory.choices)
    body = serializers.CharField(max_length=services.COMMENT_MAX_LENGTH)


class SuggestionOutput(serializers.Serializer):
    """What the customer who sent it sees."""

    id = serializers.IntegerField()
    title = serializers.CharField()
    body = serializers.CharField()
    category = serializers.ChoiceField(choices=SuggestionCategory.choices)
    status = serializers.ChoiceField(choices=SuggestionStatus.choices)
    created_at = serializers.DateTimeField()


class StaffSuggestionOutput(SuggestionOutput):
    channel = serializers.ChoiceField(choices=Channel.choices)
    language = serializers.CharField()
    votes = serializers.IntegerField()
    duplicate_of = serializers.IntegerField(source="duplicate_of_id", allow_null=True)
    customer_email = serializers.EmailField(source="customer.email", default=None, allow_null=True)
    triage_note = serializers.CharField()
    updated_at = serializers.DateTimeField()


class SuggestionFilterInput(serializers.Serializer):
    status = serializers.ChoiceField(choices=SuggestionStatus.choices, required=False)
    category = serializers.ChoiceField(choices=SuggestionCategory.choices, required=False)


class SuggestionListCreateApi(APIView):
    permission_classes = [IsAuthenticated, TokenScopePermission]

    @extend_schema(
        operation_id="suggestions_list",
        parameters=[
            OpenApiParameter("status", str, OpenApiParameter.QUERY, enum=SuggestionStatus.values),
            OpenApiParameter("category", str, OpenApiParameter.QUERY, enum=SuggestionCategory.values),
        ],
        responses={200: paginated(StaffSuggestionOutput), **ERROR_RESPONSES},
        description=_("Staff: suggestions, newest first (duplicates carry `duplicate_of`)."),
    )
    def get(self, request):
        if not IsStaff().has_permission(request, self) or not request.user.has_perm("feedback.view_suggestion"):
            raise exceptions.PermissionDenied(_("You may not see suggestions."))
        filters = SuggestionFilterInput(data=request.query_params)
        filters.is_valid(raise_exception=True)
        suggestions = Suggestion.objects.select_related("customer").filter(**filters.validated_data)
        paginator = SuggestionCursorPagination()
        page = paginator.paginate_queryset(suggestions, request, view=self)
        return paginator.get_paginated_response(StaffSuggestionOutput(page, many=True).data)

    @extend_schema(
        operation_id="suggestions_create",
        request=SuggestionInput,
        responses={201: SuggestionOutput, **ERROR_RESPONSES},
        description=_("A customer sends a product or service suggestion."),
    )
    def post(self, request):
        customer = customer_for_user(user=request.user)
        if customer is None:
            raise exceptions.PermissionDenied(_("Only customers send suggestions here."))
        serializer = SuggestionInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        suggestion = services.suggestion_submit(
            **serializer.validated_data,
            channel=Channel.PORTAL,
            language=translation.get_language() or customer.language,
            customer=customer,
            submitted_by=request.user,
        )
        return Response(SuggestionOutput(suggestion).data, status=status.HTTP_201_CREATED)
