"""A small world for the statistics: two districts of 苏州 and one of 无锡, three types, two years, and annual
reports in every state (accepted, returned, submitted, passed by the unit, draft), all through the services."""

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from orgs.annual_reports import services as report_services
from orgs.models import Organization
from reports.services import stats_rebuild_year
from tests.annual_reports.conftest import make_report
from tests.factories import make_org, make_person

Y2 = timezone.localdate().year - 1  # the last year that has annual reports
Y1 = Y2 - 1
REGIONS = ["", "32", "3205", "3202", "320508", "320506", "320211"]


@dataclass
class World:
    orgs: dict = field(default_factory=dict)
    reports: list = field(default_factory=list)


def _figures(index: int) -> dict:
    """Distinct, valid outcome figures per report (graduate_jobs ≤ jobs_posted, etc.)."""
    return {
        "jobs_posted": 11 + index * 7,
        "standards_drafted": index,
        "standards_joined": index % 3,
        "funds_raised": Decimal(f"{1000 + index * 333}.45"),
        "rural_funds": Decimal(f"{index * 50}.10"),
        "beneficiaries": 100 * index + 1,
        "villages_paired": index % 2,
        "fees_reduced": Decimal(f"{index * 100}.50"),
        "enterprises_benefiting": index * 3,
        "members_unit": 20 + index,
        "staff": 3 + index,
    }


def build_world(unit) -> World:
    world = World()
    specs = {
        # key: (region, org_type, category, extra fields)
        "g1": ("320508", "social_group", "industry_association", {"supervising_unit": unit}),
        "g2": ("320508", "social_service_agency", "other", {}),
        "g3": ("320508", "foundation", "charity", {}),
        "w1": ("320506", "social_group", "chamber_of_commerce", {}),
        "w2": ("320506", "social_group", "industry_association", {"registered_on": date(Y2, 6, 1)}),
        "w3": ("320506", "social_service_agency", "other", {}),
        "x1": ("320211", "social_group", "academic", {}),
        "x2": ("320211", "foundation", "other", {}),
        "late": ("320508", "social_group", "academic", {"registered_on": date(Y2 + 1, 1, 5)}),
    }
    for key, (region, org_type, category, extra) in specs.items():
        world.orgs[key] = make_org(region, org_type=org_type, category=category, **extra)
    users = {key: make_person(f"filer_{key}", kind="org", org=org) for key, org in world.orgs.items()}
    plan = [
        ("g1", Y1, "accepted"),
        ("g1", Y2, "accepted"),
        ("g2", Y1, "returned"),
        ("g2", Y2, "accepted"),
        ("g3", Y2, "draft"),
        ("w1", Y1, "accepted"),
        ("w1", Y2, "submitted"),
        ("w2", Y2, "accepted"),
        ("w3", Y1, "accepted"),
        ("x1", Y1, "unit_reviewed"),
        ("x1", Y2, "accepted"),
        ("x2", Y2, "returned"),
    ]
    for index, (key, year, status) in enumerate(plan, start=1):
        org = world.orgs[key]
        if status == "unit_reviewed" and not org.supervising_unit_id:
            status = "submitted"
        world.reports.append(make_report(org, users[key], year=year, status=status, **_figures(index)))
    # w3 is deregistered early in Y2 (it existed at the end of Y1); x2 goes on the abnormal list in Y2.
    Organization.objects.filter(pk=world.orgs["w3"].pk).update(
        status="deregistered", deregistered_on=date(Y2, 3, 1)
    )
    registrar = make_person("registrar_js", kind="staff", region_code="32", roles=["registrar"])
    report_services.rating_award(
        actor=registrar, organization=world.orgs["g1"], grade=4, awarded_on=date(Y1, 5, 1)
    )
    report_services.rating_award(
        actor=registrar, organization=world.orgs["x1"], grade=3, awarded_on=date(Y2, 2, 1)
    )
    report_services.rating_award(
        actor=registrar, organization=world.orgs["w1"], grade=5, awarded_on=date(Y1 - 6, 1, 1)
    )
    report_services.credit_list_add(
        actor=registrar,
        organization=world.orgs["x2"],
        list="abnormal",
        reason="未按时提交年报",
        listed_on=date(Y2, 4, 1),
    )
    report_services.credit_list_add(
        actor=registrar,
        organization=world.orgs["w1"],
        list="serious",
        reason="违规收费",
        listed_on=date(Y1, 9, 1),
    )
    _backdate_history(world)
    for org in world.orgs.values():
        org.refresh_from_db()
    return world


def _at(year, month, day):
    return datetime(year, month, day, 12, tzinfo=timezone.get_current_timezone())


def _backdate_history(world) -> None:
    """Status history as if the portal had run for years: x2 was created active in Y1 (its listing as abnormal,
    recorded today, comes after both years); g2 was abnormal from mid-Y1 until March Y2."""
    History = Organization.history.model
    x2 = History.objects.filter(id=world.orgs["x2"].pk, history_type="+").get()
    History.objects.filter(pk=x2.pk).update(history_date=_at(Y1, 1, 2))
    g2 = History.objects.filter(id=world.orgs["g2"].pk, history_type="+").get()
    History.objects.filter(pk=g2.pk).update(history_date=_at(Y1, 1, 2))
    for status, when in (("abnormal", _at(Y1, 6, 1)), ("active", _at(Y2, 3, 1))):
        record = History.objects.get(pk=g2.pk)
        record.pk = None
        record.history_type, record.status, record.history_date = "~", status, when
        record.save()


@pytest.fixture
def world(db, unit):
    return build_world(unit)


@pytest.fixture
def built(world):
    for year in (Y1, Y2):
        stats_rebuild_year(year=year)
    return world


@pytest.fixture
def national_admin(db):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.create_superuser("national_admin", "admin@example.com", "x")


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Statements and export files go to a temporary folder, not the working tree."""
    settings.MEDIA_ROOT = tmp_path / "media"
