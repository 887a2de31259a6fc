"""JSON log lines that carry the request id and the signed-in user's id.

RequestContextFilter copies both from the current request (bound by
supportdesk.observability.RequestObservabilityMiddleware) onto every record; JsonFormatter writes one
JSON object per line. The message is already redacted by supportdesk.log_redaction's filter, which sits
on the same handler before this formatter runs; no request data beyond the id, the user's id, the method,
the path (without query string), the view, the status and the duration is ever added.
"""

from __future__ import annotations

import contextvars
import json
import logging
from datetime import UTC, datetime

from django.utils.functional import SimpleLazyObject

current_request = contextvars.ContextVar("supportdesk_request", default=None)


def bind_request(request, request_id: str) -> None:
    request.request_id = request_id
    current_request.set(request)


def _user_id(request) -> int | None:
    """The user's id if authentication already ran: never triggers a session lookup from a log call."""
    user = request.__dict__.get("user")
    if user is None or isinstance(user, SimpleLazyObject):
        user = request.__dict__.get("_cached_user")
    if user is None or not user.is_authenticated:
        return None
    return user.pk


class RequestContextFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        request = current_request.get()
        record.request_id = getattr(request, "request_id", None) if request is not None else None
        record.user_id = _user_id(request) if request is not None else None
        return True


# Extra fields a log call may pass (extra={...}) that are written as JSON keys.
EXTRA_FIELDS = ("method", "path", "view", "status", "duration_ms", "task")


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None),
            "user_id": getattr(record, "user_id", None),
        }
        entry.update({name: getattr(record, name) for name in EXTRA_FIELDS if hasattr(record, name)})
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            entry["exception"] = record.exc_text
        return json.dumps(entry, ensure_ascii=False, default=str)
