"""Every API view says who may call it: no route falls back on the project-wide default permissions."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.views import APIView

from supportdesk.api_auth import StaffPermission
from tests import factories


def _api_views(patterns, prefix=""):
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from _api_views(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern):
            view_class = getattr(pattern.callback, "view_class", None) or getattr(pattern.callback, "cls", None)
            if view_class is not None and issubclass(view_class, APIView):
                yield route, view_class


def _declares(view_class, attribute: str) -> bool:
    return any(attribute in vars(klass) for klass in view_class.__mro__ if klass is not APIView)


def test_the_walk_finds_the_api():
    routes = dict(_api_views(get_resolver().url_patterns))

    assert len(routes) >= 20
    assert any(route.startswith("api/v1/tickets/") for route in routes)


def test_every_api_view_declares_its_permission_classes():
    undeclared = [
        route for route, view in _api_views(get_resolver().url_patterns) if not _declares(view, "permission_classes")
    ]

    assert undeclared == []


def test_every_api_view_with_a_required_permission_checks_it():
    for route, view in _api_views(get_resolver().url_patterns):
        if any(issubclass(permission, StaffPermission) for permission in view.permission_classes):
            assert getattr(view, "required_permission", ""), route


@pytest.mark.django_db
@pytest.mark.parametrize("route", ["/api/v1/customers/", "/api/v1/customers/{pk}/"])
def test_customer_routes_require_view_customer(route):
    customer = factories.CustomerFactory()
    staff = factories.UserFactory(is_staff=True)
    url = route.format(pk=customer.pk)

    refused = factories.token_client(staff).get(url)
    allowed = factories.token_client(factories.manager()).get(url)

    assert refused.status_code == 403
    assert allowed.status_code == 200
