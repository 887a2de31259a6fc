"""Who may use the customer pages of the portal."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from tickets.selectors import customer_for_user


def customer_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Signed-in customers only; the view receives their Customer as `request.customer`.

    Staff work in the admin (their visibility there is wider than one
    customer's), so the portal sends them to it rather than showing them
    other people's tickets as if they were their own.
    """

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if user.is_staff:
            return redirect("admin:index")
        customer = customer_for_user(user=user)
        if customer is None:
            return render(request, "portal/unlinked.html", status=403)
        request.customer = customer
        return view(request, *args, **kwargs)

    return wrapper
