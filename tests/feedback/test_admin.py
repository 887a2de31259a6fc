import csv
import io
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from feedback.models import Suggestion, SurveyFollowUp, SurveyTemplate
from tests import factories


def _answered(agent, team, overall=5, comment=""):
    invitation = factories.SurveyInvitationFactory(agent=agent, team=team, answered_at=timezone.now())
    return factories.SurveyResponseFactory(invitation=invitation, overall=overall, comment=comment)


@pytest.fixture
def follow_up(agent, team, supervisor):
    response = _answered(agent, team, overall=1)
    return SurveyFollowUp.objects.create(response=response, ticket=response.invitation.ticket, team=team)


@pytest.mark.parametrize(
    "model", ["surveytemplate", "surveyinvitation", "surveyresponse", "surveyfollowup", "suggestion"]
)
def test_every_feedback_admin_page_opens_for_a_superuser(client, administrator, follow_up, model):
    factories.SuggestionFactory()
    objects = {
        "surveytemplate": SurveyTemplate.objects.get(is_default=True),
        "surveyinvitation": follow_up.response.invitation,
        "surveyresponse": follow_up.response,
        "surveyfollowup": follow_up,
        "suggestion": Suggestion.objects.get(),
    }
    client.force_login(administrator)

    assert client.get(reverse(f"admin:feedback_{model}_changelist")).status_code == 200
    assert client.get(reverse(f"admin:feedback_{model}_change", args=[objects[model].pk])).status_code == 200
    add = client.get(reverse(f"admin:feedback_{model}_add")).status_code
    assert add == (200 if model in ("surveytemplate", "suggestion") else 403)


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


@pytest.mark.parametrize(
    "url_name",
    [
        "admin:feedback_surveyresponse_changelist",
        "admin:feedback_surveyinvitation_changelist",
        "admin:feedback_surveyfollowup_changelist",
        "admin:feedback_suggestion_changelist",
        "admin:feedback_satisfaction_report",
        "admin:feedback_agent_scorecard",
    ],
)
def test_list_and_report_pages_cost_the_same_queries_for_1_and_20_rows(client, administrator, agent, team, url_name):
    def add_row(index):
        response = _answered(agent, team, overall=index % 5 + 1, comment=f"comment {index}")
        SurveyFollowUp.objects.create(response=response, ticket=response.invitation.ticket, team=team)
        factories.SuggestionFactory(customer=factories.CustomerFactory())

    client.force_login(administrator)
    add_row(0)
    one = _count(client, reverse(url_name))
    for index in range(1, 20):
        add_row(index)
    assert _count(client, reverse(url_name)) == one


def test_the_report_shows_the_numbers_and_svg_charts(client, manager, agent, team):
    _answered(agent, team, overall=5, comment="very helpful")
    _answered(agent, team, overall=2)
    client.force_login(manager)

    page = client.get(reverse("admin:feedback_satisfaction_report")).content.decode()

    assert "50.0%" in page  # CSAT: one of two
    assert page.count('<svg class="sd-chart"') == 3
    assert "very helpful" in page


def test_agents_cannot_see_the_report_or_others_scorecards(client, agent, other_agent, team, other_team):
    _answered(agent, team)
    _answered(other_agent, other_team)
    client.force_login(agent)

    assert client.get(reverse("admin:feedback_satisfaction_report")).status_code == 403
    page = client.get(reverse("admin:feedback_agent_scorecard")).content.decode()
    assert "My scorecard" in page
    assert ">agent<" in page and "other_agent" not in page
    forced = client.get(reverse("admin:feedback_agent_scorecard"), {"agent": other_agent.pk}).content.decode()
    assert "other_agent" not in forced
    assert client.get(reverse("admin:feedback_report_export", args=["responses", "csv"])).status_code == 403


def test_agents_see_only_answers_about_their_own_work(client, agent, other_agent, team, other_team):
    mine = _answered(agent, team, comment="mine")
    _answered(other_agent, other_team, comment="theirs")
    client.force_login(agent)

    page = client.get(reverse("admin:feedback_surveyresponse_changelist")).content.decode()

    assert "mine" in page and "theirs" not in page
    assert client.get(reverse("admin:feedback_surveyresponse_change", args=[mine.pk])).status_code == 200


def test_supervisors_and_managers_see_every_scorecard(client, supervisor, manager, agent, other_agent, team):
    for user in (supervisor, manager):
        client.force_login(user)
        page = client.get(reverse("admin:feedback_agent_scorecard")).content.decode()
        assert "Agent scorecard" in page and "other_agent" in page


