from celery import shared_task

from .annual_reports.tasks import apply_filing_deadline, daily_filing_deadline  # noqa: F401  (beat tasks)
from .registration.tasks import lapse_preparations  # noqa: F401  (registration: beat task)


@shared_task(acks_late=True, soft_time_limit=20 * 60, time_limit=25 * 60)
def rebuild_search_columns(region_code: str = "") -> int:
    """Recompute the search columns (pinyin initials, name pairs) of a region's organizations; safe to run twice."""
    from .services import search_columns_rebuild

    return search_columns_rebuild(region_code=region_code)
