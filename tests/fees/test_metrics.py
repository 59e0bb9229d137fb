"""The fee figures the statistics engine adds up: each against sums computed here, each drill-down summing to it."""

from datetime import date
from decimal import Decimal

import pytest
from django.db.models import Sum
from django.utils import timezone

from fees.models import CampaignReturn, CampaignTarget, CaseOutcome, FeeCampaign, FeeCase
from reports import registry
from tests.factories import make_org


def case(organization, *, status="closed", closed_year=2025, source="complaint", kind="other", outcomes=()):
    created = timezone.now().replace(year=closed_year, month=3, day=1)
    fee_case = FeeCase.objects.create(
        number=f"{organization.region_id}-{closed_year}-{FeeCase.objects.count() + 1:05d}",
        source=source,
        kind=kind,
        organization=organization,
        region_id=organization.region_id,
        fee_item="会费",
        amount_charged=Decimal("100000.00"),
        enterprises_affected=500,
        status=status,
        closed_at=created.replace(month=9) if status == "closed" else None,
    )
    FeeCase.objects.filter(pk=fee_case.pk).update(created_at=created)
    for outcome, amount, enterprises in outcomes:
        CaseOutcome.objects.create(
            case=fee_case, outcome=outcome, amount=Decimal(amount), enterprises_benefiting=enterprises
        )
    return fee_case


@pytest.fixture
def world(db):
    gusu = make_org("320508", category="industry_association")
    wuzhong = make_org("320506", category="chamber_of_commerce", org_type="social_group")
    case(gusu, outcomes=[("waive", "1200.50", 12), ("notify", "0", 0)], source="hotline", kind="events")
    case(gusu, outcomes=[("reduce", "8000.00", 300), ("regulate", "0", 40)])
    case(wuzhong, outcomes=[("waive", "300.00", 3)], kind="events")
    case(wuzhong, status="rectifying", outcomes=[("waive", "999.00", 9)])  # not closed: never counts
    case(gusu, closed_year=2024, outcomes=[("waive", "7.00", 1)])  # another year
    return {"gusu": gusu, "wuzhong": wuzhong}


def total(code, year=2025, region="", **dims):
    rows = registry.get(code).compute(year)
    return sum(
        (Decimal(row["value"] or 0) for row in rows if str(row["region"]).startswith(region)
         and all(row[k] == v for k, v in dims.items())),
        Decimal(0),
    )  # fmt: skip


def drilled(code, year=2025, region=""):
    queryset, contribution = registry.get(code).drilldown(year, region)
    return queryset.annotate(contribution=contribution).aggregate(s=Sum("contribution"))["s"] or 0


@pytest.mark.parametrize(
    ("code", "expected", "city", "gusu"),
    [
        ("fee_cases", 4, 4, 2),
        ("fee_cases_source_hotline", 1, 1, 1),
        ("fee_cases_kind_events", 2, 2, 1),
        ("fee_cases_outcome_waive", 2, 2, 1),
        ("fee_cases_outcome_notify", 1, 1, 1),
        ("fees_waived", Decimal("1500.50"), Decimal("1500.50"), Decimal("1200.50")),
        ("fees_reduced_yearly", Decimal("8000.00"), Decimal("8000.00"), Decimal("8000.00")),
        ("enterprises_benefiting", 355, 355, 352),
    ],
)
def test_each_fee_metric_against_independent_sums(world, code, expected, city, gusu):
    assert total(code) == expected
    assert total(code, region="3205") == city
    assert total(code, region="320508") == gusu
    assert Decimal(drilled(code)) == Decimal(expected)
    assert Decimal(drilled(code, region="320508")) == Decimal(gusu)


def test_city_equals_the_sum_over_its_districts(world):
    for code in ("fees_waived", "fee_cases", "enterprises_benefiting"):
        districts = sum(total(code, region=d) for d in ("320505", "320506", "320507", "320508", "320509"))
        assert total(code, region="3205") == districts


def test_amounts_of_open_cases_never_count(world):
    assert FeeCase.objects.filter(status="rectifying").exists()
    assert total("fees_waived") == Decimal("1500.50")  # the 999.00 of the open case is left out


def test_campaign_filing_rate_is_stored_as_numerator_and_denominator(world):
    campaign = FeeCampaign.objects.create(
        name="c", region_id="3205", starts_on=date(2025, 3, 1), ends_on=date(2025, 6, 30), status="open"
    )
    others = [make_org("320508") for _ in range(2)]
    for organization in [world["gusu"], world["wuzhong"], *others]:
        CampaignTarget.objects.create(campaign=campaign, organization=organization)
    CampaignReturn.objects.create(campaign=campaign, organization=world["gusu"], statement="ok")
    rows = list(registry.get("campaign_filing_rate").compute(2025))
    assert sum(r["value"] for r in rows) == 1 and sum(r["denominator"] for r in rows) == 4
    gusu_rows = [r for r in rows if r["region"] == "320508"]
    assert sum(r["value"] for r in gusu_rows) == 1 and sum(r["denominator"] for r in gusu_rows) == 3
    assert drilled("campaign_filing_rate") == 1
