"""Working days on the official calendar of public holidays and adjusted working days (调休).

The `chinese_calendar` package knows the years the State Council has announced and raises
NotImplementedError for later ones. For such a year the admin's CalendarDay entries decide a date; without
an entry, Monday–Friday are working days and the date is *provisional* (until the year's entries exist).
Nothing here ever raises for a future date, so a deadline in an unannounced year never crashes a page.
"""

import time
from datetime import date, timedelta

import chinese_calendar

_CACHE_SECONDS = 60
_admin_cache: dict[int, tuple[float, dict[date, bool]]] = {}


def _package_knows(d: date) -> bool | None:
    """The package's answer (True: working day), or None when it does not know the year."""
    try:
        return chinese_calendar.is_workday(d)
    except NotImplementedError:
        return None


def _admin_days(year: int) -> dict[date, bool]:
    """The admin's CalendarDay entries of a year (cached for a minute per process)."""
    now = time.monotonic()
    cached = _admin_cache.get(year)
    if cached and now - cached[0] < _CACHE_SECONDS:
        return cached[1]
    from .models import CalendarDay

    days = dict(CalendarDay.objects.filter(date__year=year).values_list("date", "is_working_day"))
    _admin_cache[year] = (now, days)
    return days


def clear_cache() -> None:
    _admin_cache.clear()


def is_working_day(d: date) -> bool:
    known = _package_knows(d)
    if known is not None:
        return known
    entry = _admin_days(d.year).get(d)
    if entry is not None:
        return entry
    return d.weekday() < 5


def is_provisional(d: date | None) -> bool:
    """True when neither the package nor the admin has the date's year: Monday–Friday is only a guess."""
    if d is None or _package_knows(d) is not None:
        return False
    return not _admin_days(d.year)


def add_working_days(start: date, n: int) -> date:
    """The n-th working day after `start` (`start` itself not counted); n = 0 gives `start`."""
    day = start
    remaining = n
    while remaining > 0:
        day += timedelta(days=1)
        if is_working_day(day):
            remaining -= 1
    return day


def working_days_between(a: date, b: date) -> int:
    """Working days after `a` up to and including `b` (0 when b <= a): add_working_days(a, n) has n of them."""
    count = 0
    day = a
    while day < b:
        day += timedelta(days=1)
        if is_working_day(day):
            count += 1
    return count
