from datetime import timedelta

import pytest
from django.utils import timezone

from feedback.models import Suggestion, SurveyInvitation, SurveyResponse
from feedback.tokens import survey_token
from supportdesk.models import ApiScope
from tests import factories
from tests.factories import token_client

ANSWERS = {"overall": 4, "attitude": 5, "speed": 4, "professionalism": 4, "solved": True, "comment": "好"}


def survey_url(invitation, suffix: str = "") -> str:
    return f"/api/v1/surveys/{survey_token(invitation.key)}/{suffix}"


@pytest.fixture
def invitation(db):
    return factories.SurveyInvitationFactory()


def _codes(response) -> dict[str, str]:
    return {field: items[0]["code"] for field, items in response.json()["error"]["fields"].items()}


class TestSurveys:
    def test_the_link_shows_the_questions_without_login(self, api, invitation):
        body = api.get(survey_url(invitation)).json()

        assert body["ticket_reference"] == invitation.ticket.reference
        assert body["answered_at"] is None
        assert {q["field"] for q in body["questions"]} >= {"overall", "solved", "comment"}
        assert (body["rating_min"], body["rating_max"]) == (1, 5)

    def test_questions_are_in_the_invitations_language(self, api, db):
        invitation = factories.SurveyInvitationFactory(language="zh-hans")

        questions = api.get(survey_url(invitation)).json()["questions"]

        assert "您的问题解决了吗？" in [q["text"] for q in questions]

    def test_answering_records_the_response_once(self, api, invitation):
        response = api.post(survey_url(invitation, "responses/"), {"answers": ANSWERS}, format="json")

        assert response.status_code == 201
        assert response.json()["answered_at"] is not None
        saved = SurveyResponse.objects.get()
        assert (saved.overall, saved.problem_solved, saved.comment) == (4, True, "好")
        again = api.post(survey_url(invitation, "responses/"), {"answers": ANSWERS}, format="json")
        assert again.status_code == 409
        assert again.json()["error"]["code"] == "survey_already_answered"
        assert SurveyResponse.objects.count() == 1

    def test_bad_answers_are_field_errors_and_nothing_is_saved(self, api, invitation):
        response = api.post(
            survey_url(invitation, "responses/"), {"answers": {**ANSWERS, "overall": 9, "speed": "x"}}, format="json"
        )

        assert response.status_code == 400
        assert _codes(response) == {"answers.overall": "invalid_answer", "answers.speed": "invalid_answer"}
        missing = api.post(survey_url(invitation, "responses/"), {"answers": {"comment": "hi"}}, format="json")
        assert _codes(missing)["answers.overall"] == "answer_required"
        assert api.post(survey_url(invitation, "responses/"), {}, format="json").status_code == 400
        assert not SurveyResponse.objects.exists()

    def test_an_expired_invitation_is_gone(self, api, invitation):
        SurveyInvitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(minutes=1))

        for response in (
            api.get(survey_url(invitation)),
            api.post(survey_url(invitation, "responses/"), {"answers": ANSWERS}, format="json"),
        ):
            assert response.status_code == 410
            assert response.json()["error"]["code"] == "survey_expired"
        assert not SurveyResponse.objects.exists()

    def test_tampered_or_unknown_links_are_404(self, api, invitation):
        token = survey_token(invitation.key)

        for url in (f"/api/v1/surveys/{token[:-2]}xx/", "/api/v1/surveys/nope/", "/api/v1/surveys/a:b:c/responses/"):
            response = api.get(url) if not url.endswith("responses/") else api.post(url, {}, format="json")
            assert response.status_code == 404, url

    def test_a_read_only_token_cannot_answer(self, agent, invitation):
        client = token_client(agent, ApiScope.READ)

        assert client.post(survey_url(invitation, "responses/"), {"answers": ANSWERS}, format="json").status_code == 403


class TestSuggestions:
    def test_a_customer_sends_a_suggestion(self, api, customer):
        api.force_authenticate(customer.user)

        response = api.post(
            "/api/v1/suggestions/", {"title": " Dark  mode ", "category": "usability", "body": "Please"}, format="json"
        )

        assert response.status_code == 201
        saved = Suggestion.objects.get()
        assert (saved.title, saved.customer, saved.submitted_by, saved.channel) == (
            "Dark mode",
            customer,
            customer.user,
            "portal",
        )
        assert response.json()["status"] == "new"
        assert "votes" not in response.json()

    def test_invalid_suggestions_are_field_errors(self, api, customer):
        api.force_authenticate(customer.user)

        response = api.post("/api/v1/suggestions/", {"title": "", "category": "weather", "body": "x"}, format="json")

        assert response.status_code == 400
        assert _codes(response) == {"title": "blank", "category": "invalid_choice"}
        assert not Suggestion.objects.exists()

    def test_staff_cannot_send_and_customers_cannot_list(self, api, customer, agent):
        assert (
            token_client(agent)
            .post("/api/v1/suggestions/", {"title": "T", "category": "other", "body": "b"}, format="json")
            .status_code
            == 403
        )
        api.force_authenticate(customer.user)
        assert api.get("/api/v1/suggestions/").status_code == 403
        api.force_authenticate(None)
        assert api.get("/api/v1/suggestions/").status_code in (401, 403)

    def test_staff_list_newest_first_with_filters(self, agent, customer):
        older = factories.SuggestionFactory(customer=customer, category="fees")
        newer = factories.SuggestionFactory(status="planned")
        client = token_client(agent, ApiScope.READ)

        rows = client.get("/api/v1/suggestions/").json()["results"]
        planned = client.get("/api/v1/suggestions/?status=planned").json()["results"]

        assert [row["id"] for row in rows] == [newer.pk, older.pk]
        assert rows[1]["customer_email"] == customer.email
        assert [row["id"] for row in planned] == [newer.pk]
        assert client.get("/api/v1/suggestions/?status=maybe").status_code == 400


@pytest.mark.django_db
@pytest.mark.parametrize("rows", [1, 20])
def test_suggestion_list_query_count_does_not_grow_with_rows(rows, supervisor, django_assert_num_queries):
    for _n in range(rows):
        factories.SuggestionFactory(customer=factories.CustomerFactory())
    client = token_client(supervisor)
    # token, last-used touch, permissions (view_suggestion, one query), the page with customers
    with django_assert_num_queries(4):
        response = client.get("/api/v1/suggestions/?page_size=100")
    assert len(response.json()["results"]) == rows
