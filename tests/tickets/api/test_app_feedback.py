"""tickets.api.app_feedback: the wallet app files feedback for the customer its backend vouches for."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.factories import customer_token
from tickets.models import Channel, Customer, Ticket


@pytest.mark.django_db
class TestInAppFeedback:
    def test_the_app_creates_a_ticket_for_the_customer_its_backend_vouches_for(self, api, app_credentials):
        _key, plain, secret = app_credentials
        response = api.post(
            "/api/v1/app/feedback/",
            {"subject": "Crash", "body": "App closes", "app_version": "2.14.0", "os": "iOS 17",
             "logs": SimpleUploadedFile("app.log", b"boot ok\ncrash")},
            format="multipart",
            HTTP_X_APP_KEY=plain,
            HTTP_X_CUSTOMER_TOKEN=customer_token(secret, "New.User@Example.com", name="New User"),
        )  # fmt: skip

        assert response.status_code == 201, response.json()
        ticket = Ticket.objects.get(pk=response.json()["id"])
        assert ticket.channel == Channel.IN_APP
        assert ticket.customer.email == "new.user@example.com"
        assert ticket.app_version == "2.14.0"
        assert ticket.messages.get().attachments.get().filename == "app.log"

    @pytest.mark.parametrize("problem", ["expired", "wrong_secret", "no_token", "bad_key"])
    def test_bad_app_credentials_are_refused(self, api, app_credentials, problem):
        _key, plain, secret = app_credentials
        token = customer_token(secret, "a@example.com", expires_in=-10 if problem == "expired" else 300)
        if problem == "wrong_secret":
            token = customer_token("x" * 64, "a@example.com")
        headers = {"HTTP_X_APP_KEY": "sdapp_bad" if problem == "bad_key" else plain}
        if problem != "no_token":
            headers["HTTP_X_CUSTOMER_TOKEN"] = token
        response = api.post(
            "/api/v1/app/feedback/", {"subject": "x", "body": "y", "app_version": "1"}, format="json", **headers
        )
        assert response.status_code in (401, 403)
        assert not Customer.objects.filter(email="a@example.com").exists()

    def test_an_app_key_cannot_read_tickets(self, api, app_credentials):
        _key, plain, secret = app_credentials
        response = api.get(
            "/api/v1/tickets/", HTTP_X_APP_KEY=plain, HTTP_X_CUSTOMER_TOKEN=customer_token(secret, "a@example.com")
        )
        assert response.status_code in (401, 403)
