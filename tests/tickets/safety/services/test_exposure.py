"""The exposure playbook: the customer record is flagged, security officers are emailed at once (never
the secret), the customer is told what to do, and agents tick a checklist recorded as events."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied, ValidationError
from mnemonic import Mnemonic

from tests import factories
from tickets import services
from tickets.models import Channel, EventKind, ExposureStep
from tickets.safety.selectors import exposure_checklist, security_officers
from tickets.safety.services import exposure_step_done

PHRASE = Mnemonic("english").to_mnemonic(bytes.fromhex("00112233445566778899aabbccddeeff"))


@pytest.fixture
def officer(db):
    """A security officer: holds tickets.receive_security_alerts through a role."""
    role = Group.objects.create(name="Security officer (test)")
    role.permissions.add(Permission.objects.get(codename="receive_security_alerts"))
    user = factories.agent(username="officer", email="officer@example.com")
    user.groups.add(role)
    return user


def test_security_officers_are_the_active_holders_of_the_permission(officer, agent):
    inactive = factories.agent(username="gone", email="gone@example.com", is_active=False)
    inactive.groups.add(officer.groups.get(name="Security officer (test)"))

    assert list(security_officers()) == [officer]


@pytest.fixture
def exposed(customer, security_team, officer, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        ticket = services.ticket_create(
            customer=customer, subject="Help", body=f"my words: {PHRASE}", channel=Channel.PORTAL, actor=customer.user
        )
    return ticket


def test_a_customers_secret_flags_their_record_with_date_and_channel(exposed, customer):
    customer.refresh_from_db()

    assert customer.secret_exposed_channel == Channel.PORTAL
    assert customer.secret_exposed_at is not None
    assert exposed.secret_exposed


def test_security_officers_are_emailed_at_once_without_the_secret(exposed, mailoutbox):
    alerts = [mail for mail in mailoutbox if mail.to == ["officer@example.com"]]

    assert len(alerts) == 1
    assert alerts[0].subject == f"[Security] Secret exposed on {exposed.reference}"
    assert "recovery phrase" in alerts[0].body and "portal" in alerts[0].body
    assert f"/admin/tickets/ticket/{exposed.pk}/change/" in alerts[0].body
    assert PHRASE.split()[3] not in alerts[0].body


def test_the_customer_is_told_what_to_do_in_their_language(exposed, mailoutbox):
    warning = exposed.messages.filter(author_kind="system").get().body

    for advice in ("Official support will never ask", "new wallet", "Move all funds", "Revoke the token approvals",
                   "Verify an official contact"):  # fmt: skip
        assert advice in warning


def test_a_secret_outside_a_ticket_pages_the_officers_and_flags_the_customer(
    customer, officer, mailoutbox, django_capture_on_commit_callbacks
):
    from feedback.services import suggestion_submit

    with django_capture_on_commit_callbacks(execute=True):
        suggestion = suggestion_submit(
            title="Idea", body=f"backup {PHRASE}", category="usability", channel=Channel.PORTAL, customer=customer
        )

    customer.refresh_from_db()
    assert suggestion.body == "backup [recovery phrase removed]"
    assert customer.secret_exposed_channel == "suggestion"
    assert [mail.subject for mail in mailoutbox] == ["[Security] A customer exposed a secret"]


def test_agents_tick_the_checklist_and_each_tick_is_an_event(exposed, supervisor):
    exposure_step_done(ticket=exposed, step=ExposureStep.ADVISED, actor=supervisor)
    exposure_step_done(ticket=exposed, step=ExposureStep.FUNDS_MOVED, actor=supervisor)

    steps = {step.code: step for step in exposure_checklist(exposed)}
    assert [step.code for step in steps.values()] == ["advised", "funds_moved", "approvals_revoked"]
    assert (steps["advised"].done_by, steps["approvals_revoked"].done_at) == ("supervisor", None)
    assert list(exposed.events.filter(kind=EventKind.EXPOSURE_STEP).values_list("after", flat=True)) == [
        "advised",
        "funds_moved",
    ]


def test_the_checklist_refuses_unknown_steps_and_people_who_cannot_see_the_ticket(exposed, other_agent):
    supervisor = factories.supervisor(username="boss")
    with pytest.raises(ValidationError):
        exposure_step_done(ticket=exposed, step="paid_ransom", actor=supervisor)
    with pytest.raises(PermissionDenied):
        exposure_step_done(ticket=exposed, step=ExposureStep.ADVISED, actor=other_agent)
    assert not exposed.events.filter(kind=EventKind.EXPOSURE_STEP).exists()
