"""Confirming and revoking monthly awards: the ranking's figures, once, by coaches only."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from tests import factories
from tests.training.ratings import rate
from training.models import AgentAward
from training.services import award_confirm, award_revoke

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("small_awards")]


def test_a_coach_confirms_an_award_with_the_rankings_figures_once(ranked_month, agent, supervisor):
    award, created = award_confirm(agent=agent, month=ranked_month, actor=supervisor, citation="  Best month  ")
    again, created_again = award_confirm(agent=agent, month=ranked_month.replace(day=20), actor=supervisor)

    assert (created, created_again, again.pk) == (True, False, award.pk)
    assert AgentAward.objects.count() == 1
    assert (award.month, award.rank, award.csat, award.responses, award.tickets) == (ranked_month, 1, 100.0, 5, 5)
    assert (award.citation, award.confirmed_by) == ("Best month", supervisor)


def test_only_coaches_confirm_and_never_for_themselves(ranked_month, agent, other_agent, supervisor):
    rate(supervisor, ranked_month, happy=9)
    with pytest.raises(PermissionDenied):
        award_confirm(agent=agent, month=ranked_month, actor=other_agent)
    with pytest.raises(PermissionDenied):
        award_confirm(agent=supervisor, month=ranked_month, actor=supervisor)
    assert not AgentAward.objects.exists()


def test_no_award_outside_the_places_or_before_the_month_is_over(ranked_month, agent, teammate, other_agent, manager):
    with pytest.raises(ValidationError) as too_few:
        award_confirm(agent=teammate, month=ranked_month, actor=manager)
    rate(factories.agent(username="best"), ranked_month, happy=8)
    with pytest.raises(ValidationError) as third:
        award_confirm(agent=other_agent, month=ranked_month, actor=manager)
    with pytest.raises(ValidationError) as running:
        award_confirm(agent=agent, month=timezone.localdate(), actor=manager)

    assert factories.error_codes(too_few.value) == factories.error_codes(third.value) == {"not_in_award_places"}
    assert factories.error_codes(running.value) == {"month_not_over"}
    assert not AgentAward.objects.exists()


# Revoking awards -------------------------------------------------------------------------------


def test_a_coach_revokes_an_award_with_a_reason_and_it_stays_on_record(award, manager):
    revoked = award_revoke(award=award, actor=manager, reason="  Ratings came from a test account ")
    again = award_revoke(award=award, actor=manager, reason="other reason")

    assert (revoked.revoked_by, revoked.revoke_reason) == (manager, "Ratings came from a test account")
    assert again.revoked_at == revoked.revoked_at and again.revoke_reason == revoked.revoke_reason
    assert AgentAward.objects.count() == 1
    assert not AgentAward.objects.standing().exists()


def test_revoking_needs_a_reason_a_coach_and_not_ones_own_award(award, agent, manager, supervisor):
    with pytest.raises(ValidationError) as blank:
        award_revoke(award=award, actor=manager, reason="   ")
    assert blank.value.message_dict == {"reason": ["Say why the award is revoked."]}
    with pytest.raises(PermissionDenied):
        award_revoke(award=award, actor=agent, reason="mine")
    own = AgentAward.objects.create(
        agent=supervisor, month=award.month, rank=2, csat=95, responses=12, tickets=20, confirmed_by=manager
    )
    with pytest.raises(PermissionDenied):
        award_revoke(award=own, actor=supervisor, reason="my own")
