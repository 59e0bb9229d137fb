"""The build against figures computed independently, here, from the world's objects in Python."""

from datetime import date, datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from orgs.models import AnnualReport, CreditListEntry, Organization, Rating
from orgs.models.annual_reports import REPORT_SECTIONS
from reports import registry, selectors
from reports.models import Stat, StatBuild, StatPart
from reports.registry import Metric
from reports.services import stats_rebuild_year

from .conftest import REGIONS, Y1, Y2

TYPES = ["", "social_group", "social_service_agency", "foundation"]
OUTCOMES = [*REPORT_SECTIONS["outcomes"], "members", "staff"]
FILED = {"submitted", "unit_reviewed", "accepted"}


def figure(metric, year, region, org_type="", category=""):
    row = Stat.objects.filter(
        metric=metric, year=year, region=region, org_type=org_type, category=category
    ).first()
    if row is None:
        return Decimal(0), None
    return row.value, row.denominator


def existed(org, year):
    end = date(year, 12, 31)
    if org.registered_on and org.registered_on > end:
        return False
    gone = org.status in ("deregistered", "revoked") and (
        org.deregistered_on is None or org.deregistered_on <= end
    )
    return not gone


def status_at_end(org, year):
    """The last recorded status before the next year, else the current one."""
    next_year = datetime(year + 1, 1, 1, tzinfo=timezone.get_current_timezone())
    records = [
        h for h in Organization.history.model.objects.all() if h.id == org.pk and h.history_date < next_year
    ]
    return max(records, key=lambda h: (h.history_date, h.history_id)).status if records else org.status


def expected_figures(year, region, org_type) -> dict:
    """Every orgs metric for one cell, by plain Python over the rows (no ORM aggregation)."""
    end = date(year, 12, 31)
    orgs = [
        o for o in Organization.objects.all()
        if o.region_id.startswith(region) and (not org_type or o.org_type == org_type)
    ]  # fmt: skip
    ids = {o.pk for o in orgs}
    reports = [r for r in AnnualReport.objects.all() if r.organization_id in ids and r.year == year]
    accepted = [r for r in reports if r.status == "accepted"]
    alive = [o for o in orgs if existed(o, year)]
    filed = {r.organization_id for r in reports if r.status in FILED}
    out = {
        "orgs_total": len(alive),
        "orgs_active": sum(status_at_end(o, year) == "active" for o in alive),
        "orgs_abnormal": sum(status_at_end(o, year) == "abnormal" for o in alive),
        "orgs_new": sum(bool(o.registered_on) and o.registered_on.year == year for o in orgs),
        "orgs_deregistered": sum(
            o.status in ("deregistered", "revoked")
            and bool(o.deregistered_on)
            and o.deregistered_on.year == year
            for o in orgs
        ),
        "reports_accepted": len(accepted),
        "filing_rate": (sum(o.pk in filed for o in alive), len(alive)),
    }
    for name in OUTCOMES:
        code = "reported_enterprises_benefiting" if name == "enterprises_benefiting" else name
        if name == "members":
            out[code] = sum(r.members_unit + r.members_individual for r in accepted)
        else:
            out[code] = sum(getattr(r, name) for r in accepted)
    ratings = [
        r for r in Rating.objects.all() if r.organization_id in ids and r.awarded_on <= end <= r.valid_until
    ]
    rated = {o.pk for o in alive}
    out["rated_total"] = len({r.organization_id for r in ratings if r.organization_id in rated})
    for grade in range(1, 6):
        out[f"rated_{grade}a"] = len(
            {r.organization_id for r in ratings if r.grade == grade and r.organization_id in rated}
        )
    entries = [
        e for e in CreditListEntry.objects.all()
        if e.organization_id in rated and e.listed_on <= end and (e.removed_on is None or e.removed_on > end)
    ]  # fmt: skip
    out["abnormal_listed"] = len({e.organization_id for e in entries if e.list == "abnormal"})
    out["serious_listed"] = len({e.organization_id for e in entries if e.list == "serious"})
    return out


def test_the_world_has_what_the_checks_need(built):
    statuses = set(AnnualReport.objects.values_list("status", flat=True))
    assert {"accepted", "returned", "draft", "submitted"} <= statuses
    assert registry.get("reported_enterprises_benefiting").app == "orgs"
    assert registry.get("enterprises_benefiting").app == "fees"
    assert not registry.conflicts()


@pytest.mark.parametrize("year", [Y1, Y2])
def test_every_orgs_metric_equals_independent_sums(built, year):
    orgs_metrics = [m for m in registry.all() if m.app == "orgs"]
    assert len(orgs_metrics) >= 30
    checked = 0
    for region in REGIONS:
        for org_type in TYPES:
            expected = expected_figures(year, region, org_type)
            assert set(expected) == {m.code for m in orgs_metrics}
            for metric in orgs_metrics:
                value, denominator = figure(metric.code, year, region, org_type)
                if metric.is_ratio:
                    numerator, expected_denominator = expected[metric.code]
                    assert (value, denominator or 0) == (numerator, expected_denominator), (
                        metric.code,
                        region,
                        org_type,
                    )
                else:
                    assert value == expected[metric.code], (metric.code, region, org_type)
                checked += 1
    assert checked == len(orgs_metrics) * len(REGIONS) * len(TYPES)
    # The world is not trivially empty: the figures being compared are mostly non-zero.
    assert figure("jobs_posted", year, "")[0] > 0 and figure("orgs_total", year, "3205")[0] > 0


