"""Helpers for the login throttle (django-axes) and the password-reset mail limit."""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    """The address a login attempt came from.

    Behind the one reverse proxy of the deployment notes (BEHIND_HTTPS_PROXY=1), that is the
    last address the proxy appended to X-Forwarded-For; anything before it was written by the
    client and cannot be trusted. Otherwise it is the socket's peer.
    """
    if settings.BEHIND_HTTPS_PROXY:
        forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        if forwarded and forwarded[-1]:
            return forwarded[-1]
    return request.META.get("REMOTE_ADDR", "")


# Password-reset mail: at most this many per hour for one address, and from one client.
RESET_MAILS_PER_ADDRESS = 5
RESET_MAILS_PER_CLIENT = 10
RESET_WINDOW_SECONDS = 60 * 60


def reset_mail_allowed(request: HttpRequest, email: str) -> bool:
    """Whether another password-reset mail may go out (and count it if so).

    Without a limit, anyone could fill a user's inbox, or use the site to send mail at
    volume (found in review). The price: someone who sends an address's five first can
    delay its owner's reset by up to an hour. Counted in the cache: with per-process caches
    each worker counts on its own, so the real limit is this many times the number of
    workers.
    """
    address = hashlib.sha256(email.strip().lower().encode()).hexdigest()[:32]
    keys = {
        f"reset-mail:address:{address}": RESET_MAILS_PER_ADDRESS,
        f"reset-mail:client:{client_ip(request)}": RESET_MAILS_PER_CLIENT,
    }
    allowed = True
    for key, limit in keys.items():
        # Count first, then compare what the count became, so two requests at once can't
        # both see room for one.
        if cache.add(key, 1, RESET_WINDOW_SECONDS):
            count = 1
        else:
            try:
                count = cache.incr(key)
            except ValueError:  # expired between add and incr
                cache.add(key, 1, RESET_WINDOW_SECONDS)
                count = 1
        allowed = allowed and count <= limit
    return allowed
