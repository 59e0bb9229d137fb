"""Fees reduced according to closed cases, next to what associations reported in accepted annual reports."""

from decimal import Decimal

from django.db.models import Sum
from django.db.models.functions import Substr
from django.utils import timezone

from orgs.models import AnnualReport, Region

from .models import CaseOutcome, FeeCase

REDUCING = [CaseOutcome.Outcome.WAIVE, CaseOutcome.Outcome.REDUCE]
NEXT_LEVEL = {2: 4, 4: 6, 6: 9, 9: 9}


def reconciliation_rows(*, region: str, year: int | None = None) -> dict:
    """Per sub-region one level down (and the level itself): case sums vs report sums and the difference."""
    year = year or timezone.localdate().year - 1
    width = NEXT_LEVEL[len(region)]
    cases = (
        CaseOutcome.objects.filter(
            outcome__in=REDUCING,
            case__status=FeeCase.Status.CLOSED,
            case__closed_at__year=year,
            case__organization__region__code__startswith=region,
        )
        .annotate(sub=Substr("case__organization__region_id", 1, width))
        .values("sub")
        .annotate(amount=Sum("amount"), enterprises=Sum("enterprises_benefiting"))
    )
    reports = (
        AnnualReport.objects.filter(
            status=AnnualReport.Status.ACCEPTED, year=year, organization__region__code__startswith=region
        )
        .annotate(sub=Substr("organization__region_id", 1, width))
        .values("sub")
        .annotate(amount=Sum("fees_reduced"), enterprises=Sum("enterprises_benefiting"))
    )
    by_region: dict[str, dict] = {}
    zero = Decimal("0.00")
    for row in cases:
        entry = by_region.setdefault(
            row["sub"], {"cases": zero, "case_enterprises": 0, "reports": zero, "report_enterprises": 0}
        )
        entry["cases"], entry["case_enterprises"] = row["amount"] or zero, row["enterprises"] or 0
    for row in reports:
        entry = by_region.setdefault(
            row["sub"], {"cases": zero, "case_enterprises": 0, "reports": zero, "report_enterprises": 0}
        )
        entry["reports"], entry["report_enterprises"] = row["amount"] or zero, row["enterprises"] or 0
    names = dict(Region.objects.filter(code__in=by_region).values_list("code", "name"))
    rows = []
    for code in sorted(by_region):
        entry = by_region[code]
        rows.append(
            {
                "region": code,
                "name": names.get(code, code),
                **entry,
                "difference": entry["reports"] - entry["cases"],
                "enterprise_difference": entry["report_enterprises"] - entry["case_enterprises"],
            }
        )
    total = {
        key: sum((r[key] for r in rows), zero if key in ("cases", "reports", "difference") else 0)
        for key in (
            "cases",
            "reports",
            "difference",
            "case_enterprises",
            "report_enterprises",
            "enterprise_difference",
        )
    }
    return {"year": year, "rows": rows, "total": total}
