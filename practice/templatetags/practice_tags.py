from django import template

from practice.models import mmss as _mmss

register = template.Library()


@register.filter
def mmss(seconds) -> str:
    """Seconds as m:ss; empty for None."""
    return "" if seconds is None else _mmss(seconds)
