"""Role × route matrix: every admin URL and every API operation, for every role, anonymous and a customer.

The expected answers come from tests/supportdesk/role_matrix.py (the role definitions plus the
declared exceptions); the routes come from the running project (admin.site.get_urls() with each
ModelAdmin's URLs, the OpenAPI schema), so a new route without a row fails here. Every admin URL
and API read is requested with GET; API writes are sent as POST with a valid body (the list in
role_matrix.API_ROUTES). Admin actions are checked as offered or not per role rather than
replayed: running one calls a service, which checks the permission again (tests/tickets/test_access.py).
"""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.urls import URLPattern, URLResolver, reverse
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from supportdesk.roles import STAFF_ROLES
from tests import factories
from tests.supportdesk import role_matrix as matrix
from tests.supportdesk.test_admin_site import OBJECT_BUILDERS
from tickets.models import Attachment, Tier

pytestmark = pytest.mark.django_db

LOGIN_URL = "/admin/login/"


def admin_routes() -> list[tuple[str, str | None]]:
    """(url name, model label or None) for every named admin URL, from admin.site.get_urls()."""
    by_prefix = {
        f"{model._meta.app_label}/{model._meta.model_name}/": model._meta.label for model in admin.site._registry
    }
    routes = []
    for pattern in admin.site.get_urls():
        if isinstance(pattern, URLResolver):
            label = by_prefix[str(pattern.pattern)]
            routes += [(inner.name, label) for inner in pattern.url_patterns if inner.name]
        elif isinstance(pattern, URLPattern) and pattern.name:
            routes.append((pattern.name, None))
    return routes


def api_operations() -> list[tuple[str, str]]:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return [(method.upper(), path) for path, operations in schema["paths"].items() for method in operations]


def model_kind(name: str, label: str) -> str | None:
    prefix = label.lower().replace(".", "_") + "_"
    kind = name.removeprefix(prefix)
    return kind if name.startswith(prefix) and kind in matrix.MODEL_URL_ACTIONS else None


def expected_admin(subject: str, name: str, label: str | None) -> str | None:
    """The declared answer, or None when no rule or row covers the URL."""
    if name in matrix.ADMIN_VIEWS:
        rule = matrix.ADMIN_VIEWS[name]
    elif name == "app_list":
        rule = "app_list"
    elif label and (kind := model_kind(name, label)):
        rule = matrix.MODEL_OVERRIDES.get((label, kind), matrix.model_permissions(label, kind))
        if label in matrix.STAFF_INBOXES and kind in ("change", "history") and subject in STAFF_ROLES:
            return matrix.ALLOW if subject == matrix.AGENT else matrix.HIDDEN
        scope = matrix.SCOPED_OBJECTS.get(label)
        if scope and kind in ("change", "history") and subject in STAFF_ROLES and matrix.role_may(subject, rule):
            own = subject == matrix.AGENT and label in matrix.OWN_RECORDS_OF_AGENT
            return matrix.ALLOW if own or matrix.role_may(subject, scope) else matrix.HIDDEN
    else:
        return None
    if rule == matrix.ANSWERED:
        return rule
    if subject not in STAFF_ROLES:
        return matrix.LOGIN
    if rule == matrix.STAFF:
        return matrix.ALLOW
    if rule == matrix.POST_ONLY:
        return matrix.POST_ONLY
    if rule == matrix.OWN_ONLY:
        return matrix.REDIRECTED if subject == matrix.AGENT else matrix.DENY
    if rule == matrix.NOBODY:
        return matrix.DENY
    if rule == "app_list":
        return matrix.ALLOW  # each app's index is asked for with an app the subject has models in
    return matrix.ALLOW if matrix.role_may(subject, rule) else matrix.DENY


def admin_answer(response) -> str:
    if response.status_code == 200:
        return matrix.ALLOW
    if response.status_code == 403:
        return matrix.DENY
    if response.status_code == 404:
        return matrix.NOT_FOUND
    if response.status_code == 405:
        return matrix.POST_ONLY
    if response.status_code == 302 and response["Location"].startswith(LOGIN_URL):
        return matrix.LOGIN
    if response.status_code == 302 and response["Location"] == reverse("admin:index"):
        return matrix.HIDDEN
    if response.status_code == 302:
        return matrix.REDIRECTED
    return f"{response.status_code} {response.get('Location', '')}".strip()


def api_answer(response) -> str:
    return {
        200: matrix.ALLOW,
        201: matrix.ALLOW,
        400: matrix.INVALID,
        401: matrix.LOGIN,
        403: matrix.DENY,
        404: matrix.NOT_FOUND,
    }.get(response.status_code, str(response.status_code))


