from datetime import timedelta
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone

from feedback.models import Suggestion, SurveyInvitation, SurveyResponse
from feedback.tokens import survey_token
from tests import factories

GOOD_ANSWERS = {"overall": "4", "attitude": "5", "speed": "4", "professionalism": "4", "solved": "yes", "comment": "好"}


def survey_path(invitation) -> str:
    return reverse("feedback:survey", args=[survey_token(invitation.key)])


@pytest.fixture
def invitation(db):
    return factories.SurveyInvitationFactory()


def test_the_survey_page_works_without_login_and_lists_the_questions(client, invitation):
    response = client.get(survey_path(invitation))

    assert response.status_code == 200
    assert response["Cache-Control"].startswith("max-age=0")
    page = response.content.decode()
    assert '<meta charset="utf-8">' in page and 'name="viewport"' in page
    for field in ("overall", "attitude", "speed", "professionalism", "solved", "comment"):
        assert f'name="{field}"' in page
    assert invitation.ticket.reference in page


def test_the_survey_page_speaks_the_invitations_language(client, db):
    invitation = factories.SurveyInvitationFactory(language="zh-hans")

    page = client.get(survey_path(invitation)).content.decode()

    assert "您的问题解决了吗？" in page
    assert '<html lang="zh-hans"' in page


def test_answering_records_the_response_then_the_link_is_spent(client, invitation):
    path = survey_path(invitation)

    response = client.post(path, GOOD_ANSWERS)

    assert response.status_code == 302
    saved = SurveyResponse.objects.get()
    assert (saved.invitation, saved.overall, saved.comment, saved.problem_solved) == (invitation, 4, "好", True)
    again = client.post(path, {**GOOD_ANSWERS, "overall": "1"})
    assert again.status_code == 200
    assert "Thank you for your feedback" in again.content.decode()
    assert SurveyResponse.objects.get().overall == 4


def test_missing_required_answer_shows_a_field_error_and_saves_nothing(client, invitation):
    response = client.post(survey_path(invitation), {**GOOD_ANSWERS, "overall": ""})

    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    assert not SurveyResponse.objects.exists()


def test_a_tampered_link_is_not_found(client, invitation):
    token = survey_token(invitation.key)

    response = client.get(reverse("feedback:survey", args=[token[:-2] + "xx"]))

    assert response.status_code == 404
    assert client.post(reverse("feedback:survey", args=["made-up"]), GOOD_ANSWERS).status_code == 404
    assert not SurveyResponse.objects.exists()


def test_a_link_to_a_deleted_invitation_is_not_found(client, invitation):
    path = survey_path(invitation)
    SurveyInvitation.objects.filter(pk=invitation.pk).update(key="00000000-0000-0000-0000-000000000000")

    assert client.get(path).status_code == 404


def test_an_expired_invitation_cannot_be_answered(client, invitation):
    SurveyInvitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(minutes=1))

    response = client.post(survey_path(invitation), GOOD_ANSWERS)

    assert response.status_code == 410
    assert not SurveyResponse.objects.exists()


def test_an_old_signature_is_expired_even_if_the_row_was_extended(client, invitation, settings):
    token = survey_token(invitation.key)
    later = timezone.now() + timedelta(days=settings.FEEDBACK_SURVEY_LINK_DAYS + 1)

    with mock.patch("django.core.signing.time.time", return_value=later.timestamp()):
        response = client.get(reverse("feedback:survey", args=[token]))

    assert response.status_code == 410


def test_a_token_answers_only_its_own_ticket(client, invitation):
    other = factories.SurveyInvitationFactory()

    client.post(survey_path(other), GOOD_ANSWERS)

    assert SurveyResponse.objects.get().invitation == other
    invitation.refresh_from_db()
    assert invitation.answered_at is None


def test_the_survey_page_refuses_other_methods(client, invitation):
    assert client.put(survey_path(invitation)).status_code == 405


# Portal pages for signed-in customers ---------------------------------------


def test_suggestion_form_needs_a_login(client, db):
    response = client.get(reverse("feedback:suggestion_new"))

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_staff_cannot_use_the_customer_suggestion_form(client, agent):
    client.force_login(agent)

    assert client.get(reverse("feedback:suggestion_new")).status_code == 403


def test_a_customer_submits_a_suggestion(client, customer):
    client.force_login(customer.user)
    path = reverse("feedback:suggestion_new")

    assert client.get(path).status_code == 200
    response = client.post(path, {"title": "Dark mode", "category": "usability", "body": "At night please"})

    assert response.status_code == 302
    suggestion = Suggestion.objects.get()
    assert (suggestion.customer, suggestion.channel, suggestion.submitted_by) == (customer, "portal", customer.user)
    assert client.delete(path).status_code == 405


def test_an_invalid_suggestion_shows_field_errors(client, customer):
    client.force_login(customer.user)

    response = client.post(reverse("feedback:suggestion_new"), {"title": "", "category": "x", "body": ""})

    assert response.status_code == 200
    assert response.content.decode().count('class="errorlist') == 3
    assert not Suggestion.objects.exists()


def test_a_customer_sees_only_their_own_pending_surveys(client, customer, other_customer):
    mine = factories.SurveyInvitationFactory(ticket__customer=customer)
    factories.SurveyInvitationFactory(ticket__customer=other_customer)
    factories.SurveyInvitationFactory(ticket__customer=customer, answered_at=timezone.now())
    client.force_login(customer.user)

    page = client.get(reverse("feedback:my_surveys")).content.decode()

    assert page.count("/portal/survey/") == 1
    assert mine.ticket.reference in page
