"""Survey invitations are optional processing: sent only while the customer's consent allows them."""

from __future__ import annotations

from django.core import mail

from feedback import services
from feedback.models import SurveyInvitation
from privacy.services.consent import consent_record


def survey_mails() -> list:
    return [message for message in mail.outbox if "/portal/survey/" in message.body]


def test_a_customer_who_declined_surveys_by_email_is_not_invited(handled_ticket, solve, customer):
    consent_record(customer=customer, answers={("surveys", "email"): False})

    solve(handled_ticket)

    assert not SurveyInvitation.objects.exists() and survey_mails() == []


def test_with_surveys_opt_in_only_a_customer_who_said_yes_is_invited(
    handled_ticket, solve, customer, settings, django_capture_on_commit_callbacks
):
    settings.PRIVACY_OPT_OUT_PURPOSES = []
    solve(handled_ticket)
    assert not SurveyInvitation.objects.exists()

    consent_record(customer=customer, answers={("surveys", "email"): True})
    handled_ticket.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        services.survey_invitation_create(ticket=handled_ticket)

    assert SurveyInvitation.objects.get().emailed_at is not None
    assert [message.to for message in survey_mails()] == [["alice@example.com"]]


def test_consent_withdrawn_before_the_mail_leaves_stops_it(
    handled_ticket, customer, django_capture_on_commit_callbacks
):
    handled_ticket.resolved_at = handled_ticket.created_at
    handled_ticket.save(update_fields=["resolved_at"])
    with django_capture_on_commit_callbacks(execute=False):
        invitation = services.survey_invitation_create(ticket=handled_ticket)
    consent_record(customer=customer, answers={("surveys", "email"): False})

    assert services.survey_invitation_email(invitation_id=invitation.pk) is False
    invitation.refresh_from_db()
    assert invitation.emailed_at is None and survey_mails() == []
