import pytest

from tests import factories
from tests.factories import token_client

pytestmark = pytest.mark.django_db


def test_customer_search_finds_by_email_or_name(supervisor, customer):
    factories.CustomerFactory(email="someone.else@example.com", name="Someone Else")

    response = token_client(supervisor).get("/api/v1/customers/", {"q": "  alice "})

    assert response.status_code == 200
    assert [row["email"] for row in response.json()["results"]] == [customer.email]


@pytest.mark.parametrize("query", ["6\x00x", "x" * 201])
def test_a_search_the_database_cannot_hold_is_a_field_error_not_a_crash(supervisor, query):
    # PostgreSQL text cannot contain NUL: unchecked, the search was a 500 (found by schemathesis).
    response = token_client(supervisor).get("/api/v1/customers/", {"q": query})

    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["q"]
