"""tickets.api.filters: the ticket list's query-string filters refuse what the database cannot hold."""

import pytest

from tests.factories import token_client


@pytest.mark.django_db
def test_invalid_filter_values_are_field_errors(supervisor):
    response = token_client(supervisor).get("/api/v1/tickets/?status=bogus&team=x")
    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"status", "team"}


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/tickets/?team=439452294783231376862608745299968",
        "/api/v1/tickets/?assignee=99999999999999999999",
        "/api/v1/tickets/99999999999999999999999/",
        "/api/v1/attachments/99999999999999999999999/download/",
    ],
)
def test_ids_too_large_for_the_database_are_a_client_error_not_a_crash(supervisor, url):
    response = token_client(supervisor).get(url)

    assert response.status_code in (400, 404)
    assert response.json()["error"]["status"] == response.status_code


@pytest.mark.django_db
def test_a_reference_too_long_to_be_an_id_is_searched_as_text(supervisor):
    response = token_client(supervisor).get("/api/v1/tickets/?q=SD-99999999999999999999999")

    assert response.status_code == 200
    assert response.json()["results"] == []


def test_date_filters_accept_any_iso_offset_and_refuse_overflowing_dates(supervisor):
    client = token_client(supervisor)
    # found by schemathesis on PostgreSQL, which refuses offsets beyond ±15:59 (a 500 before)
    assert client.get("/api/v1/tickets/?created_after=2781-09-04T11:10:06-23:26").status_code == 200
    response = client.get("/api/v1/tickets/?created_before=9999-12-31T23:00:00-05:00")
    assert response.status_code == 400
    assert response.json()["error"]["fields"]["created_before"][0]["code"] == "invalid"
