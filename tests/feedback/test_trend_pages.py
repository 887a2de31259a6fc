"""Trend pages in the admin, the monthly suggestion summary job, its email and its CSV (issue 24 item 9)."""

import csv
import io
from datetime import UTC, date, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from feedback import services, tasks
from feedback.models import Suggestion, SuggestionMonthlySummary
from tests import factories
from tests.admin_queries import SIZES, measured_get
from tickets.models import Ticket

pytestmark = pytest.mark.django_db

MARCH = date(2026, 3, 1)


def suggested(title: str, body: str, *, at: datetime, **fields) -> Suggestion:
    suggestion = factories.SuggestionFactory(title=title, body=body, **fields)
    Suggestion.objects.filter(pk=suggestion.pk).update(created_at=at)
    return suggestion


@pytest.fixture
def march_suggestions():
    at = datetime(2026, 3, 10, 9, tzinfo=UTC)
    suggested("Dark mode", "Please add a dark mode", at=at, votes=2)
    suggested("Add dark mode", "=dark mode please", at=at + timedelta(days=3))
    suggested("深色模式", "希望增加深色模式", at=at + timedelta(days=1), category="usability", language="zh-hans")
    suggested("深色模式", "请增加深色模式", at=at + timedelta(days=2), category="usability", language="zh-hans")
    suggested("Solana", "Support the Solana network", at=at, category="assets_networks")
    suggested("Old", "dark mode", at=datetime(2026, 2, 27, tzinfo=UTC))  # February: not in March's summary


def test_the_monthly_job_builds_last_months_summary_and_mails_each_manager_in_their_language(
    march_suggestions, mailoutbox, clock
):
    english = factories.manager(email="boss@example.com")
    chinese = factories.manager(email="laoban@example.com", language="zh-hans")
    factories.manager(email="", username="no-mail")
    clock.set(datetime(2026, 4, 1, 7, tzinfo=UTC))

    assert tasks.build_monthly_suggestion_summary() == 2

    summary = SuggestionMonthlySummary.objects.get()
    assert (summary.month, summary.total, summary.votes, summary.group_count) == (MARCH, 5, 6, 3)
    assert summary.by_category == {"product_feature": 2, "usability": 2, "assets_networks": 1}
    assert [(group["count"], group["votes"]) for group in summary.groups] == [(2, 3), (2, 2), (1, 1)]
    assert summary.emailed_at is not None
    by_recipient = {tuple(mail.to): mail for mail in mailoutbox}
    assert set(by_recipient) == {(english.email,), (chinese.email,)}
    assert "Product: new feature" in by_recipient[(english.email,)].body
    assert "产品：新功能" in by_recipient[(chinese.email,)].body  # category labels in the manager's language
    assert "Dark mode" in by_recipient[(english.email,)].body and "2026-03" in by_recipient[(english.email,)].subject


def test_running_the_job_again_rebuilds_the_figures_but_mails_once(march_suggestions, mailoutbox, clock):
    factories.manager(email="boss@example.com")
    clock.set(datetime(2026, 4, 2, tzinfo=UTC))
    tasks.build_monthly_suggestion_summary()
    suggested("Dark mode", "dark mode", at=datetime(2026, 3, 30, tzinfo=UTC))

    assert tasks.build_monthly_suggestion_summary() == 0

    summary = SuggestionMonthlySummary.objects.get()
    assert (summary.total, len(mailoutbox)) == (6, 1)
    assert tasks.build_monthly_suggestion_summary("2026-02-15") == 1  # another month, chosen by any of its days
    assert SuggestionMonthlySummary.objects.get(month=date(2026, 2, 1)).total == 1


def test_the_monthly_schedule_exists():
    from django_q.models import Schedule

    schedule = Schedule.objects.get(name="Monthly suggestion summary")
    assert (schedule.func, schedule.schedule_type) == ("feedback.tasks.build_monthly_suggestion_summary", "M")


def test_the_csv_export_streams_the_groups_with_formula_cells_escaped(client, manager, march_suggestions):
    summary = services.suggestion_monthly_summary_build(month=MARCH)
    client.force_login(manager)

    response = client.get(reverse("admin:feedback_suggestionmonthlysummary_export", args=[summary.pk]))

    assert response.status_code == 200 and response.streaming
    assert response["Content-Disposition"] == 'attachment; filename="suggestions-2026-03.csv"'
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0] == ["Suggestion groups of 2026-03"]
    assert rows[1][:5] == ["Rank", "Similar suggestions", "Votes", "Category", "Title"]
    ranked = {row[4]: row for row in rows[2:5]}
    assert ranked["Dark mode"][:4] == ["1", "2", "3", "Product: new feature"]
    assert ranked["Dark mode"][6:8] == ["2026-03-10", "2026-03-13"]
    assert ranked["深色模式"][:4] == ["2", "2", "2", "Product: ease of use"]
    assert "'=dark mode please" not in ranked["Dark mode"][5]  # the representative is the first, plain text
    assert rows[6] == ["By category"] and ["Product: new feature", "2"] in rows


