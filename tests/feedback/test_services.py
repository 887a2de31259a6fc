from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from feedback import services
from feedback.models import (
    FollowUpStatus,
    InvitationReason,
    SurveyFollowUp,
    SurveyInvitation,
    SurveyResponse,
    SurveyTemplate,
)
from tests import factories
from tickets import services as ticket_services
from tickets.email.models import DeliveryStatus, OutboundEmail, OutboundKind
from tickets.email.services.outbound import reply_to_address
from tickets.models import Channel


def survey_mails() -> list:
    """Survey invitations only: the ticket's own notifications (acknowledgement, solved) go out too."""
    return [message for message in mail.outbox if "/portal/survey/" in message.body]


def test_it_invites_the_customer_when_a_ticket_is_solved_and_emails_the_link(handled_ticket, solve, agent, team):
    solve(handled_ticket)

    invitation = SurveyInvitation.objects.get()
    assert (invitation.ticket, invitation.agent, invitation.team) == (handled_ticket, agent, team)
    assert invitation.reason == InvitationReason.TICKET_SOLVED
    assert invitation.expires_at - invitation.created_at == timedelta(days=28)
    assert invitation.emailed_at is not None
    [message] = survey_mails()
    assert message.to == ["alice@example.com"]
    assert "SD-" in message.subject
    assert "/portal/survey/" in message.body
    html, _mime = message.alternatives[0]
    assert '<meta charset="utf-8">' in html and "/portal/survey/" in html
    # On the ticket's email thread: a reply to the survey mail lands on the ticket.
    outbound = OutboundEmail.objects.get(kind=OutboundKind.SURVEY)
    assert (outbound.ticket, outbound.status) == (handled_ticket, DeliveryStatus.SENT)
    assert message.extra_headers["Message-ID"] == f"<{outbound.message_id}>"
    assert message.reply_to == [reply_to_address(handled_ticket)]
    # The stored copy (shown to agents in the admin) has a placeholder, never the working link.
    assert "/portal/survey/" not in outbound.body_text + outbound.body_html
    assert "[customer link]" in outbound.body_text and "[customer link]" in outbound.body_html
    assert outbound.customer_link == ""


def test_it_writes_the_email_in_the_customers_language(handled_ticket, solve, customer):
    customer.language = "zh-hans"
    customer.save(update_fields=["language"])

    solve(handled_ticket)

    assert SurveyInvitation.objects.get().language == "zh-hans"
    assert survey_mails()[0].to == ["alice@example.com"]


def test_it_sends_nothing_when_the_solve_is_rolled_back(handled_ticket, django_capture_on_commit_callbacks, agent):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        ticket_services.ticket_change_status(ticket=handled_ticket, status="solved", actor=agent)

    assert not SurveyInvitation.objects.exists()  # the ticket_solved signal waits for the commit
    for callback in callbacks:
        callback()
    assert SurveyInvitation.objects.count() == 1


def test_it_does_not_invite_for_a_ticket_merged_away(
    handled_ticket, customer, agent, team, django_capture_on_commit_callbacks
):
    target = ticket_services.ticket_create(
        customer=customer, subject="Same problem", body="Again", channel=Channel.EMAIL, team=team
    )
    with django_capture_on_commit_callbacks(execute=True):
        ticket_services.ticket_merge(source=handled_ticket, target=target, actor=agent)

    assert not SurveyInvitation.objects.exists()
    handled_ticket.refresh_from_db()
    assert services.survey_invitation_create(ticket=handled_ticket) is None


def test_it_creates_one_invitation_per_resolution(handled_ticket, solve):
    solve(handled_ticket)
    handled_ticket.refresh_from_db()

    assert services.survey_invitation_create(ticket=handled_ticket) is None
    assert SurveyInvitation.objects.count() == 1


def test_it_throttles_invitations_per_customer(handled_ticket, solve, customer, agent, team, settings):
    settings.FEEDBACK_SURVEY_THROTTLE_DAYS = 7
    solve(handled_ticket)
    second = ticket_services.ticket_create(
        customer=customer, subject="Other", body="x", channel=Channel.EMAIL, team=team
    )

    solve(second)

    assert SurveyInvitation.objects.count() == 1
    SurveyInvitation.objects.update(created_at=timezone.now() - timedelta(days=8))
    reopened = ticket_services.ticket_change_status(ticket=second, status="open", actor=agent)
    solve(reopened)
    assert SurveyInvitation.objects.filter(ticket=second).count() == 1


