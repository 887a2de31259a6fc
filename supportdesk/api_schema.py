"""OpenAPI descriptions of our authentication schemes and filter sets (drf-spectacular)."""

from __future__ import annotations

import django_filters
from django import forms
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, inline_serializer
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
    """The one error format of the API (supportdesk.api_errors)."""

    error = ErrorBodyOutput()


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


class StaffTokenScheme(OpenApiAuthenticationExtension):
    target_class = "supportdesk.api_auth.StaffTokenAuthentication"
    name = "staffToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "Staff integration token `sdt_…` (created in admin, read or write scope).",
        }


class AppKeyScheme(OpenApiAuthenticationExtension):
    target_class = "supportdesk.api_auth.AppKeyAuthentication"
    name = ["appKey", "customerToken"]

    def get_security_requirement(self, auto_schema):
        return {"appKey": [], "customerToken": []}

    def get_security_definition(self, auto_schema):
        return [
            {"type": "apiKey", "in": "header", "name": "X-App-Key", "description": "The wallet app's key `sdapp_…`."},
            {
                "type": "apiKey",
                "in": "header",
                "name": "X-Customer-Token",
                "description": "HS256 JWT from the wallet backend, signed with the app key's signing secret; "
                "claims: sub (customer email, required), exp (required), name (optional).",
            },
        ]


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
