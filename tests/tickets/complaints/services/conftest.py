import pytest

from tests import factories
from tickets.complaints import services
from tickets.complaints.models import RemedyKind, Stage


@pytest.fixture
def complaint(ticket, agent):
    """Alice's complaint with an approved explanation and a resolution text, so every guard can pass."""
    opened = factories.complaint(ticket=ticket, actor=agent, stage=Stage.INVESTIGATION)
    services.remedy_propose(complaint=opened, kind=RemedyKind.EXPLANATION, actor=agent, description="Gas spike.")
    return services.complaint_update(complaint=opened, actor=agent, resolution_summary=factories.RESOLUTION_TEXT)