@pytest.fixture
def world(team):
    """One of everything, and a user for each subject (staff in the ticket's team)."""
    users = {
        role: factories.staff_user(role, teams=[team], username=role.lower().replace(" ", "-")) for role in STAFF_ROLES
    }
    customer = factories.CustomerFactory(email="alice@example.com", user=factories.UserFactory(username="alice"))
    ticket = factories.ticket(customer=customer, team=team, attachments=[factories.png_upload()])
    context = {"customer": customer, "agent": users[matrix.AGENT], "ticket": ticket}
    objects = {label: build(context) for label, build in OBJECT_BUILDERS.items()}
    users[matrix.CUSTOMER] = customer.user
    spare_ticket = factories.ticket(customer=customer, team=team, subject="Fees charged twice")
    return {"users": users, "ticket": ticket, "spare_ticket": spare_ticket, "objects": objects, "customer": customer}


def admin_url(world, name: str, label: str | None, subject: str) -> str:
    objects = world["objects"]
    if label and model_kind(name, label) in ("change", "history", "delete"):
        return reverse(f"admin:{name}", args=[objects[label].pk])
    special = {
        "app_list": lambda: reverse("admin:app_list", args=["tickets"]),
        "view_on_site": lambda: reverse(
            "admin:view_on_site", args=[ContentType.objects.get_for_model(world["ticket"]).pk, world["ticket"].pk]
        ),
        "autocomplete": lambda: (
            reverse("admin:autocomplete") + "?app_label=tickets&model_name=ticket&field_name=customer"
        ),
        "auth_user_password_change": lambda: reverse(f"admin:{name}", args=[objects["supportdesk.User"].pk]),
        "tickets_customer_360": lambda: reverse(f"admin:{name}", args=[world["customer"].pk]),
        "tickets_inboundemail_raw": lambda: reverse(f"admin:{name}", args=[objects["tickets.InboundEmail"].pk]),
        "tickets_channelidentity_link": lambda: reverse(f"admin:{name}", args=[objects["tickets.ChannelIdentity"].pk]),
        "feedback_report_export": lambda: reverse(f"admin:{name}", args=["responses", "csv"]),
        "feedback_suggestionmonthlysummary_export": lambda: reverse(
            f"admin:{name}", args=[objects["feedback.SuggestionMonthlySummary"].pk]
        ),
        "knowledge_macro_apply": lambda: reverse(f"admin:{name}", args=[world["ticket"].pk]),
        "knowledge_macro_render": lambda: reverse(
            f"admin:{name}", args=[world["ticket"].pk, objects["knowledge.Macro"].pk]
        ),
        "tickets_inboundemail_make_ticket": lambda: reverse(f"admin:{name}", args=[objects["tickets.InboundEmail"].pk]),
        "tickets_ticket_exposure_step": lambda: reverse(f"admin:{name}", args=[world["ticket"].pk]),
        "tickets_chatsession_side": lambda: reverse(f"admin:{name}", args=[objects["tickets.ChatSession"].pk]),
        "tickets_notification_open": lambda: reverse(f"admin:{name}", args=[objects["tickets.Notification"].pk]),
        **{
            page: lambda: reverse(f"admin:{name}", args=[objects["privacy.ErasureRequest"].pk])
            for page in ("privacy_erasurerequest_confirm", "privacy_erasurerequest_certificate")
        },
        "privacy_accessrequest_download": lambda: reverse(f"admin:{name}", args=[objects["privacy.AccessRequest"].pk]),
        "tickets_ticket_send_verification": lambda: reverse(f"admin:{name}", args=[world["ticket"].pk]),
        "tickets_ticket_sensitive_action": lambda: reverse(f"admin:{name}", args=[world["ticket"].pk]),
        "tickets_ticket_onchain_check": lambda: reverse(f"admin:{name}", args=[world["ticket"].pk]),
        # "My training": the subject's own page
        "training_trainingassignment_agent": lambda: reverse(
            f"admin:{name}", args=[world["users"].get(subject, world["users"][matrix.AGENT]).pk]
        ),
    }
    return special[name]() if name in special else reverse(f"admin:{name}")


def api_path(world, path: str) -> str:
    ids = {
        "/api/v1/tickets/{id}/complaint/": world["spare_ticket"].pk,
        "/api/v1/attachments/{id}/": Attachment.objects.filter(message__ticket=world["ticket"]).get().pk,
        "/api/v1/customers/{id}/": world["customer"].pk,
        "/api/v1/complaints/{id}/": world["objects"]["tickets.Complaint"].pk,
    }
    identifier = next((value for prefix, value in ids.items() if path.startswith(prefix.removesuffix("{id}/"))), None)
    path = path.replace("{id}", str(identifier or world["ticket"].pk))
    path = path.replace("{slug}", world["objects"]["knowledge.Article"].slug)
    return path.replace("{token}", "not-a-survey-link")


