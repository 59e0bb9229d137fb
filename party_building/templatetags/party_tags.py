from django import template

register = template.Library()


@register.filter
def percent(rate) -> str:
    """0.6 → "60.0%"; no denominator → "—"."""
    if rate is None or rate == "":
        return "—"
    return f"{float(rate) * 100:.1f}%"
