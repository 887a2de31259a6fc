"""OpenAPI building blocks shared by every app's API: the error format, pagination envelope, filter sets."""

from __future__ import annotations

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, inline_serializer
from rest_framework import serializers


class ErrorDetailOutput(serializers.Serializer):
    message = serializers.CharField()
    code = serializers.CharField()


class ErrorBodyOutput(serializers.Serializer):
    status = serializers.IntegerField()
    code = serializers.CharField()
    message = serializers.CharField(allow_blank=True)
    fields = serializers.DictField(child=serializers.ListField(child=ErrorDetailOutput()), required=False)


class ErrorOutput(serializers.Serializer):
    """The one error format of the API (supportdesk.kit.api_errors)."""

    error = ErrorBodyOutput()


# The error responses every endpoint documents (each view adds its success responses).
ERROR_RESPONSES = {
    400: OpenApiResponse(ErrorOutput, description=_("Invalid input: field and non-field errors with codes.")),
    401: OpenApiResponse(ErrorOutput, description=_("Not authenticated.")),
    403: OpenApiResponse(ErrorOutput, description=_("Not allowed for this user or token scope.")),
    404: OpenApiResponse(ErrorOutput, description=_("Not found, or not visible to you.")),
    405: OpenApiResponse(ErrorOutput, description=_("Method not allowed.")),
    429: OpenApiResponse(ErrorOutput, description=_("Too many requests.")),
}


def paginated(serializer_class) -> serializers.Serializer:
    """The cursor-paginated envelope around a list of `serializer_class`."""
    return inline_serializer(
        f"Paginated{serializer_class.__name__.removesuffix('Output')}List",
        {
            "next": serializers.URLField(allow_null=True),
            "previous": serializers.URLField(allow_null=True),
            "results": serializer_class(many=True),
        },
    )


_FILTER_TYPES = {
    "DateTimeFilter": OpenApiTypes.DATETIME,
    django_filters.NumberFilter: OpenApiTypes.NUMBER,
    django_filters.BooleanFilter: OpenApiTypes.BOOL,
}


def filter_parameters(filterset_class) -> list[OpenApiParameter]:
    """Query parameters of a FilterSet, for views that apply it by hand."""
    parameters = []
    for name, field in filterset_class.base_filters.items():
        choices = field.extra.get("choices")
        parameters.append(
            OpenApiParameter(
                name,
                OpenApiTypes.INT
                if isinstance(field.field_class(), forms.IntegerField)
                else _FILTER_TYPES.get(type(field), _FILTER_TYPES.get(type(field).__name__, OpenApiTypes.STR)),
                OpenApiParameter.QUERY,
                enum=[value for value, _label in choices] if choices else None,
                many=isinstance(field, django_filters.MultipleChoiceFilter),
                description=str(field.label or ""),
            )
        )
    return parameters
