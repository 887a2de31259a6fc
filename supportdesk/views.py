from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.crypto import constant_time_compare
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from supportdesk.health import database_status, queue_status


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database and the job queue answer, 503 otherwise.

    Anyone gets the status; the details (database vendor, broker, queue length, errors) only staff
    and monitors that send `X-Health-Token: <HEALTHZ_TOKEN>`.
    """
    database = database_status()
    queue = queue_status() if database["ok"] else {"ok": False, "error": "database unavailable"}
    healthy = database["ok"] and queue["ok"]
    body = {"status": "ok" if healthy else "unavailable"}
    if _may_see_health_details(request):
        body.update(database=database, queue=queue)
    return JsonResponse(body, status=200 if healthy else 503)


def _may_see_health_details(request: HttpRequest) -> bool:
    if request.user.is_authenticated and request.user.is_staff:
        return True
    token = request.headers.get("X-Health-Token", "")
    return bool(settings.HEALTHZ_TOKEN) and constant_time_compare(token, settings.HEALTHZ_TOKEN)


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """API paths answer 404 in the API's error format; everything else gets the normal page."""
    if request.path.startswith("/api/"):
        return JsonResponse({"error": {"status": 404, "code": "not_found", "message": "Not found."}}, status=404)
    return defaults.page_not_found(request, exception)
