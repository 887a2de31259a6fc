"""Link a portal login to an existing customer record with the code our agent sent to its address or phone."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from tickets import services
from tickets.forms import LinkAccountForm
from tickets.safety.services import verification
from tickets.selectors import customer_for_user


@require_http_methods(["GET", "HEAD", "POST"])
def link_account(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if request.user.is_staff:
        return redirect("admin:index")
    if customer_for_user(user=request.user) is not None:
        return redirect("portal:request_list")
    form = LinkAccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            result = services.customer_link_by_code(
                user=request.user, ticket_id=form.cleaned_data["reference"], code=form.cleaned_data["code"].strip()
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if result == verification.VERIFIED:
                messages.success(request, _("Your sign-in is now linked to your requests."))
                return redirect("portal:request_list")
            form.add_error("code", _("That code does not work for this request. Ask your agent for a new one."))
    return render(request, "portal/link_account.html", {"form": form})
