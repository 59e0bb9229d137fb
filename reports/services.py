"""Writes of the statistics: the yearly build (Stat rows) and exports.

The build asks each registered metric for its rows, grouped in the database by the organization's region
code, type and category (StatPart, a staging table), then rolls them up IN SQL — one INSERT … SELECT
GROUP BY SUBSTR(region, 1, n) per region level (2, 4, 6, 9 digits and "" for the nation) and per
org_type/category total — replacing the year's Stat rows in the same transaction: readers see the old
figures until the commit, a failure rolls everything back, and running it twice gives the same rows."""

import logging
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from . import registry
from .models import Stat, StatBuild, StatPart

logger = logging.getLogger(__name__)

LEVELS = (2, 4, 6, 9)
STALE_AFTER = timedelta(seconds=getattr(settings, "CELERY_TASK_TIME_LIMIT", 25 * 60) + 60)


def _lock_year(year: int) -> None:
    """One build per year at a time. PostgreSQL: a transaction advisory lock; SQLite: IMMEDIATE transactions
    already serialize writers."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [470_001, year])


def _rollup_sql() -> list[tuple[str, list]]:
    """INSERT … SELECT statements rolling the staging rows of one build up to every (level, type, category)."""
    part, stat = StatPart._meta.db_table, Stat._meta.db_table
    statements = []
    for level in (0, *LEVELS):
        region = f"SUBSTR(region, 1, {level})" if level else "''"
        where = f"build_id = %s AND LENGTH(region) >= {level}" if level else "build_id = %s"
        for by_type in (True, False):
            for by_category in (True, False):
                org_type = "org_type" if by_type else "''"
                category = "category" if by_category else "''"
                group = ", ".join(
                    ["metric", *([region] if level else []), *(["org_type"] if by_type else [])]
                    + (["category"] if by_category else [])
                )
                # A row without a type/category counts in the "all" totals only ("" is the "all" key).
                where_group = (
                    where
                    + (" AND org_type <> ''" if by_type else "")
                    + (" AND category <> ''" if by_category else "")
                )
                statements.append(
                    f"INSERT INTO {stat} (metric, year, region, level, org_type, category, value, denominator, "
                    f"build_id) SELECT metric, %s, {region}, {level}, {org_type}, {category}, SUM(value), "
                    f"SUM(denominator), %s FROM {part} WHERE {where_group} GROUP BY {group}"
                )
    return statements


def _rows_of(metric, year, build):
    for row in metric.compute(year):
        value = row.get("value")
        denominator = row.get("denominator")
        yield StatPart(
            build=build,
            metric=metric.code,
            region=row.get("region") or "",
            org_type=row.get("org_type") or "",
            category=row.get("category") or "",
            value=Decimal(value or 0),
            denominator=None if denominator is None else Decimal(denominator),
        )


def _fail_stale_builds() -> None:
    """A build killed half-way (worker lost) leaves its StatBuild running; its transaction never committed."""
    StatBuild.objects.filter(
        status=StatBuild.Status.RUNNING, started_at__lt=timezone.now() - STALE_AFTER
    ).update(
        status=StatBuild.Status.FAILED, error="Interrupted (no finish recorded).", finished_at=timezone.now()
    )


def stats_rebuild_year(*, year: int, metrics=None) -> StatBuild:
    """Replace the figures of `year` (all registered metrics). Returns the StatBuild (status done or failed).

    Raises the metric's exception after recording it on the failed StatBuild; the previous figures stay."""
    _fail_stale_builds()
    build = StatBuild.objects.create(year=year, scope="year")
    metrics = list(metrics) if metrics is not None else registry.all()
    try:
        with transaction.atomic():
            _lock_year(year)
            for metric in metrics:
                StatPart.objects.bulk_create(_rows_of(metric, year, build), batch_size=2000)
            Stat.objects.filter(year=year).delete()
            with connection.cursor() as cursor:
                for sql in _rollup_sql():
                    cursor.execute(sql, [year, build.pk, build.pk])
            StatPart.objects.filter(build=build).delete()
            rows = Stat.objects.filter(build=build).count()
            StatBuild.objects.filter(pk=build.pk).update(
                status=StatBuild.Status.DONE, rows=rows, finished_at=timezone.now()
            )
    except Exception as error:
        logger.exception("Statistics build of %s failed", year)
        StatBuild.objects.filter(pk=build.pk).update(
            status=StatBuild.Status.FAILED,
            error=f"{type(error).__name__}: {error}"[:5000],
            finished_at=timezone.now(),
        )
        build.refresh_from_db()
        raise
    build.refresh_from_db()
    return build


def recent_years(today=None) -> list[int]:
    today = today or timezone.localdate()
    return [today.year - 1, today.year]
