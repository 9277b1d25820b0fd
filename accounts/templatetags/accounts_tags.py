from datetime import timedelta

from django import template

register = template.Library()


@register.filter
def in_minutes(value: timedelta | None) -> str:
    """A cool-off period in words: "15 minutes", "1 minute"."""
    if not value:
        return "a few minutes"
    minutes = max(1, round(value.total_seconds() / 60))
    return f"{minutes} minute{'s' if minutes != 1 else ''}"
