import pytest
from django.core.paginator import EmptyPage
from django.db import connection

from supportdesk.kit.paginator import EstimatedCountPaginator
from tests import factories
from tickets.models import Ticket


class SmallCapPaginator(EstimatedCountPaginator):
    count_cap = 5


@pytest.fixture
def twelve_tickets(db):
    return factories.TicketFactory.create_batch(12)


def test_a_small_result_is_counted_exactly(twelve_tickets):
    paginator = EstimatedCountPaginator(Ticket.objects.order_by("pk"), 5)

    assert (paginator.count, paginator.num_pages, paginator.count_text) == (12, 3, "12")
    assert paginator.count_is_exact
    with pytest.raises(EmptyPage):
        paginator.page(4)


def test_a_big_filtered_result_is_counted_up_to_the_cap(twelve_tickets, django_assert_num_queries):
    paginator = SmallCapPaginator(Ticket.objects.filter(pk__gt=0).order_by("pk"), 5)

    with django_assert_num_queries(1):
        assert paginator.count == 5
    assert paginator.count_is_lower_bound
    assert paginator.count_text == "more than 5"
    # pages past the bounded count still work, and the real end is still the end
    with django_assert_num_queries(1):
        assert [ticket.pk for ticket in paginator.page(3)] == [ticket.pk for ticket in twelve_tickets[10:]]
    with pytest.raises(EmptyPage):
        paginator.page(4)
    with pytest.raises(EmptyPage):
        paginator.page(0)


def test_a_plain_list_is_counted_with_len():
    paginator = EstimatedCountPaginator(list(range(7)), 5)
    assert (paginator.count, paginator.num_pages) == (7, 2)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="table statistics are PostgreSQL's pg_class")
def test_an_unfiltered_list_is_estimated_from_the_table_statistics(twelve_tickets):
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE tickets_ticket")

    class EstimateEverything(EstimatedCountPaginator):
        exact_count_below = 1

    unfiltered = EstimateEverything(Ticket.objects.order_by("pk"), 5)
    assert unfiltered.count == 12
    assert unfiltered.count_is_estimate
    assert unfiltered.count_text == "about 12"
    # any filter means a bounded count, never the statistics
    filtered = EstimateEverything(Ticket.objects.filter(subject__startswith="Ticket").order_by("pk"), 5)
    assert filtered.count_is_exact
