from celery import shared_task


@shared_task(acks_late=True, soft_time_limit=20 * 60, time_limit=25 * 60)
def campaign_populate(campaign_id: int) -> int:
    """Write a campaign's targets in the background (100,000 organizations and more)."""
    from .services import campaign_populate as populate

    return populate(campaign_id=campaign_id)


@shared_task(acks_late=True)
def deadline_reminders() -> int:
    """Daily: remind associations 7 and 1 days before their rectification deadline (idempotent)."""
    from .services import deadline_reminders_send

    return deadline_reminders_send()