def test_a_manager_downloads_the_same_numbers_as_csv_and_xlsx(client, manager, agent, team):
    _answered(agent, team, overall=5, comment="好极了")
    _answered(agent, team, overall=1, comment="=cmd")
    client.force_login(manager)
    query = {"date_from": (timezone.localdate() - timedelta(days=1)).isoformat()}

    response = client.get(reverse("admin:feedback_report_export", args=["responses", "csv"]), query)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment;" in response["Content-Disposition"]
    body = b"".join(response.streaming_content)
    assert body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert sorted(row[-1] for row in rows[1:]) == ["'=cmd", "好极了"]

    report_csv = b"".join(
        client.get(reverse("admin:feedback_report_export", args=["report", "csv"]), query).streaming_content
    ).decode("utf-8-sig")
    assert "CSAT %,50.0" in report_csv

    xlsx = client.get(reverse("admin:feedback_report_export", args=["report", "xlsx"]), query)
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    workbook = load_workbook(io.BytesIO(b"".join(xlsx.streaming_content)), read_only=True)
    summary = {row[0]: row[-1] for row in workbook["Summary"].iter_rows(values_only=True)}
    assert (summary["Surveys sent"], summary["CSAT %"]) == (2, 50.0)
    assert workbook.sheetnames == [
        "Summary", "Distribution", "By channel", "Hot topics", "Weekly trend", "Agent scorecard",
    ]  # fmt: skip
    by_channel = list(workbook["By channel"].iter_rows(values_only=True))
    assert by_channel[1][:4] == ("Portal", 2, 2, 2)

    responses_xlsx = client.get(reverse("admin:feedback_report_export", args=["responses", "xlsx"]), query)
    sheet = load_workbook(io.BytesIO(b"".join(responses_xlsx.streaming_content)), read_only=True).active
    assert len(list(sheet.iter_rows(values_only=True))) == 3
    assert client.get(reverse("admin:feedback_report_export", args=["responses", "pdf"])).status_code == 404


def test_saving_a_follow_up_goes_through_the_service(client, supervisor, follow_up):
    client.force_login(supervisor)
    url = reverse("admin:feedback_surveyfollowup_change", args=[follow_up.pk])

    response = client.post(url, {"supervisor": supervisor.pk, "status": "done", "notes": "Called the customer"})

    assert response.status_code == 302
    follow_up.refresh_from_db()
    assert (follow_up.status, follow_up.notes, follow_up.closed_at is not None) == ("done", "Called the customer", True)


def test_an_agent_logs_a_suggestion_heard_on_a_call(client, agent, customer):
    client.force_login(agent)

    response = client.post(
        reverse("admin:feedback_suggestion_add"),
        {"title": "Solana support", "body": "Caller asked", "category": "assets_networks", "channel": "phone",
         "language": "en", "customer": customer.pk},
    )  # fmt: skip

    assert response.status_code == 302
    suggestion = Suggestion.objects.get()
    assert (suggestion.submitted_by, suggestion.customer, suggestion.channel) == (agent, customer, "phone")


def test_triage_actions_merge_and_change_status(client, supervisor):
    first, second = factories.SuggestionFactory(votes=1), factories.SuggestionFactory(votes=2)
    client.force_login(supervisor)
    changelist = reverse("admin:feedback_suggestion_changelist")

    client.post(changelist, {"action": "merge_duplicates", "_selected_action": [first.pk, second.pk]})
    client.post(changelist, {"action": "mark_planned", "_selected_action": [first.pk]})

    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.votes, first.status, second.duplicate_of) == (3, "planned", first)


def test_the_weekly_emails_go_to_managers(manager, agent, team, mailoutbox):
    from feedback import tasks

    _answered(agent, team, overall=5)
    factories.SuggestionFactory(title="Dark mode", created_at=timezone.now() - timedelta(days=2))

    assert tasks.send_weekly_satisfaction_report() == 1
    assert tasks.send_weekly_suggestion_summary() == 1
    report, summary = mailoutbox
    assert report.to == summary.to == [manager.email]
    assert "Satisfaction report" in report.subject
    assert "Dark mode" in summary.body and "1 new" in summary.subject


def test_the_report_defaults_to_the_last_90_days_and_reports_bad_filters(client, manager):
    client.force_login(manager)
    today = timezone.localdate()

    page = client.get(reverse("admin:feedback_satisfaction_report")).content.decode()
    assert f'value="{(today - timedelta(days=89)).isoformat()}"' in page and f'value="{today.isoformat()}"' in page

    bad = client.get(
        reverse("admin:feedback_satisfaction_report"), {"date_from": "2026-03-10", "date_to": "2026-03-01"}
    )
    assert bad.status_code == 200
    assert "The end date is before the start date." in bad.content.decode()
