"""The ticket page's transaction-status panel and its "check now" button (mixed into TicketAdmin).

The panel renders the stored ChainLookup the ticket query already loaded (select_related): no query, no
network call while the page renders. "Check now" posts to its own URL, which enqueues the lookup job
(tickets.onchain.services.chain_lookup_request) and comes back to the ticket.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from tickets.admin.panels import SIDE, TicketPanel, register_ticket_panel
from tickets.chains import CHAIN_LABELS
from tickets.models import Ticket
from tickets.onchain import services
from tickets.onchain.models import ChainLookup


def onchain_panel_context(request: HttpRequest, ticket: Ticket) -> dict | None:
    """On transaction cases (a chain and a hash): the latest lookup of this very transaction, or why there is none."""
    chain, tx_hash = ticket.chain.strip().lower(), ticket.tx_hash.strip()
    if not chain or not tx_hash:
        return None
    lookup: ChainLookup | None = getattr(ticket, "chain_lookup", None)
    if lookup is not None and (lookup.chain, lookup.tx_hash) != (chain, tx_hash):
        lookup = None  # answered for a hash the ticket no longer has
    configured = chain in settings.ONCHAIN_PROVIDERS
    return {
        "lookup": lookup,
        "configured": configured,
        "chain_label": CHAIN_LABELS.get(chain, chain),
        "check_url": reverse("admin:tickets_ticket_onchain_check", args=[ticket.pk]),
        "queued": lookup is not None
        and lookup.requested_at is not None
        and (lookup.checked_at is None or lookup.checked_at < lookup.requested_at),
    }


register_ticket_panel(
    TicketPanel(
        key="tickets.onchain",
        template="admin/tickets/onchain/_panel.html",
        order=620,
        context=onchain_panel_context,
        column=SIDE,
    )
)


class TicketOnchainAdminMixin:
    """Mixed into TicketAdmin: the "check now" URL."""

    def get_urls(self):
        check = self.admin_site.admin_view(self.onchain_check_view)
        return [path("<id:pk>/onchain-check/", check, name="tickets_ticket_onchain_check"), *super().get_urls()]

    def onchain_check_view(self, request: HttpRequest, pk: int) -> HttpResponseRedirect:
        return _check(request, pk, self)


@require_POST
def _check(request: HttpRequest, pk: int, model_admin) -> HttpResponseRedirect:
    ticket = Ticket.objects.visible_to(request.user).filter(pk=pk).only("pk", "chain", "tx_hash").first()
    if ticket is None:
        raise Http404
    try:
        queued = services.chain_lookup_request(ticket=ticket, actor=request.user)
    except PermissionDenied as error:
        raise Http404 from error
    if queued:
        model_admin.message_user(request, _("On-chain check queued: the result shows here in a few seconds."))
    else:
        model_admin.message_user(request, _("No new check: one is already on its way or the lookup failed."),
                                 messages.WARNING)  # fmt: skip
    return HttpResponseRedirect(reverse("admin:tickets_ticket_change", args=[pk]))
