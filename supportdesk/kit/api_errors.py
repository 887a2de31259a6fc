"""One error format for the whole API.

Services raise Django's ValidationError / PermissionDenied / Http404; DRF raises
its own. Every error leaves as:

    {"error": {"status": 400, "code": "invalid", "message": "…",
               "fields": {"subject": [{"message": "…", "code": "…"}]}}}
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler


def _django_validation_to_drf(error: DjangoValidationError) -> exceptions.ValidationError:
    if hasattr(error, "error_dict"):
        detail = {
            field: [exceptions.ErrorDetail(str(e.message % (e.params or {})), code=e.code or "invalid") for e in errors]
            for field, errors in error.error_dict.items()
        }
        return exceptions.ValidationError(detail)
    details = [
        exceptions.ErrorDetail(str(e.message % (e.params or {})), code=e.code or "invalid") for e in error.error_list
    ]
    return exceptions.ValidationError({"non_field_errors": details})


def api_exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        exc = _django_validation_to_drf(exc)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    response = exception_handler(exc, context)
    if response is None:
        return None
    response.data = {"error": _error_body(exc, response.status_code)}
    return response


def _error_body(exc: exceptions.APIException, status_code: int) -> dict:
    details = exc.get_full_details()
    if isinstance(exc, exceptions.ValidationError):
        if isinstance(details, list):
            details = {"non_field_errors": details}
        fields: dict[str, list[dict]] = {}
        _flatten(details, "", fields)
        first = next(iter(fields.values()), [{"message": "Invalid input."}])[0]
        return {"status": status_code, "code": "invalid", "message": first["message"], "fields": fields}
    return {"status": status_code, "code": details.get("code", "error"), "message": details.get("message", "")}


def _flatten(details, prefix: str, into: dict[str, list[dict]]) -> None:
    """Nested serializer errors ({"attachments": {0: [...]}}) become "attachments.0" entries."""
    if isinstance(details, dict) and set(details) == {"message", "code"}:
        into.setdefault(prefix or "non_field_errors", []).append(details)
    elif isinstance(details, dict):
        for key, value in details.items():
            _flatten(value, f"{prefix}.{key}" if prefix else str(key), into)
    elif isinstance(details, list):
        for index, value in enumerate(details):
            nested = isinstance(value, (dict, list)) and not (isinstance(value, dict) and "code" in value)
            _flatten(value, f"{prefix}.{index}" if nested else prefix, into)


def error_response(message: str, code: str, status_code: int = status.HTTP_400_BAD_REQUEST) -> Response:
    return Response({"error": {"status": status_code, "code": code, "message": message}}, status=status_code)


def validated_data(serializer_class, request) -> dict:
    """The request body checked by an input serializer; invalid input raises (answered in the one error format)."""
    serializer = serializer_class(data=request.data, context={"request": request})
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data