def api_payload(world, method: str, path: str, subject: str) -> dict:
    payloads = {
        "/api/v1/tickets/": {"subject": "Cannot swap", "body": "Swap fails."}
        | ({"customer_email": "bob@example.com"} if subject in STAFF_ROLES else {}),
        "/api/v1/tickets/{id}/messages/": {"body": "Looking into it."},
        "/api/v1/tickets/{id}/status/": {"status": "open"},
        "/api/v1/tickets/{id}/assign/": {"assignee": None},
        "/api/v1/tickets/{id}/sensitive-actions/": {"action": "account_recovery"},
        "/api/v1/tickets/{id}/complaint/": {"subject": "fees", "body": "Charged twice."},
        "/api/v1/complaints/{id}/stage/": {"stage": "investigation"},
        "/api/v1/complaints/{id}/respond/": {"resolved": True},
        "/api/v1/suggestions/": {"title": "Dark mode", "category": "product_feature", "body": "Dark mode, please."},
        "/api/v1/surveys/{token}/responses/": {"answers": {}},
        "/api/v1/app/feedback/": {"subject": "Hi", "body": "Hello"},
    }
    return payloads[path] if method == "POST" else {}


def test_every_admin_url_answers_each_subject_as_the_matrix_says(client, world):
    """All subjects in one test: the pages are only read, so they share one set of objects."""
    mismatches = []
    for subject in matrix.SUBJECTS:
        client.logout()
        if subject != matrix.ANONYMOUS:
            client.force_login(world["users"][subject])
        for name, label in admin_routes():
            expected = expected_admin(subject, name, label)
            url = admin_url(world, name, label, subject)
            response = client.get(url)
            if expected is None:
                mismatches.append(f"{url} ({name}): no row in role_matrix")
            elif expected == matrix.ANSWERED:
                assert response.status_code < 500, url
            elif admin_answer(response) != expected:
                mismatches.append(f"{subject}: {url}: expected {expected}, got {admin_answer(response)}")

    assert not mismatches, "\n".join(mismatches)


@pytest.mark.parametrize("subject", matrix.SUBJECTS)
def test_every_api_operation_answers_each_subject_as_the_matrix_says(world, subject):
    client = APIClient()
    if subject != matrix.ANONYMOUS:
        client.force_login(world["users"][subject])
    world["ticket"].tier = Tier.L1
    mismatches = []
    # Reads first, then the writes in the table's order, so a write never changes what a read finds.
    operations = sorted(api_operations(), key=lambda operation: operation[0] != "GET")
    rows = list(matrix.API_ROUTES)
    operations.sort(key=lambda operation: rows.index(operation) if operation in rows else -1)
    for method, path in operations:
        row = matrix.API_ROUTES.get((method, path))
        if row is None:
            mismatches.append(f"{method} {path}: no row in role_matrix")
            continue
        url = api_path(world, path)
        payload = api_payload(world, method, path, subject)
        response = client.get(url) if method == "GET" else client.post(url, payload, format="json")
        if api_answer(response) != row[subject]:
            mismatches.append(f"{subject}: {method} {url}: expected {row[subject]}, got {api_answer(response)}")

    assert not mismatches, "\n".join(mismatches)


def test_every_admin_action_is_offered_to_the_roles_the_matrix_names(rf, world):
    """Actions are offered (get_actions) by permission; the services behind them check it again when run."""
    mismatches = []
    for model, model_admin in admin.site._registry.items():
        for action in model_admin.actions or ():
            name = getattr(action, "__name__", action)
            key = (model._meta.label, name)
            if key not in matrix.ADMIN_ACTIONS:
                mismatches.append(f"{key}: no row in role_matrix")
                continue
            for role in STAFF_ROLES:
                request = rf.get("/admin/")
                request.user = world["users"][role]
                # offered on a changelist the role can open (allauth's make_verified has no permission of its own)
                offered = name in model_admin.get_actions(request) and model_admin.has_view_or_change_permission(
                    request
                )
                if offered != matrix.role_may(role, matrix.ADMIN_ACTIONS[key]):
                    mismatches.append(f"{role}: {key} offered={offered}")

    assert not mismatches, "\n".join(mismatches)


def test_every_route_has_a_row_and_no_row_outlives_its_route():
    admin_names = {name for name, _label in admin_routes()}
    operations = set(api_operations())

    assert set(matrix.ADMIN_VIEWS) <= admin_names
    assert set(matrix.API_ROUTES) == operations
