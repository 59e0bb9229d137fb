from datetime import date

from celery import shared_task


@shared_task(acks_late=True, soft_time_limit=20 * 60, time_limit=25 * 60)
def daily_filing_deadline(on: str | None = None) -> dict:
    """Reminders 30/7/1 days before the deadline, the abnormal list the day after it, two-year escalation.
    `on` (ISO date) defaults to today. Safe to run twice: the second run changes nothing."""
    from .deadlines import run_daily  # a task is an edge

    return run_daily(on=date.fromisoformat(on) if on else None)


@shared_task(acks_late=True, soft_time_limit=20 * 60, time_limit=25 * 60)
def apply_filing_deadline(year: int, on: str | None = None) -> dict:
    from .deadlines import apply_deadline, escalate

    day = date.fromisoformat(on) if on else None
    return {"listed": apply_deadline(year=year, on=day), "escalated": escalate(on=day)}