def test_it_invites_again_after_a_reopen_when_the_throttle_is_off(handled_ticket, solve, agent, settings):
    settings.FEEDBACK_SURVEY_THROTTLE_DAYS = 0
    solve(handled_ticket)
    ticket = ticket_services.ticket_change_status(ticket=handled_ticket, status="open", actor=agent)

    solve(ticket)

    assert SurveyInvitation.objects.filter(ticket=handled_ticket).count() == 2


def test_it_is_callable_for_complaint_closure(handled_ticket, django_capture_on_commit_callbacks):
    closed_at = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        invitation = services.survey_invitation_create(
            ticket=handled_ticket, reason=InvitationReason.COMPLAINT_CLOSED, resolved_at=closed_at
        )

    assert invitation.reason == InvitationReason.COMPLAINT_CLOSED
    assert invitation.resolved_at == closed_at
    assert len(survey_mails()) == 1


def test_it_picks_the_most_specific_active_template(handled_ticket, solve):
    category = factories.CategoryFactory()
    by_channel = SurveyTemplate.objects.create(name="Email", channel=Channel.EMAIL)
    SurveyTemplate.objects.create(name="Inactive, by category", category=category, is_active=False)
    handled_ticket.category = category
    handled_ticket.save(update_fields=["category"])

    solve(handled_ticket)

    assert SurveyInvitation.objects.get().template == by_channel


def test_the_email_task_is_idempotent(handled_ticket, solve):
    solve(handled_ticket)
    invitation = SurveyInvitation.objects.get()

    assert services.survey_invitation_email(invitation_id=invitation.pk) is False
    assert len(survey_mails()) == 1


# Responses --------------------------------------------------------------------

ANSWERS = {"overall": 5, "attitude": 4, "speed": 3, "professionalism": 5, "solved": "yes", "comment": " 谢谢! "}


@pytest.fixture
def invitation(handled_ticket, solve):
    solve(handled_ticket)
    return SurveyInvitation.objects.get()


def test_it_records_answers_once_against_the_ticket_agent_and_team(invitation, agent, team):
    response = services.survey_response_submit(invitation=invitation, answers=ANSWERS)

    assert (response.overall, response.attitude, response.speed, response.professionalism) == (5, 4, 3, 5)
    assert response.problem_solved is True
    assert response.comment == "谢谢!"
    invitation.refresh_from_db()
    assert invitation.answered_at == response.submitted_at
    with pytest.raises(ValidationError) as error:
        services.survey_response_submit(invitation=invitation, answers={**ANSWERS, "overall": 1})
    assert error.value.code == services.ERROR_ALREADY_ANSWERED
    assert SurveyResponse.objects.get().overall == 5


def test_an_answer_records_whether_it_came_through_the_link_or_the_customers_account(invitation, customer):
    assert services.survey_response_submit(invitation=invitation, answers=ANSWERS).answered_via == "customer_link"
    SurveyResponse.objects.all().delete()
    SurveyInvitation.objects.filter(pk=invitation.pk).update(answered_at=None)
    invitation.refresh_from_db()

    response = services.survey_response_submit(invitation=invitation, answers=ANSWERS, user=customer.user)

    assert response.answered_via == "signed_in"


def test_a_signed_in_agent_cannot_answer_the_customers_survey(invitation, agent):
    """Issue 19, finding 2: an agent holding the link must not rate their own work as the customer."""
    with pytest.raises(ValidationError) as error:
        services.survey_response_submit(invitation=invitation, answers=ANSWERS, user=agent)

    assert error.value.code == services.ERROR_NOT_YOUR_SURVEY
    assert not SurveyResponse.objects.exists()


def test_it_refuses_an_expired_survey(invitation):
    SurveyInvitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(seconds=1))

    with pytest.raises(ValidationError) as error:
        services.survey_response_submit(invitation=invitation, answers=ANSWERS)

    assert error.value.code == services.ERROR_EXPIRED
    assert not SurveyResponse.objects.exists()


@pytest.mark.parametrize(
    ("answers", "field", "code"),
    [
        ({"attitude": 4}, "overall", services.ERROR_ANSWER_REQUIRED),
        ({"overall": 6}, "overall", services.ERROR_INVALID_ANSWER),
        ({"overall": 0}, "overall", services.ERROR_INVALID_ANSWER),
        ({"overall": 3, "solved": "maybe"}, "solved", services.ERROR_INVALID_ANSWER),
    ],
)
def test_it_rejects_bad_answers_with_field_errors_and_saves_nothing(invitation, answers, field, code):
    with pytest.raises(ValidationError) as error:
        services.survey_response_submit(invitation=invitation, answers=answers)

    assert [e.code for e in error.value.error_dict[field]] == [code]
    assert not SurveyResponse.objects.exists()
    invitation.refresh_from_db()
    assert invitation.answered_at is None


