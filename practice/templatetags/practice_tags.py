from django import template

from practice.models import mmss as _mmss

register = template.Library()


@register.filter
def mmss(seconds) -> str:
    """Seconds as m:ss; empty for None."""
    return "" if seconds is None else _mmss(seconds)


CHART_HEIGHT = 110  # plot area height of the bar charts, above the axis at y=120


@register.filter
def mul(value, factor) -> int:
    return int(value) * int(factor)


@register.filter
def bar_h(value, maximum) -> int:
    return round(CHART_HEIGHT * int(value) / max(int(maximum), 1))


@register.filter
def bar_y(value, maximum) -> int:
    return 120 - bar_h(value, maximum)


@register.filter
def heat_level(value, maximum) -> int:
    """0 for none, then 1-4 by quarter of the busiest day."""
    value, maximum = int(value), int(maximum)
    if not value or not maximum:
        return 0
    return min(4, 1 + (4 * (value - 1)) // maximum)


@register.filter
def bucket(pct) -> int:
    """A percentage rounded to the nearest 5, for the CSS width classes (no inline styles)."""
    return max(0, min(100, 5 * round(int(pct) / 5)))


@register.filter
def percent(value) -> str:
    return f"{round(100 * float(value))}%"


COACH_LABELS = {
    "missing_situation": "Situation missing",
    "missing_task": "Task missing",
    "missing_action": "Action missing",
    "missing_result": "Result missing",
    "result_not_quantified": "Result not measured",
    "blames_others": "Blames others",
    "we_instead_of_i": "“We” instead of “I”",
    "filler_words": "Filler words",
    "too_short": "Too short",
    "too_long": "Too long",
}


@register.filter
def coach_label(code: str) -> str:
    return COACH_LABELS.get(code, code)
