"""The customer admin: merging duplicates, the form's address check, the changelist's query count."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from tests import factories
from tests.admin_queries import SIZES, make_queue, measured_get
from tests.tickets.admin.test_tickets import shown_messages
from tickets import services
from tickets.models import Customer, CustomerEmail, CustomerMerge, Ticket

pytestmark = pytest.mark.django_db


def test_the_customer_merge_action_keeps_the_chosen_customer(client, supervisor, customer, team):
    duplicate = factories.CustomerFactory(email="alice.old@example.com")
    moved = factories.ticket(customer=duplicate, team=team)
    client.force_login(supervisor)
    url = reverse("admin:tickets_customer_changelist")
    selection = {"action": "merge_customers", ACTION_CHECKBOX_NAME: [customer.pk, duplicate.pk]}

    page = client.post(url, selection)
    assert page.status_code == 200
    assert page.templates[0].name == "admin/tickets/customer/merge_form.html"
    response = client.post(url, {**selection, "apply": "Merge", "primary": customer.pk}, follow=True)

    assert shown_messages(response) == [f"1 customer merged into {customer}."]
    assert list(Customer.objects.all()) == [customer]
    assert Ticket.objects.get(pk=moved.pk).customer == customer
    assert CustomerEmail.objects.get(customer=customer).email == "alice.old@example.com"


def test_a_supervisor_undoes_a_merge_from_the_merge_log_and_an_agent_cannot_merge(
    client, supervisor, agent, customer, team
):
    duplicate = factories.CustomerFactory(email="alice.old@example.com")
    moved = factories.ticket(customer=duplicate, team=team)
    client.force_login(agent)
    selection = {"action": "merge_customers", ACTION_CHECKBOX_NAME: [customer.pk, duplicate.pk]}
    refused = client.post(reverse("admin:tickets_customer_changelist"), selection)
    assert Customer.objects.filter(pk=duplicate.pk).exists()
    services.customer_merge(primary=customer, duplicate=duplicate, actor=supervisor)
    client.force_login(supervisor)

    response = client.post(
        reverse("admin:tickets_customermerge_changelist"),
        {"action": "undo_merges", ACTION_CHECKBOX_NAME: [CustomerMerge.objects.get().pk]},
        follow=True,
    )

    assert "merge_customers" not in refused.content.decode()
    assert shown_messages(response) == ["1 merge undone."]
    assert Ticket.objects.get(pk=moved.pk).customer.email == "alice.old@example.com"


def test_the_customer_form_normalises_the_email_and_refuses_a_taken_one(client, supervisor, customer):
    client.force_login(supervisor)
    CustomerEmail.objects.create(customer=customer, email="alice.work@example.com")
    base = {
        "name": "Carol",
        "language": "en",
        "other_emails-TOTAL_FORMS": "0",
        "other_emails-INITIAL_FORMS": "0",
        "wallet_addresses-TOTAL_FORMS": "0",
        "wallet_addresses-INITIAL_FORMS": "0",
        "_save": "Save",
    }

    taken = client.post(reverse("admin:tickets_customer_add"), {**base, "email": " Alice.Work@Example.com "})
    created = client.post(reverse("admin:tickets_customer_add"), {**base, "email": "  Carol@Example.COM "})

    assert taken.status_code == 200
    assert "email" in taken.context["adminform"].form.errors
    assert created.status_code == 302
    assert Customer.objects.filter(email="carol@example.com").exists()


@pytest.mark.parametrize("size", SIZES)
def test_the_customer_changelist_runs_a_fixed_number_of_queries(
    client, administrator, supervisor, django_assert_num_queries, size
):
    make_queue(size, actor=supervisor)
    client.force_login(administrator)

    response = measured_get(
        client,
        django_assert_num_queries,
        reverse("admin:tickets_customer_changelist"),
        5 + factories.TABLE_ESTIMATE_QUERIES,
    )

    assert len(response.context["cl"].result_list) == size


def test_exposed_customers_can_be_listed_and_their_flag_is_read_only(client, supervisor, customer):
    customer.secret_exposed_at = customer.created_at
    customer.secret_exposed_channel = "email"
    customer.save(update_fields=["secret_exposed_at", "secret_exposed_channel"])
    factories.CustomerFactory(email="safe@example.com")
    client.force_login(supervisor)

    listed = client.get(reverse("admin:tickets_customer_changelist"), {"secret_exposed_at__isempty": "0"})
    page = client.get(reverse("admin:tickets_customer_change", args=[customer.pk]))

    assert list(listed.context["cl"].result_list) == [customer]
    assert "secret_exposed_channel" not in page.context["adminform"].form.fields
    assert "Secret exposed through" in page.content.decode()
