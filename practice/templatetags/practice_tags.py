from django import template
from django.utils.html import format_html_join

from practice.models import mmss as _mmss

register = template.Library()


@register.filter
def mmss(seconds) -> str:
    """Seconds as m:ss; empty for None."""
    return "" if seconds is None else _mmss(seconds)


CHART_HEIGHT = 110  # plot area height of the bar charts, above the axis at y=120


# Numbers and coordinates for the dashboard's charts, as text: Django localises every number
# it prints (slow when a chart prints hundreds of them), and SVG coordinates must not be
# localised anyway.


@register.filter
def num(value) -> str:
    """An integer as plain digits."""
    return str(int(value))


def _bar_h(value, maximum) -> int:
    return round(CHART_HEIGHT * int(value) / max(int(maximum), 1))


def bar_h(value, maximum) -> str:
    return str(_bar_h(value, maximum))


def bar_y(value, maximum) -> str:
    return str(120 - _bar_h(value, maximum))


def heat_level(value, maximum) -> str:
    """0 for none, then 1-4 by quarter of the busiest day."""
    value, maximum = int(value), int(maximum)
    if not value or not maximum:
        return "0"
    return str(min(4, 1 + (4 * (value - 1)) // maximum))


_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@register.filter
def day_month(day) -> str:
    """ "3 Nov", as |date:"j M" gives in English, for the hundreds of chart labels."""
    return f"{day.day} {_MONTHS[day.month - 1]}"


@register.filter
def weekday_day_month(day) -> str:
    """ "Mon 3 Nov", as |date:"D j M" gives in English."""
    return f"{_DAYS[day.weekday()]} {day.day} {_MONTHS[day.month - 1]}"


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


# The dashboard's charts, built in Python: each is one loop of a few hundred numbers and
# dates, which costs ~10x less here than through template nodes and filters.


@register.simple_tag
def weekly_bars(weeks, week_max) -> str:
    return format_html_join(
        "\n",
        '<rect class="chart-bar" x="{}" width="22" y="{}" height="{}"><title>Week of {}: '
        "{} attempts, {} min</title></rect>",
        (
            (
                i * 30 + 4,
                bar_y(w.attempts, week_max),
                bar_h(w.attempts, week_max),
                day_month(w.start),
                str(w.attempts),
                str(w.minutes),
            )
            for i, w in enumerate(weeks)
        ),
    )


@register.simple_tag
def heatmap_cells(heatmap, heat_max) -> str:
    return format_html_join(
        "",
        '<rect class="heat heat-{}" x="{}" y="{}" width="24" height="12" rx="2">'
        "<title>{}: {}</title></rect>",
        (
            (heat_level(n, heat_max), col * 30 + 4, row * 15 + 2, weekday_day_month(day), str(n))
            for col, week in enumerate(heatmap)
            for row, (day, n) in enumerate(week)
        ),
    )


@register.simple_tag
def forecast_bars(forecast, forecast_max) -> str:
    return format_html_join(
        "\n",
        '<rect class="chart-bar chart-bar-due" x="{}" width="18" y="{}" height="{}">'
        "<title>{}: {} due</title></rect>",
        (
            (
                i * 25 + 6,
                bar_y(n, forecast_max),
                bar_h(n, forecast_max),
                weekday_day_month(day),
                str(n),
            )
            for i, (day, n) in enumerate(forecast)
        ),
    )