def test_an_agent_may_not_open_or_export_a_summary(client, agent, march_suggestions):
    summary = services.suggestion_monthly_summary_build(month=MARCH)
    client.force_login(agent)

    assert client.get(reverse("admin:feedback_suggestionmonthlysummary_change", args=[summary.pk])).status_code == 403
    export = reverse("admin:feedback_suggestionmonthlysummary_export", args=[summary.pk])
    assert client.get(export).status_code == 403


def test_the_summary_page_shows_groups_and_counts(client, supervisor, march_suggestions):
    summary = services.suggestion_monthly_summary_build(month=MARCH)
    client.force_login(supervisor)

    page = client.get(reverse("admin:feedback_suggestionmonthlysummary_change", args=[summary.pk])).content.decode()

    assert "5 suggestions in 2026-03 (6 votes), in 3 groups" in page
    assert "希望增加深色模式" in page or "请增加深色模式" in page
    assert reverse("admin:feedback_suggestionmonthlysummary_export", args=[summary.pk]) in page


def test_the_hot_topics_page_draws_a_chart_and_a_table_with_the_change(client, manager):
    category = factories.CategoryFactory(name="Stuck transfers")
    last_monday = timezone.localdate() - timedelta(days=timezone.localdate().weekday() + 7)
    for days_back in (0, 0, 7):
        ticket = factories.TicketFactory(category=category)
        at = datetime.combine(last_monday - timedelta(days=days_back), datetime.min.time(), tzinfo=UTC)
        Ticket.objects.filter(pk=ticket.pk).update(created_at=at + timedelta(hours=12))
    client.force_login(manager)

    page = client.get(reverse("admin:feedback_hot_topics"), {"weeks": 4}).content.decode()

    assert page.count('<svg class="sd-chart sd-line-chart"') == 1  # categories; no tagged tickets: no tag chart
    assert "Stuck transfers" in page and "+1" in page and "+100.0%" in page
    assert 'style="' not in page.split("<svg", 1)[1].split("</svg>", 1)[0]  # presentation attributes only (CSP)


@pytest.mark.parametrize("size", SIZES)
def test_the_hot_topics_page_runs_the_same_queries_for_1_or_20_topics(client, manager, size, django_assert_num_queries):
    tag = factories.TagFactory()
    week_ago = timezone.now() - timedelta(days=7)
    for _n in range(size):
        ticket = factories.TicketFactory(category=factories.CategoryFactory(), team=factories.TeamFactory())
        Ticket.objects.filter(pk=ticket.pk).update(created_at=week_ago)
        ticket.tags.add(tag)
    client.force_login(manager)

    measured_get(client, django_assert_num_queries, reverse("admin:feedback_hot_topics"), 6)


@pytest.mark.parametrize("size", SIZES)
def test_the_grouped_suggestions_page_runs_the_same_queries_for_1_or_20(
    client, supervisor, size, django_assert_num_queries
):
    for n in range(size):
        factories.SuggestionFactory(title=f"alpha{n} beta{n}", body=f"gamma{n} delta{n}")  # nothing in common
    client.force_login(supervisor)

    response = measured_get(client, django_assert_num_queries, reverse("admin:feedback_suggestion_groups"), 4)

    assert response.content.decode().count('class="sd-group"') == size


@pytest.mark.parametrize("size", SIZES)
def test_the_summary_list_and_page_run_the_same_queries_for_1_or_20(client, manager, size, django_assert_num_queries):
    for n in range(size):
        suggested(f"alpha{n} beta{n}", f"gamma{n} delta{n}", at=datetime(2026, 3, 2, tzinfo=UTC))
        SuggestionMonthlySummary.objects.create(month=date(2020 + n, 1, 1), total=n)
    summary = services.suggestion_monthly_summary_build(month=MARCH)
    client.force_login(manager)

    measured_get(client, django_assert_num_queries, reverse("admin:feedback_suggestionmonthlysummary_changelist"), 8)
    page = measured_get(
        client,
        django_assert_num_queries,
        reverse("admin:feedback_suggestionmonthlysummary_change", args=[summary.pk]),
        4,
    )
    assert page.content.decode().count("<tr><td><strong>") == size