def test_status_figures_read_the_status_at_the_end_of_the_year(built):
    # x2 (无锡) is abnormal today but was active at the end of both years; g2 (姑苏) was abnormal at the end of Y1.
    assert built.orgs["x2"].status == "abnormal"
    assert figure("orgs_abnormal", Y2, "320211")[0] == 0 and figure("orgs_active", Y2, "320211")[0] == 2
    assert figure("orgs_abnormal", Y1, "320508")[0] == 1 and figure("orgs_abnormal", Y2, "320508")[0] == 0


def test_drafts_returned_and_submitted_reports_never_count(built):
    accepted = AnnualReport.objects.filter(year=Y2, status="accepted")
    not_accepted = AnnualReport.objects.filter(year=Y2).exclude(status="accepted")
    assert not_accepted.filter(status__in=["draft", "returned", "submitted"]).count() >= 3
    assert figure("jobs_posted", Y2, "")[0] == sum(r.jobs_posted for r in accepted)
    assert figure("reports_accepted", Y2, "")[0] == accepted.count()
    # 姑苏区's foundation g3 has only a draft: no outcome counted for foundations of 姑苏区.
    assert figure("jobs_posted", Y2, "320508", "foundation")[0] == 0
    # 无锡's x2 has only a returned report.
    assert figure("funds_raised", Y2, "320211", "foundation")[0] == 0


def test_a_city_is_the_sum_of_its_districts_and_rates_roll_up_from_sums(built):
    for metric in registry.all():
        for year in (Y1, Y2):
            city_value, city_denominator = figure(metric.code, year, "3205")
            districts = Stat.objects.filter(
                metric=metric.code, year=year, level=6, region__startswith="3205", org_type="", category=""
            )
            assert city_value == sum((s.value for s in districts), Decimal(0)), metric.code
            if metric.is_ratio:
                assert (city_denominator or 0) == sum((s.denominator or 0 for s in districts), Decimal(0))
    # The filing rate of the province is numerator/denominator of sums, not the mean of the cities' rates.
    province = Stat.objects.get(metric="filing_rate", year=Y2, region="32", org_type="", category="")
    cities = Stat.objects.filter(metric="filing_rate", year=Y2, level=4, org_type="", category="")
    assert province.value == sum(c.value for c in cities)
    assert province.denominator == sum(c.denominator for c in cities)
    rates = [c.rate for c in cities]
    assert province.rate != sum(rates) / len(rates)  # the world is built so that the two differ


def test_types_and_categories_add_up_to_the_total(built):
    for metric in registry.all():
        total = figure(metric.code, Y2, "3205")[0]
        by_type = Stat.objects.filter(metric=metric.code, year=Y2, region="3205", category="").exclude(
            org_type=""
        )
        by_category = Stat.objects.filter(metric=metric.code, year=Y2, region="3205", org_type="").exclude(
            category=""
        )
        assert sum((s.value for s in by_type), Decimal(0)) == total, metric.code
        assert sum((s.value for s in by_category), Decimal(0)) == total, metric.code


@pytest.mark.parametrize("year", [Y1, Y2])
def test_every_drilldown_sums_to_its_figure(built, national_admin, year):
    for metric in registry.all():
        for region in REGIONS:
            rows = selectors.drilldown(user=national_admin, metric=metric.code, year=year, region=region)
            assert selectors.drilldown_total(rows) == figure(metric.code, year, region)[0], (
                metric.code,
                region,
            )
    for org_type in TYPES[1:]:
        rows = selectors.drilldown(
            user=national_admin, metric="jobs_posted", year=year, region="3205", org_type=org_type
        )
        assert selectors.drilldown_total(rows) == figure("jobs_posted", year, "3205", org_type)[0]
    rows = selectors.drilldown(
        user=national_admin, metric="orgs_total", year=year, region="32", category="industry_association"
    )
    assert (
        selectors.drilldown_total(rows) == figure("orgs_total", year, "32", "", "industry_association")[0] > 0
    )


def _snapshot(year):
    return sorted(
        Stat.objects.filter(year=year).values_list(
            "metric", "region", "level", "org_type", "category", "value", "denominator"
        )
    )


def test_a_second_build_gives_the_same_figures(built):
    before = _snapshot(Y2)
    build = stats_rebuild_year(year=Y2)
    assert build.status == StatBuild.Status.DONE
    assert _snapshot(Y2) == before
    assert build.rows == len(before) == Stat.objects.filter(year=Y2).count()
    # The same figures are not written again: every row keeps the build that wrote it.
    assert not Stat.objects.filter(year=Y2, build=build).exists()
    assert not StatPart.objects.exists()


