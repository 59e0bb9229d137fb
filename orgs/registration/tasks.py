from celery import shared_task


@shared_task(
    name="orgs.tasks.lapse_preparations", acks_late=True, soft_time_limit=20 * 60, time_limit=25 * 60
)
def lapse_preparations() -> int:
    """Approved preparations past their 6 months without an establishment lapse; safe to run twice."""
    from .services import preparations_lapse

    return preparations_lapse()
