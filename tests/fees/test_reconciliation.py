"""Fees reduced according to closed cases, next to the annual reports' figures, with the difference."""

from decimal import Decimal

from django.utils import timezone

from fees.models import CaseOutcome, FeeCase
from fees.reconciliation import reconciliation_rows
from orgs.models import AnnualReport
from tests.factories import make_org


def closed_case(organization, outcomes, year):
    case = FeeCase.objects.create(
        number=f"{organization.region_id}-{year}-{FeeCase.objects.count() + 1:05d}",
        source="inspection",
        organization=organization,
        region_id=organization.region_id,
        fee_item="会费",
        amount_charged=Decimal("100000.00"),
        enterprises_affected=100,
        status="closed",
        closed_at=timezone.now().replace(year=year, month=6, day=1),
    )
    for kind, amount, enterprises in outcomes:
        CaseOutcome.objects.create(
            case=case, outcome=kind, amount=Decimal(amount), enterprises_benefiting=enterprises
        )
    return case


def report(organization, year, status="accepted", fees="0", enterprises=0):
    return AnnualReport.objects.create(
        organization=organization,
        year=year,
        status=status,
        fees_reduced=Decimal(fees),
        enterprises_benefiting=enterprises,
    )


def test_city_rows_compare_cases_with_reports(db):
    gusu, wuzhong, city_level = make_org("320508"), make_org("320506"), make_org("3205")
    closed_case(gusu, [("waive", "1000.00", 10), ("reduce", "2500.00", 40), ("notify", "0", 0)], 2025)
    closed_case(wuzhong, [("regulate", "999.00", 5)], 2025)  # regulating reduces nothing by itself
    closed_case(city_level, [("waive", "300.00", 3)], 2024)  # another year
    report(gusu, 2025, fees="4000.00", enterprises=60)
    report(wuzhong, 2025, fees="800.00", enterprises=8)
    report(city_level, 2025, status="submitted", fees="9999.00")  # not accepted: never counts

    result = reconciliation_rows(region="3205", year=2025)
    rows = {row["region"]: row for row in result["rows"]}
    assert rows["320508"]["cases"] == Decimal("3500.00") and rows["320508"]["reports"] == Decimal("4000.00")
    assert rows["320508"]["difference"] == Decimal("500.00") and rows["320508"]["enterprise_difference"] == 10
    assert rows["320506"]["cases"] == Decimal("0.00") and rows["320506"]["difference"] == Decimal("800.00")
    assert "3205" not in rows
    assert result["total"]["cases"] == Decimal("3500.00") and result["total"]["reports"] == Decimal("4800.00")


def test_district_view_is_limited_to_the_district(db):
    gusu, wuzhong = make_org("320508"), make_org("320506")
    closed_case(gusu, [("waive", "10.00", 1)], 2025)
    closed_case(wuzhong, [("waive", "20.00", 1)], 2025)
    result = reconciliation_rows(region="320508", year=2025)
    assert [row["region"] for row in result["rows"]] == ["320508"]
    assert result["total"]["cases"] == Decimal("10.00")