def test_a_rebuild_writes_what_changed_and_removes_what_is_gone(built):
    gusu = Organization.objects.filter(region_id="320508").first()
    report = AnnualReport.objects.filter(organization=gusu, year=Y2, status="accepted").first()
    assert report is not None
    jobs_before = figure("jobs_posted", Y2, "320508")[0]
    AnnualReport.objects.filter(pk=report.pk).update(jobs_posted=report.jobs_posted + 5)
    previous = set(Stat.objects.filter(year=Y2).values_list("metric", "region", "org_type", "category"))
    build = stats_rebuild_year(year=Y2)
    assert figure("jobs_posted", Y2, "320508")[0] == jobs_before + 5
    changed = Stat.objects.filter(year=Y2, build=build)
    assert changed.filter(metric="jobs_posted", region="320508", org_type="", category="").exists()
    assert not changed.exclude(metric="jobs_posted").exists()  # nothing else changed
    # A figure that became zero is removed, not left behind.
    AnnualReport.objects.filter(year=Y2, status="accepted").update(villages_paired=0)
    stats_rebuild_year(year=Y2)
    assert not Stat.objects.filter(year=Y2, metric="villages_paired").exists()
    assert set(Stat.objects.filter(year=Y2).values_list("metric", "region", "org_type", "category")) == {
        key for key in previous if key[0] != "villages_paired"
    }


def test_a_failed_build_leaves_the_previous_figures(built):
    before, other_year = _snapshot(Y2), _snapshot(Y1)
    AnnualReport.objects.filter(year=Y2, status="accepted").update(
        jobs_posted=999_999
    )  # would change figures

    def boom(year):
        raise RuntimeError("database went away")

    # Registered last (group "zzz"): every other metric is staged before it fails.
    registry.register(Metric("zz_boom", "Boom", "count", "sum", boom, lambda *a, **k: None, group="zzz"))
    try:
        with pytest.raises(RuntimeError):
            stats_rebuild_year(year=Y2)
    finally:
        registry.unregister("zz_boom")
    failed = StatBuild.objects.filter(year=Y2).order_by("-id").first()
    assert failed.status == StatBuild.Status.FAILED and "database went away" in failed.error
    assert _snapshot(Y2) == before and _snapshot(Y1) == other_year
    assert not StatPart.objects.exists()
    assert selectors.latest_build(Y2).status == StatBuild.Status.DONE and selectors.latest_build(Y2) != failed
    # The next run completes and picks up the change.
    assert stats_rebuild_year(year=Y2).status == StatBuild.Status.DONE
    assert (
        figure("jobs_posted", Y2, "")[0]
        == 999_999 * AnnualReport.objects.filter(year=Y2, status="accepted").count()
    )


def test_a_build_killed_half_way_is_marked_failed_by_the_next(built):
    from datetime import timedelta

    from django.utils import timezone

    killed = StatBuild.objects.create(year=Y2)
    StatBuild.objects.filter(pk=killed.pk).update(started_at=timezone.now() - timedelta(hours=3))
    stats_rebuild_year(year=Y2)
    killed.refresh_from_db()
    assert killed.status == StatBuild.Status.FAILED and killed.finished_at


def test_build_stats_command(world, capsys):
    from django.core.management import call_command

    call_command("build_stats", "--year", str(Y2))
    assert f"{Y2}:" in capsys.readouterr().out
    assert figure("orgs_total", Y2, "320508")[0] == 3  # g1, g2, g3 (late registers the year after)


def test_nightly_task_builds_the_current_and_previous_year(world):
    from django.utils import timezone

    from reports.tasks import stats_build_recent

    stats_build_recent.delay()
    this_year = timezone.localdate().year
    assert set(StatBuild.objects.filter(status="done").values_list("year", flat=True)) == {
        this_year - 1,
        this_year,
    }


def test_the_nightly_schedule_is_created_once_and_keeps_staff_edits(db):
    import importlib

    from django.apps import apps
    from django_celery_beat.models import CrontabSchedule, PeriodicTask

    migration = importlib.import_module("reports.migrations.0002_nightly_build_schedule")
    PeriodicTask.objects.filter(name=migration.NAME).delete()
    migration.create(apps, None)
    task = PeriodicTask.objects.get(name=migration.NAME)
    assert (task.task, task.crontab.hour, task.crontab.minute) == (
        "reports.tasks.stats_build_recent",
        "2",
        "0",
    )
    task.crontab = CrontabSchedule.objects.create(minute="30", hour="3", timezone="Asia/Shanghai")
    task.save()
    migration.create(apps, None)  # a later migrate run leaves the edited schedule alone
    assert PeriodicTask.objects.get(name=migration.NAME).crontab.hour == "3"
