"""Admin for wallet safety: smoke tests, explorer links on the ticket page, transaction field validation."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests import factories
from tickets import services
from tickets.models import Channel, ExplorerLink, IdentityVerification, ImpersonatorReport, OfficialContact

TX = "0x5c504ed432cb51138bcf09aa5e8a410dd4a1e204ef84bfed1be16dfba1b22060"
ADDRESS = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"


@pytest.fixture
def verification(customer, team, agent):
    ticket = services.ticket_create(customer=customer, subject="x", body="y", channel=Channel.PORTAL, team=team)
    return IdentityVerification.objects.create(
        ticket=ticket, requested_by=agent, channels="email", code_hash="0" * 64, expires_at=timezone.now()
    )


@pytest.mark.parametrize("model", ["explorerlink", "officialcontact"])
def test_editable_safety_admins_render(client, administrator, model):
    OfficialContact.objects.create(kind="website", value="supportdesk.example", label="Website")
    obj = {"explorerlink": ExplorerLink.objects.first(), "officialcontact": OfficialContact.objects.first()}[model]
    client.force_login(administrator)

    for url in (
        reverse(f"admin:tickets_{model}_changelist"),
        reverse(f"admin:tickets_{model}_add"),
        reverse(f"admin:tickets_{model}_change", args=[obj.pk]),
    ):
        assert client.get(url).status_code == 200, url


def test_identity_verification_admin_is_read_only(client, administrator, verification):
    client.force_login(administrator)

    assert client.get(reverse("admin:tickets_identityverification_changelist")).status_code == 200
    change = client.get(reverse("admin:tickets_identityverification_change", args=[verification.pk]))
    assert change.status_code == 200 and "0" * 64 not in change.content.decode()
    assert client.get(reverse("admin:tickets_identityverification_add")).status_code == 403


def test_explorer_links_are_seeded_and_templates_validated(db):
    assert set(ExplorerLink.objects.values_list("chain", flat=True)) == {
        "ethereum", "bsc", "polygon", "arbitrum", "bitcoin", "tron", "eos",
    }  # fmt: skip
    link = ExplorerLink(chain="ethereum", name="x", address_url="http://a/{address}", tx_url="https://a/tx")
    with pytest.raises(ValidationError) as error:
        link.full_clean(exclude=["chain"])
    assert set(error.value.message_dict) == {"address_url", "tx_url"}


def test_ticket_page_links_hash_and_addresses_to_the_explorer(client, supervisor, customer, team):
    ticket = services.ticket_create(
        customer=customer, subject="Stuck", body="Help", channel=Channel.PORTAL, team=team,
        chain="ethereum", tx_hash=TX, from_address=ADDRESS, to_address=ADDRESS.lower().replace("0x5a", "0x5b"),
    )  # fmt: skip
    client.force_login(supervisor)

    page = client.get(reverse("admin:tickets_ticket_change", args=[ticket.pk])).content.decode()

    assert f'href="https://etherscan.io/tx/{TX}"' in page
    assert f'href="https://etherscan.io/address/{ADDRESS}"' in page
    assert "View on Etherscan" in page
    assert "not a valid" not in page
    assert "identity" in page and "not requested" in page


def test_ticket_page_flags_an_invalid_address(client, supervisor, customer, team):
    ticket = services.ticket_create(
        customer=customer, subject="Stuck", body="Help", channel=Channel.PORTAL, team=team,
        chain="ethereum", to_address="bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4",
    )  # fmt: skip
    client.force_login(supervisor)

    page = client.get(reverse("admin:tickets_ticket_change", args=[ticket.pk])).content.decode()

    assert "not a valid Ethereum address" in page
    assert "etherscan.io/address/bc1q" not in page


def test_add_ticket_form_validates_transaction_fields(client, supervisor, customer):
    client.force_login(supervisor)
    data = {
        "customer": customer.pk, "subject": "Stuck", "body": "Help", "channel": Channel.PHONE, "priority": "normal",
        "language": "en", "chain": "ethereum", "tx_hash": TX[2:],
        "from_address": "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4",
    }  # fmt: skip

    response = client.post(reverse("admin:tickets_ticket_add"), data)

    errors = response.context["adminform"].form.errors
    assert errors["from_address"] == ["This looks like a Bitcoin address, but the chain is Ethereum."]
    assert errors["tx_hash"] == [f"Ethereum transaction hashes start with 0x: {TX}"]


@pytest.mark.parametrize("model", ["identityverification", "officialcontact", "explorerlink"])
def test_changelist_query_count_does_not_grow(client, administrator, customer, agent, django_assert_num_queries, model):
    client.force_login(administrator)
    url = reverse(f"admin:tickets_{model}_changelist")

    def add_rows(count):
        for i in range(count):
            ticket = factories.TicketFactory(customer=customer)
            IdentityVerification.objects.create(
                ticket=ticket, requested_by=agent, channels="email", code_hash="0" * 64, expires_at=timezone.now()
            )
            OfficialContact.objects.create(kind="website", value=f"site{ticket.pk}.example", label=f"Site {i}")

    add_rows(1)
    client.get(url)  # warm caches (content types, session)
    with CaptureQueriesContext(connection) as one_row:
        client.get(url)
    add_rows(19)
    with django_assert_num_queries(len(one_row.captured_queries)):
        client.get(url)


@pytest.fixture
def exposed_ticket(customer, team):
    phrase = "legal winner thank year wave sausage worth useful legal winner thank yellow"
    return services.ticket_create(
        customer=customer, subject="Help", body=f"phrase: {phrase}", channel=Channel.PORTAL, team=team
    )


def test_the_exposure_checklist_shows_only_on_exposed_tickets(client, supervisor, exposed_ticket, ticket):
    client.force_login(supervisor)

    page = client.get(reverse("admin:tickets_ticket_change", args=[exposed_ticket.pk])).content.decode()
    plain = client.get(reverse("admin:tickets_ticket_change", args=[ticket.pk])).content.decode()

    assert "data-exposure-checklist" in page and "Customer flagged as exposed on" in page
    assert page.count('name="exposure_step"') == 3
    assert "data-exposure-checklist" not in plain


def test_an_agent_ticks_a_step_from_the_ticket_page(client, supervisor, exposed_ticket):
    client.force_login(supervisor)
    url = reverse("admin:tickets_ticket_exposure_step", args=[exposed_ticket.pk])

    response = client.post(url, {"exposure_step": "funds_moved"}, follow=True)

    page = response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("admin:tickets_ticket_change", args=[exposed_ticket.pk])
    assert "Checklist updated." in page and page.count('name="exposure_step"') == 2
    assert exposed_ticket.events.filter(kind="exposure_step", after="funds_moved", actor=supervisor).exists()
    assert client.get(url).status_code == 405


def test_a_manager_cannot_tick_the_checklist(client, manager, exposed_ticket):
    client.force_login(manager)

    client.post(reverse("admin:tickets_ticket_exposure_step", args=[exposed_ticket.pk]), {"exposure_step": "advised"})

    assert not exposed_ticket.events.filter(kind="exposure_step").exists()


def _impersonator_report(**fields) -> ImpersonatorReport:
    return ImpersonatorReport.objects.create(
        contact="supp0rtdesk.example", where_seen="telegram", reporter_email="v@example.com", **fields
    )


def test_the_impersonator_queue_is_for_the_security_side_and_moves_by_actions(client, supervisor, agent):
    queued = _impersonator_report()
    changelist = reverse("admin:tickets_impersonatorreport_changelist")
    client.force_login(agent)
    assert client.get(changelist).status_code == 403, "agents never see reports (they name victims)"
    client.force_login(supervisor)
    assert client.get(reverse("admin:tickets_impersonatorreport_change", args=[queued.pk])).status_code == 200

    response = client.post(changelist, {"action": "mark_confirmed", "_selected_action": [queued.pk]}, follow=True)

    queued.refresh_from_db()
    assert response.status_code == 200
    assert (queued.status, queued.reviewed_by) == ("confirmed", supervisor)


def test_the_impersonator_queue_changelist_query_count_does_not_grow(client, supervisor):
    client.force_login(supervisor)
    url = reverse("admin:tickets_impersonatorreport_changelist")
    _impersonator_report(reviewed_by=supervisor)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for _ in range(19):
        _impersonator_report(reviewed_by=supervisor)
    with CaptureQueriesContext(connection) as twenty:
        client.get(url)

    assert len(one) == len(twenty)