def test_a_low_score_opens_a_follow_up_for_the_team_supervisor_and_emails_them(
    invitation, supervisor, team, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = services.survey_response_submit(invitation=invitation, answers={**ANSWERS, "overall": 2})

    follow_up = SurveyFollowUp.objects.get()
    assert (follow_up.response, follow_up.team, follow_up.supervisor) == (response, team, supervisor)
    assert follow_up.status == FollowUpStatus.OPEN
    assert follow_up.notified_at is not None
    [message] = mail.outbox
    assert message.to == [supervisor.email]
    assert "2/5" in message.subject


def test_a_score_above_the_threshold_opens_no_follow_up(invitation, supervisor, settings):
    settings.FEEDBACK_LOW_SCORE_THRESHOLD = 2

    services.survey_response_submit(invitation=invitation, answers={**ANSWERS, "overall": 3})

    assert not SurveyFollowUp.objects.exists()


def test_without_a_team_supervisor_every_follow_up_worker_is_told(invitation, manager, administrator):
    with mock.patch("feedback.services.async_task"):
        services.survey_response_submit(invitation=invitation, answers={**ANSWERS, "overall": 1})
    follow_up = SurveyFollowUp.objects.get()

    assert follow_up.supervisor is None
    assert services.follow_up_notify(follow_up_id=follow_up.pk) is True
    assert mail.outbox[-1].to == [administrator.email]  # managers only read follow-ups
    assert services.follow_up_notify(follow_up_id=follow_up.pk) is False


def test_closing_a_follow_up_stamps_and_reopening_clears_closed_at(invitation, supervisor):
    services.survey_response_submit(invitation=invitation, answers={**ANSWERS, "overall": 1})
    follow_up = SurveyFollowUp.objects.get()

    done = services.follow_up_update(
        follow_up=follow_up, status="done", notes=" Called back ", supervisor=supervisor, actor=supervisor
    )
    assert (done.status, done.notes, done.closed_at is not None) == ("done", "Called back", True)
    reopened = services.follow_up_update(
        follow_up=done, status="in_progress", notes="", supervisor=supervisor, actor=supervisor
    )
    assert reopened.closed_at is None


# Suggestions ------------------------------------------------------------------


def test_it_records_a_suggestion_and_rejects_empty_ones(customer):
    suggestion = services.suggestion_submit(
        title="  Dark   mode ", body="Please", category="usability", channel=Channel.PORTAL, customer=customer
    )
    assert (suggestion.title, suggestion.status, suggestion.votes) == ("Dark mode", "new", 1)

    with pytest.raises(ValidationError) as error:
        services.suggestion_submit(title=" ", body="", category="nope", channel=Channel.PORTAL)
    assert set(error.value.error_dict) == {"title", "body", "category"}


def test_merging_duplicates_adds_their_votes_and_points_them_to_the_original(supervisor):
    original = factories.SuggestionFactory(votes=2)
    duplicate = factories.SuggestionFactory(votes=3)
    earlier_duplicate = factories.SuggestionFactory(votes=1, duplicate_of=duplicate)

    merged = services.suggestion_merge(primary=original, duplicates=[duplicate, original], actor=supervisor)

    assert merged.votes == 5
    duplicate.refresh_from_db()
    earlier_duplicate.refresh_from_db()
    assert duplicate.duplicate_of == original and earlier_duplicate.duplicate_of == original
    with pytest.raises(ValidationError):
        services.suggestion_merge(primary=original, duplicates=[original], actor=supervisor)


def test_triage_changes_status_in_bulk(supervisor):
    suggestions = factories.SuggestionFactory.create_batch(2)

    assert services.suggestion_set_status(suggestions=suggestions, status="planned", actor=supervisor) == 2
    assert services.suggestion_set_status(suggestions=suggestions, status="planned", actor=supervisor) == 0
    with pytest.raises(ValidationError):
        services.suggestion_set_status(suggestions=suggestions, status="someday", actor=supervisor)


@pytest.mark.django_db
@pytest.mark.parametrize("make_actor", [factories.agent, factories.manager])
def test_only_a_role_that_triages_suggestions_changes_their_status(make_actor):
    suggestion = factories.SuggestionFactory()

    with pytest.raises(PermissionDenied):
        services.suggestion_set_status(suggestions=[suggestion], status="planned", actor=make_actor())

    suggestion.refresh_from_db()
    assert suggestion.status != "planned"
