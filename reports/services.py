"""Writes of the statistics: the yearly build (Stat rows) and exports.

The build asks the registered metrics for their rows, grouped in the database by the organization's region
code, type and category, and rolls them up IN SQL to every region level (2, 4, 6, 9 digits and "" for the
nation) and every org_type/category total, replacing the year's Stat rows in the same transaction: readers
see the old figures until the commit, a failure rolls everything back, and running it twice gives the same
rows.

- Metrics of a shared source (reports.registry.Source) are computed together, in one grouped query per
  source. On PostgreSQL that query's rows are rolled up with GROUPING SETS and unpivoted into one row per
  metric in a single INSERT … SELECT; on other databases they go through the staging table like the rest.
- Any other metric's compute() rows go to StatPart (a staging table), which one INSERT … SELECT GROUP BY
  SUBSTR(region, 1, n) per level and type/category total rolls up.
- The figures land in a temporary table and are merged into Stat: only what changed is written."""

import logging
from collections import defaultdict
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from . import registry
from .models import Stat, StatBuild, StatPart

logger = logging.getLogger(__name__)

LEVELS = (2, 4, 6, 9)
# A figure of zero is not stored (readers take a missing figure as zero), but a ratio's zero over a denominator is.
NONZERO = "({value} <> 0 OR COALESCE({denominator}, 0) <> 0)"
STALE_AFTER = timedelta(seconds=getattr(settings, "CELERY_TASK_TIME_LIMIT", 25 * 60) + 60)


def _lock_year(year: int) -> None:
    """One build per year at a time. PostgreSQL: a transaction advisory lock; SQLite: IMMEDIATE transactions
    already serialize writers. On PostgreSQL the build's transaction also gets the memory to group in RAM and
    no JIT (compiling its wide aggregates costs seconds and saves nothing)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [470_001, year])
            cursor.execute("SET LOCAL work_mem = '64MB'")
            cursor.execute("SET LOCAL jit = off")


def _rollup_sql() -> list[str]:
    """INSERT … SELECT statements rolling the staging rows of one build up to every (level, type, category)."""
    part, stat = StatPart._meta.db_table, NEW_FIGURES
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
                    f"INSERT INTO {stat} (metric, year, region, level, org_type, category, value, denominator) "
                    f"SELECT metric, %s, {region}, {level}, {org_type}, {category}, SUM(value), "
                    f"SUM(denominator) FROM {part} WHERE {where_group} GROUP BY {group} "
                    f"HAVING {NONZERO.format(value='SUM(value)', denominator='SUM(denominator)')}"
                )
    return statements


NEW_FIGURES = "reports_stat_new"
KEY = ("year", "metric", "level", "region", "org_type", "category")


def _create_new_figures() -> None:
    """A temporary table for the build's figures, dropped with the transaction's end (or its rollback)."""
    columns = (
        "metric varchar(64) NOT NULL, year smallint NOT NULL, region varchar(9) NOT NULL, level smallint NOT NULL,"
        " org_type varchar(24) NOT NULL, category varchar(24) NOT NULL, value numeric(20, 2) NOT NULL,"
        " denominator numeric(20, 2)"
    )
    on_commit = " ON COMMIT DROP" if connection.vendor == "postgresql" else ""
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {NEW_FIGURES}")
        cursor.execute(f"CREATE TEMPORARY TABLE {NEW_FIGURES} ({columns}){on_commit}")


def _merge_new_figures(year: int, build) -> int:
    """Make the year's Stat rows the new figures, writing only what changed: figures gone are deleted, changed
    ones updated, new ones inserted (each with this build). Unchanged rows keep the build that wrote them, and
    a nightly rebuild that finds the same figures writes nothing (no dead rows, no index churn). Returns the
    number of the year's figures."""
    stat, new = Stat._meta.db_table, NEW_FIGURES
    same_key = " AND ".join(f"n.{column} = {stat}.{column}" for column in KEY)
    changed = f"(n.value <> {stat}.value OR COALESCE(n.denominator, -1) <> COALESCE({stat}.denominator, -1))"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Each comparison is one hash join over the year's figures (millions of rows): the planner, left to
            # itself, sorts both sides by their text keys or probes the index once per row, several times slower.
            cursor.execute(f"ANALYZE {new}")
            cursor.execute("SET LOCAL work_mem = '256MB'")
            cursor.execute("SET LOCAL enable_mergejoin = off")
            cursor.execute("SET LOCAL enable_nestloop = off")
            # Each statement reads all the year's figures: in table order (a bitmap scan), not in key order.
            cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute(
            f"DELETE FROM {stat} WHERE year = %s AND NOT EXISTS (SELECT 1 FROM {new} n WHERE {same_key})",
            [year],
        )
        if connection.vendor == "postgresql":
            cursor.execute(
                f"UPDATE {stat} SET value = n.value, denominator = n.denominator, build_id = %s FROM {new} n "
                f"WHERE {stat}.year = %s AND {same_key} AND {changed}",
                [build.pk, year],
            )
        else:  # the same without UPDATE … FROM (SQLite before 3.33)
            cursor.execute(
                f"UPDATE {stat} SET value = (SELECT n.value FROM {new} n WHERE {same_key}), "
                f"denominator = (SELECT n.denominator FROM {new} n WHERE {same_key}), build_id = %s "
                f"WHERE {stat}.year = %s AND EXISTS (SELECT 1 FROM {new} n WHERE {same_key} AND {changed})",
                [build.pk, year],
            )
        cursor.execute(
            f"INSERT INTO {stat} (metric, year, region, level, org_type, category, value, denominator, build_id) "
            f"SELECT n.metric, n.year, n.region, n.level, n.org_type, n.category, n.value, n.denominator, %s "
            f"FROM {new} n WHERE NOT EXISTS (SELECT 1 FROM {stat} WHERE {stat}.year = %s AND {same_key})",
            [build.pk, year],
        )
        cursor.execute(f"SELECT COUNT(*) FROM {new}")
        (figures,) = cursor.fetchone()
        cursor.execute(f"DROP TABLE {new}")
    return figures


