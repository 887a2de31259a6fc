"""Schemathesis against the live OpenAPI schema: no server errors, no schema violations.

Examples are bounded (max_examples per operation) so the run takes well under a
minute; the data set has tickets, messages, an attachment, a complaint, a
suggestion and a published article so that list and detail routes hit real
rows as well as missing ones.

Checked: no 5xx, status codes, content types, headers and response bodies
conform to the schema. The two input-strictness heuristics are left out:
`positive_data_acceptance` (a schema cannot say "an existing category slug" or
"a ticket you may see", so schema-valid requests are rightly refused with
400/404) and `negative_data_rejection` (DRF deliberately coerces 0 to "0" for a
string field; that is leniency, not a schema violation of our responses).
"""

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis import checks

from supportdesk.services import api_token_create
from tests import factories
from tickets import services
from tickets.models import Channel


@pytest.fixture
def web_schema(db):
    # As Django's test client does: a bare WSGIHandler closes "old" connections when a request starts and
    # finishes, which on PostgreSQL closes the test's transaction under the next request (SQLite's in-memory
    # test database ignores the close).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/schema/", WSGIHandler())
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def staff_headers(db):
    team = factories.TeamFactory()
    supervisor = factories.supervisor(teams=[team])
    tickets = [
        services.ticket_create(
            customer=factories.CustomerFactory(),
            subject=f"Fuzz {n}",
            body="body",
            channel=Channel.PORTAL,
            team=team,
            attachments=[factories.png_upload()],
        )
        for n in range(3)
    ]
    factories.complaint(ticket=tickets[0], actor=supervisor, stage="investigation")
    factories.SuggestionFactory(customer=tickets[0].customer)
    factories.kb_article(author=factories.administrator(), translations={"en": ("Fuzz", "Fuzz **body**")})
    _token, plain = api_token_create(user=supervisor, name="fuzz", scope="write")
    return {"Authorization": f"Bearer {plain}"}


schema = schemathesis.pytest.from_fixture("web_schema")


@schema.parametrize()
@settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_conforms_to_its_schema(case, staff_headers):
    case.call_and_validate(
        headers=staff_headers, excluded_checks=[checks.positive_data_acceptance, checks.negative_data_rejection]
    )
