from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.crypto import constant_time_compare
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from supportdesk.health import cache_status, database_status, queue_status, storage_status, workers_status


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """200 while the database answers, 503 otherwise: without it no page works, so the load balancer should
    stop sending traffic here.

    Everything else degrades without taking the site down (a Redis outage leaves the cache empty and jobs
    waiting; outbound mail waits in the database): anonymous callers see "ok", staff and monitors that send
    `X-Health-Token: <HEALTHZ_TOKEN>` see "degraded" and the checks — job queue (broker), cache, storage and
    worker heartbeat — each with its own "ok".
    """
    database = database_status()
    healthy = database["ok"]
    body = {"status": "ok" if healthy else "unavailable"}
    if _may_see_health_details(request):
        queue = queue_status() if healthy else {"ok": False, "error": "database unavailable"}
        checks = {"queue": queue, "cache": cache_status(), "storage": storage_status(), "workers": workers_status()}
        if healthy and not all(check["ok"] for check in checks.values()):
            body["status"] = "degraded"
        body.update(database=database, **checks)
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