def _shared_sql(source, metrics, year) -> tuple[str, list, list[str]]:
    """The grouped query of a source with the aggregates of all its metrics (value0, denominator0, …)."""
    aggregates = {}
    for index, metric in enumerate(metrics):
        aggregates.update(metric.aggregates(year, suffix=str(index)))
    rows = source.grouped(year, aggregates)
    sql, params = rows.query.get_compiler(connection=connection).as_sql()
    return sql, list(params), list(aggregates)


def _numeric(column: str | None, default: str) -> str:
    return f"CAST(COALESCE({column}, {default}) AS NUMERIC)" if column else "CAST(NULL AS NUMERIC)"


def _write_shared_staged(source, metrics, year, build) -> None:
    """The source's grouped rows, one staging row per metric and group (UNION ALL over one CTE)."""
    sql, params, columns = _shared_sql(source, metrics, year)
    selects, select_params = [], []
    for index, metric in enumerate(metrics):
        denominator = f"q.denominator{index}" if f"denominator{index}" in columns else None
        selects.append(
            "SELECT %s, %s, COALESCE(q.stat_region, ''), COALESCE(q.stat_org_type, ''), "
            f"COALESCE(q.stat_category, ''), {_numeric(f'q.value{index}', '0')}, {_numeric(denominator, 'NULL')} "
            "FROM q"
        )
        select_params += [build.pk, metric.code]
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH q AS ({sql}) INSERT INTO {StatPart._meta.db_table} "
            "(build_id, metric, region, org_type, category, value, denominator) "
            + " UNION ALL ".join(selects),
            [*params, *select_params],
        )


def _write_shared_rolled_up(source, metrics, year) -> None:
    """PostgreSQL: the source's grouped rows rolled up to every (level, type, category) with GROUPING SETS,
    then one Stat row per metric (LATERAL VALUES), in one statement."""
    sql, params, columns = _shared_sql(source, metrics, year)
    prefixes = ", ".join(
        f"CASE WHEN LENGTH(stat_region) >= {n} THEN SUBSTR(stat_region, 1, {n}) END AS r{n}" for n in LEVELS
    )
    sets = [
        "(" + ", ".join([*([f"r{level}"] if level else []), *keys]) + ")"
        for level in (0, *LEVELS)
        for keys in ((), ("t",), ("c",), ("t", "c"))
    ]
    # A group of rows that lack the grouped key (a city-level organization in a county set, no type) is dropped.
    complete = " AND ".join(
        f"(GROUPING({key}) = 1 OR {key} IS NOT NULL)" for key in (*(f"r{n}" for n in LEVELS), "t", "c")
    )
    level = "CASE " + " ".join(f"WHEN GROUPING(r{n}) = 0 THEN {n}" for n in reversed(LEVELS)) + " ELSE 0 END"
    region = "COALESCE(" + ", ".join(f"r{n}" for n in reversed(LEVELS)) + ", '')"
    sums = ", ".join(f"SUM({column}) AS {column}" for column in columns)
    values = []
    for index in range(len(metrics)):
        denominator = f"g.denominator{index}" if f"denominator{index}" in columns else None
        values.append(f"(%s, {_numeric(f'g.value{index}', '0')}, {_numeric(denominator, 'NULL')})")
    with connection.cursor() as cursor:
        cursor.execute(
            f"""WITH q AS ({sql}),
            g AS (
                SELECT {level} AS level, {region} AS region, COALESCE(t, '') AS org_type,
                       COALESCE(c, '') AS category, {sums}
                FROM (SELECT {prefixes}, NULLIF(stat_org_type, '') AS t, NULLIF(stat_category, '') AS c,
                             {", ".join(columns)} FROM q) b
                GROUP BY GROUPING SETS ({", ".join(sets)})
                HAVING {complete}
            )
            INSERT INTO {NEW_FIGURES} (metric, year, region, level, org_type, category, value, denominator)
            SELECT v.metric, %s, g.region, g.level, g.org_type, g.category, v.value, v.denominator
            FROM g CROSS JOIN LATERAL (VALUES {", ".join(values)}) v(metric, value, denominator)
            WHERE {NONZERO.format(value="v.value", denominator="v.denominator")}""",
            [*params, year, *(metric.code for metric in metrics)],
        )


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
            shared = defaultdict(list)
            for metric in metrics:
                if metric.source is not None:
                    shared[metric.source].append(metric)
                else:
                    StatPart.objects.bulk_create(_rows_of(metric, year, build), batch_size=2000)
            _create_new_figures()
            for source, members in shared.items():
                if connection.vendor == "postgresql":
                    _write_shared_rolled_up(source, members, year)
                else:
                    _write_shared_staged(source, members, year, build)
            with connection.cursor() as cursor:
                for sql in _rollup_sql():
                    cursor.execute(sql, [year, build.pk])
            StatPart.objects.filter(build=build).delete()
            rows = _merge_new_figures(year, build)
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
