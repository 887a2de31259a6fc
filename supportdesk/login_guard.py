"""Per-account sign-in guard: slow password guessing without locking the real user out.

A lock-out after N failures lets anyone who knows an address lock its owner out. Instead:
after LOGIN_GUARD_FREE_FAILURES failed attempts on one account within the window, each
further attempt must wait a delay that doubles with every failure (up to a maximum), but
only for client addresses that never signed in to that account; from an address the owner
signed in from before, nothing changes. The owner is emailed once per window when the
delays start. Counters live in the Django cache (Redis when CACHE_URL points to it).
Client addresses come from supportdesk.kit.client_ip (TRUSTED_PROXIES).
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone

from supportdesk.kit.client_ip import client_ip
from supportdesk.kit.mail import send_rendered_mail

KNOWN_ADDRESS_SECONDS = 90 * 24 * 60 * 60


def _digest(value: str) -> str:
    # Cache keys name no address or login in clear (Redis dumps, monitoring).
    return hashlib.sha256(value.strip().lower().encode()).hexdigest()[:32]


def _failures_key(login: str) -> str:
    return f"login-guard:failures:{_digest(login)}"


def _known_key(user_pk: int, address: str) -> str:
    return f"login-guard:known:{user_pk}:{_digest(address)}"


def _user_for(login: str):
    login = login.strip()
    if not login:
        return None
    return (
        get_user_model()
        .objects.filter(Q(username__iexact=login) | Q(email__iexact=login) | Q(emailaddress__email__iexact=login))
        .distinct()
        .order_by("pk")
        .first()
    )


def delay_for(failures: int) -> int:
    """Seconds an attempt must wait after `failures` failed ones (0 while under the free allowance)."""
    over = failures - settings.LOGIN_GUARD_FREE_FAILURES
    if over < 0:
        return 0
    return min(settings.LOGIN_GUARD_BASE_DELAY_SECONDS * 2**over, settings.LOGIN_GUARD_MAX_DELAY_SECONDS)


def _is_known_address(request: HttpRequest, login: str) -> bool:
    user = _user_for(login)
    return user is not None and cache.get(_known_key(user.pk, client_ip(request))) is not None


def seconds_to_wait(request: HttpRequest, *, login: str) -> int:
    """How long this client must still wait before trying `login` again (0: go ahead)."""
    state = cache.get(_failures_key(login))
    if not state:
        return 0
    remaining = state["last"] + delay_for(state["count"]) - timezone.now().timestamp()
    if remaining <= 0 or _is_known_address(request, login):
        return 0
    return int(remaining) + 1


def failure_record(request: HttpRequest, *, login: str) -> None:
    """Count a failed attempt; the first time delays start in a window, email the account's owner."""
    key = _failures_key(login)
    state = cache.get(key) or {"count": 0, "last": 0.0, "notified": False}
    state["count"] += 1
    state["last"] = timezone.now().timestamp()
    notify = not state["notified"] and delay_for(state["count"]) > 0
    state["notified"] = state["notified"] or notify
    cache.set(key, state, settings.LOGIN_GUARD_WINDOW_SECONDS)
    if notify:
        user = _user_for(login)
        if user is not None and user.email:
            send_rendered_mail(
                to=[user.email],
                language=None,
                subject_template="supportdesk/email/failed_logins_subject.txt",
                text_template="supportdesk/email/failed_logins_message.txt",
                context={"user": user, "failures": state["count"], "site_url": settings.SITE_URL},
            )


def success_record(request: HttpRequest, *, user, login: str) -> None:
    """Remember the address the owner signed in from, and clear the account's failures."""
    cache.set(_known_key(user.pk, client_ip(request)), 1, KNOWN_ADDRESS_SECONDS)
    cache.delete(_failures_key(login))
