"""Helpers for the login throttle (django-axes)."""

from django.conf import settings
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
