from celery import shared_task


@shared_task(acks_late=True, soft_time_limit=20 * 60, time_limit=25 * 60)
def stats_build_year(year: int) -> int:
    """Rebuild one year's figures; returns the number of Stat rows. Safe to run twice."""
    from reports.services import stats_rebuild_year  # a task is an edge

    return stats_rebuild_year(year=int(year)).rows


@shared_task(acks_late=True)
def stats_build_recent() -> list[int]:
    """Nightly (beat entry "reports-nightly-build"): the current and the previous year."""
    from reports.services import recent_years, stats_rebuild_year

    return [stats_rebuild_year(year=year).rows for year in recent_years()]


@shared_task(acks_late=True, soft_time_limit=60 * 60, time_limit=65 * 60)
def export_run(export_id: int) -> None:
    from reports.exports import export_write

    export_write(export_id=export_id)
