"""Checks a server runs before it answers anyone (imported by wsgi.py and asgi.py)."""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def refuse_insecure_defaults() -> None:
    """Without DEBUG, refuse the development SECRET_KEY: it is in the source, so anyone could
    sign cookies and password-reset links with it. (`check --deploy` warns too, but only if
    someone runs it.)"""
    if not settings.DEBUG and settings.SECRET_KEY == settings.DEV_SECRET_KEY:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set it to a long random value in the environment "
            "(see README: Deploying), or set DEBUG=1 for development."
        )
