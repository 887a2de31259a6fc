"""The ticket page's side column: the customer summary and the ticket's record (request, environment, transaction).

Read-only everywhere, so it is rendered straight from the loaded ticket rather than
through the admin's read-only field machinery (a form, a fieldset template and a
lookup per field). Environment and transaction sections appear only when the ticket
has such data.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib.admin.utils import display_for_field, display_for_value, label_for_field, lookup_field
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from tickets.models import Ticket

REQUEST_FIELDS = [
    "reference", "subject", "channel", "language", "created_at", "updated_at",
    "first_response_at", "resolved_at", "closed_at", "merged_into", "secret_exposed", "identity_status",
]  # fmt: skip
ENVIRONMENT_FIELDS = ["app_version", "device", "os", "browser", "account_email"]
TRANSACTION_FIELDS = ["chain", "asset", "amount", "tx_hash_link", "from_address_link", "to_address_link", "tx_time"]
# Shown even when empty: they say something when blank ("no first response yet").
ALWAYS_SHOWN = {"merged_into", "first_response_at", "resolved_at", "closed_at"}
CUSTOMER_FIELDS = ["email", "phone", "language", "country", "is_vip"]


@dataclass(frozen=True)
class RecordRow:
    label: str
    value: SafeString | str
    name: str = ""


@dataclass(frozen=True)
class RecordSection:
    title: str
    rows: list[RecordRow]


def _row(name: str, ticket: Ticket, model_admin) -> RecordRow | None:
    field, attr, value = lookup_field(name, ticket, model_admin)
    empty = model_admin.get_empty_value_display()
    if field is None:
        shown = display_for_value(value, empty, boolean=getattr(attr, "boolean", False))
    elif field.is_relation:
        if value is None:
            shown = empty
        else:
            url = reverse(f"admin:{value._meta.app_label}_{value._meta.model_name}_change", args=[value.pk])
            shown = format_html('<a href="{}">{}</a>', url, value)
    else:
        shown = display_for_field(value, field, empty)
    if shown in (empty, "") and name not in ALWAYS_SHOWN and name in ENVIRONMENT_FIELDS + TRANSACTION_FIELDS:
        return None
    return RecordRow(label=label_for_field(name, Ticket, model_admin), value=shown, name=name)


def _section(title: str, names: list[str], ticket: Ticket, model_admin) -> RecordSection | None:
    rows = [row for row in (_row(name, ticket, model_admin) for name in names) if row is not None]
    return RecordSection(title=title, rows=rows) if rows else None


def customer_summary(ticket: Ticket) -> RecordSection:
    customer = ticket.customer
    rows = [
        RecordRow(
            label=str(_("name")),
            value=format_html(
                '<a href="{}">{}</a>',
                reverse("admin:tickets_customer_change", args=[customer.pk]),
                customer.name or customer.email,
            ),
        )
    ]
    for name in CUSTOMER_FIELDS:
        field = customer._meta.get_field(name)
        value = getattr(customer, name)
        if value not in ("", None, False):
            rows.append(RecordRow(label=str(field.verbose_name), value=display_for_field(value, field, "")))
    tickets_url = reverse("admin:tickets_ticket_changelist") + "?" + urlencode({"q": customer.email})
    rows.append(RecordRow(label=str(_("tickets")), value=format_html('<a href="{}">{}</a>', tickets_url, _("All"))))
    return RecordSection(title=str(_("Customer")), rows=rows)


def ticket_record_html(request: HttpRequest, ticket: Ticket, model_admin) -> SafeString:
    sections = [
        customer_summary(ticket),
        _section(str(_("Request")), REQUEST_FIELDS, ticket, model_admin),
        _section(str(_("Environment")), ENVIRONMENT_FIELDS, ticket, model_admin),
        _section(str(_("Transaction")), TRANSACTION_FIELDS, ticket, model_admin),
    ]
    return render_to_string(
        "admin/tickets/ticket/_record.html",
        {"sections": [section for section in sections if section is not None]},
        request=request,
    )
