"""Hot topics week by week and suggestion groups (feedback.trends), on hand-made data with worked-out answers."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.utils import timezone

from feedback.models import Suggestion
from feedback.trends import TopicSeries, TrendFilters, category_trend, group_suggestions, tag_trend
from tests import factories
from tickets.models import Channel, Ticket

pytestmark = pytest.mark.django_db

# Wednesday: the last complete week is Mon 2026-03-02 .. Sun 2026-03-08.
TODAY = date(2026, 3, 11)
FOUR_WEEKS = TrendFilters(weeks=4)  # Mondays 02-09, 02-16, 02-23, 03-02


def opened(at: datetime, *, category=None, tags=(), **fields) -> Ticket:
    ticket = factories.TicketFactory(category=category, **fields)
    Ticket.objects.filter(pk=ticket.pk).update(created_at=at)
    ticket.tags.set(tags)
    return ticket


def test_the_weeks_are_the_last_complete_ones_monday_first():
    assert FOUR_WEEKS.week_starts(TODAY) == [date(2026, 2, 9), date(2026, 2, 16), date(2026, 2, 23), date(2026, 3, 2)]
    # On a Monday the week that just started is not complete yet.
    assert TrendFilters(weeks=1).week_starts(date(2026, 3, 9)) == [date(2026, 3, 2)]


def test_tickets_per_category_per_week_with_the_week_on_week_change():
    wallet, fees = factories.CategoryFactory(name="Wallet"), factories.CategoryFactory(name="Fees")
    for day in (2, 3, 8):  # three in the last week (Mon, Tue, Sun)
        opened(datetime(2026, 3, day, 10, tzinfo=UTC), category=wallet)
    opened(datetime(2026, 2, 24, 10, tzinfo=UTC), category=wallet)  # one the week before
    opened(datetime(2026, 2, 10, 10, tzinfo=UTC), category=fees)  # fees: only in the first week
    opened(datetime(2026, 3, 4, 10, tzinfo=UTC), category=fees)  # ... and one in the last week
    opened(datetime(2026, 3, 4, 10, tzinfo=UTC))  # uncategorised
    opened(datetime(2026, 3, 9, 0, tzinfo=UTC), category=wallet)  # this week: not complete, left out
    opened(datetime(2026, 2, 8, 23, 59, tzinfo=UTC), category=wallet)  # before the first week: left out

    trend = category_trend(FOUR_WEEKS, today=TODAY)

    assert [(item.label, item.counts) for item in trend.series] == [
        ("Wallet", [0, 0, 1, 3]),
        ("Fees", [1, 0, 0, 1]),
        ("Uncategorised", [0, 0, 0, 1]),
    ]
    wallet_series = trend.series[0]
    assert (wallet_series.total, wallet_series.change, wallet_series.change_percent) == (4, 2, 200.0)
    # The week before had none: the change is +1, the percentage means nothing.
    fees_series = trend.series[1]
    assert (fees_series.change, fees_series.change_percent) == (1, None)


def test_week_on_week_change_going_down_and_from_nothing_to_nothing():
    assert TopicSeries(key=1, label="x", counts=[4, 3]).change_percent == -25.0
    flat = TopicSeries(key=1, label="x", counts=[0, 0])
    assert (flat.change, flat.change_percent) == (0, None)
    assert TopicSeries(key=1, label="x", counts=[5]).change == 5


def test_weeks_follow_the_viewers_time_zone():
    category = factories.CategoryFactory(name="Wallet")
    # Sunday 20:00 UTC is already Monday 04:00 in Shanghai.
    opened(datetime(2026, 3, 1, 20, tzinfo=UTC), category=category)

    assert category_trend(FOUR_WEEKS, today=TODAY).series[0].counts == [0, 0, 1, 0]
    with timezone.override("Asia/Shanghai"):
        assert category_trend(FOUR_WEEKS, today=TODAY).series[0].counts == [0, 0, 0, 1]


def test_team_channel_and_language_filters(team, other_team):
    category = factories.CategoryFactory(name="Wallet")
    at = datetime(2026, 3, 3, 10, tzinfo=UTC)
    opened(at, category=category, team=team, channel=Channel.EMAIL, language="zh-hans")
    opened(at, category=category, team=team, channel=Channel.PORTAL, language="en")
    opened(at, category=category, team=other_team, channel=Channel.EMAIL, language="en")

    def last_week(**chosen) -> int:
        return category_trend(TrendFilters(weeks=2, **chosen), today=TODAY).series[0].last

    assert last_week() == 3
    assert last_week(team_id=team.pk) == 2
    assert last_week(channel=Channel.EMAIL) == 2
    assert last_week(language="zh-hans") == 1
    assert category_trend(TrendFilters(weeks=2, team_id=team.pk, language="fr"), today=TODAY).series == []


def test_tickets_per_tag_count_a_ticket_once_per_tag():
    fees, stuck = factories.TagFactory(name="fees"), factories.TagFactory(name="stuck")
    opened(datetime(2026, 3, 3, tzinfo=UTC), tags=[fees, stuck])
    opened(datetime(2026, 3, 4, tzinfo=UTC), tags=[stuck])
    opened(datetime(2026, 2, 25, tzinfo=UTC), tags=[stuck])
    opened(datetime(2026, 3, 4, tzinfo=UTC))  # untagged: in no series

    trend = tag_trend(TrendFilters(weeks=2), today=TODAY)

    assert [(item.label, item.counts, item.change) for item in trend.series] == [
        ("stuck", [1, 2], 1),
        ("fees", [0, 1], 1),
    ]


@pytest.mark.parametrize("size", [1, 20])
def test_each_chart_is_one_query_whatever_the_number_of_tickets(size, django_assert_num_queries):
    tag = factories.TagFactory()
    for n in range(size):
        opened(datetime(2026, 3, 3, tzinfo=UTC) - timedelta(days=n), category=factories.CategoryFactory(), tags=[tag])

    with django_assert_num_queries(1):
        category_trend(FOUR_WEEKS, today=TODAY)
    with django_assert_num_queries(1):
        tag_trend(FOUR_WEEKS, today=TODAY)


def suggested(title: str, body: str = "", *, at: datetime, **fields) -> Suggestion:
    suggestion = factories.SuggestionFactory(title=title, body=body, **fields)
    Suggestion.objects.filter(pk=suggestion.pk).update(created_at=at)
    return suggestion


def test_suggestions_are_grouped_with_counts_votes_and_first_and_last_seen(django_assert_num_queries):
    march = datetime(2026, 3, 1, tzinfo=UTC)
    dark = [
        suggested("Dark mode", "Please add a dark mode", at=march + timedelta(days=1)),
        suggested("Add dark mode", "dark mode please", at=march + timedelta(days=5), votes=3),
        suggested("Need dark mode", "add dark mode", at=march + timedelta(days=9)),
    ]
    chinese = [
        suggested("深色模式", "希望增加深色模式", at=march + timedelta(days=2), language="zh-hans"),
        suggested("深色模式", "请增加深色模式", at=march + timedelta(days=3), language="zh-hans"),
    ]
    solana = suggested("Solana", "Support the Solana network", at=march + timedelta(days=4))
    merged = suggested("Dark mode", "dark mode", at=march + timedelta(days=6), duplicate_of=dark[0])

    with django_assert_num_queries(1):
        grouping = group_suggestions(start=march, end=march + timedelta(days=31))

    summary = [(group.count, group.votes, sorted(row["id"] for row in group.members)) for group in grouping.groups]
    assert summary == [
        (3, 5, sorted(suggestion.pk for suggestion in dark)),
        (2, 2, sorted(suggestion.pk for suggestion in chinese)),
        (1, 1, [solana.pk]),
    ]
    assert merged.pk not in {member["id"] for group in grouping.groups for member in group.members}
    biggest = grouping.groups[0]
    assert (biggest.first_seen, biggest.last_seen) == (march + timedelta(days=1), march + timedelta(days=9))
    assert biggest.representative["id"] in {suggestion.pk for suggestion in dark}
    assert (grouping.compared, grouping.capped) == (6, False)
    assert group_suggestions(start=march, language="zh-hans").groups[0].count == 2


def test_grouping_compares_only_the_newest_suggestions_up_to_the_limit(settings):
    settings.TRENDS_SUGGESTION_LIMIT = 3
    start = datetime(2026, 3, 1, tzinfo=UTC)
    oldest = suggested("Dark mode", at=start)
    for day in (1, 2, 3):
        suggested("Dark mode", at=start + timedelta(days=day))

    grouping = group_suggestions(start=start)

    assert (grouping.compared, grouping.capped, grouping.groups[0].count) == (3, True, 3)
    assert oldest.pk not in {member["id"] for member in grouping.groups[0].members}
