from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from supportdesk.health import database_status, queue_status


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database and the job queue answer, 503 otherwise."""
    database = database_status()
    queue = queue_status() if database["ok"] else {"ok": False, "error": "database unavailable"}
    healthy = database["ok"] and queue["ok"]
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", "database": database, "queue": queue},
        status=200 if healthy else 503,
    )


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """API paths answer 404 in the API's error format; everything else gets the normal page."""
    if request.path.startswith("/api/"):
        return JsonResponse({"error": {"status": 404, "code": "not_found", "message": "Not found."}}, status=404)
    return defaults.page_not_found(request, exception)
