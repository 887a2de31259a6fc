"""The team admin: agent and open-ticket counts without a query per row."""

import pytest
from django.urls import reverse

from tests.admin_queries import SIZES, make_queue, measured_get

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("size", SIZES)
def test_the_team_changelist_runs_a_fixed_number_of_queries(
    client, administrator, supervisor, django_assert_num_queries, size
):
    make_queue(size, actor=supervisor)
    client.force_login(administrator)

    response = measured_get(client, django_assert_num_queries, reverse("admin:tickets_team_changelist"), 5)

    # the supervisor's own team has no tickets; it is one more row in the team list
    assert len(response.context["cl"].result_list) == size + 1
