"""Demo data: annual reports of the demo organizations of 苏州市 (3205) for 2023–2025 in every state,
ratings and a few credit-list entries. Idempotent: run it twice, nothing more is added."""

import random
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from ..models import AnnualReport, CreditListEntry, Organization, Rating, ReportReview, UserScope
from ..models.annual_reports import FIGURE_FIELDS
from .deadlines import years_later

CITY = "3205"
YEARS = (2023, 2024, 2025)
MONEY = {"income_total", "income_dues", "income_donations", "income_government", "expense_total", "net_assets",
         "funds_raised", "rural_funds", "east_west_funds", "fees_reduced"}  # fmt: skip


def _figures(rng: random.Random) -> dict:
    dues, donations, government = (Decimal(rng.randrange(0, 400_000)) for _ in range(3))
    jobs = rng.randrange(0, 200)
    graduate_jobs = rng.randrange(0, jobs + 1)
    internships = rng.randrange(0, 50)
    figures = {name: rng.randrange(0, 60) for name in FIGURE_FIELDS if name not in MONEY}
    figures.update(
        income_dues=dues,
        income_donations=donations,
        income_government=government,
        income_total=dues + donations + government + Decimal(rng.randrange(0, 200_000)),
        expense_total=Decimal(rng.randrange(100_000, 900_000)),
        net_assets=Decimal(rng.randrange(-50_000, 2_000_000)),
        funds_raised=Decimal(rng.randrange(0, 500_000)),
        rural_funds=Decimal(rng.randrange(0, 100_000)),
        east_west_funds=Decimal(rng.randrange(0, 50_000)),
        fees_reduced=Decimal(rng.randrange(0, 80_000)),
        jobs_posted=jobs,
        graduate_jobs=graduate_jobs,
        internship_posts=internships,
        graduates_hired=rng.randrange(0, graduate_jobs + internships + 1),
        members_unit=rng.randrange(20, 600),
        members_individual=rng.randrange(0, 300),
    )
    return figures


@transaction.atomic
def seed(stdout) -> None:
    if AnnualReport.objects.filter(organization__region__code__startswith=CITY).exists():
        stdout.write("annual reports: already seeded")
        return
    rng = random.Random(2025)
    organizations = list(
        Organization.objects.filter(region__code__startswith=CITY, status__in=["active", "abnormal"])
        .select_related("supervising_unit")
        .order_by("id")
    )
    # The demo organization login finds its 2025 report returned with comments: the form is there to try.
    demo_org = (
        UserScope.objects.filter(user__username="org_user", kind=UserScope.Kind.ORG)
        .values_list("organization_id", flat=True)
        .first()
    )
    now = timezone.now()
    reports = []
    reviews = []
    for organization in organizations:
        for year in YEARS:
            if organization.registered_on and organization.registered_on.year > year:
                continue
            # Older years mostly accepted; 2025 spread over every state, some not filed at all.
            roll = rng.random() if year == 2025 else rng.random() * 0.4
            if year == 2025 and roll > 0.9:
                continue  # not filed: the deadline task lists it
            if roll < 0.45:
                status = "accepted"
            elif roll < 0.6:
                status = "unit_reviewed" if organization.supervising_unit_id else "submitted"
            elif roll < 0.72:
                status = "submitted"
            elif roll < 0.8:
                status = "returned"
            else:
                status = "draft"
            if organization.pk == demo_org and year == 2025:
                status = "returned"
            submitted = now - timedelta(days=rng.randrange(30, 300)) if status != "draft" else None
            result = ""
            if status == "accepted":
                result = rng.choices(
                    ["qualified", "basically_qualified", "unqualified"], weights=[80, 15, 5]
                )[0]
            report = AnnualReport(
                organization=organization,
                year=year,
                status=status,
                result=result,
                submitted_at=submitted,
                unit_reviewed_at=submitted + timedelta(days=5) if submitted and status in ("unit_reviewed", "accepted") and organization.supervising_unit_id else None,
                accepted_at=submitted + timedelta(days=12) if status == "accepted" else None,
                **_figures(rng),
            )  # fmt: skip
            reports.append(report)
    # With their first history record, so a report's "Changes" start from the seeded figures.
    bulk_create_with_history(reports, AnnualReport, batch_size=1000, default_change_reason="demo")
    for report in (
        AnnualReport.objects.filter(organization__region__code__startswith=CITY)
        .exclude(status="draft")
        .select_related("organization")
    ):
        reviews.append(ReportReview(report=report, step="submit", decision="submit"))
        if report.unit_reviewed_at:
            reviews.append(ReportReview(report=report, step="unit", decision="pass", comment="材料齐全"))
        if report.status == "accepted":
            reviews.append(ReportReview(report=report, step="bureau", decision=report.result))
        if report.status == "returned":
            reviews.append(
                ReportReview(
                    report=report,
                    step="unit" if report.organization.supervising_unit_id else "bureau",
                    decision="return",
                    comment="财务报表缺少审计意见页，请补充。",
                )
            )
    ReportReview.objects.bulk_create(reviews, batch_size=1000)
    ratings = []
    for organization in organizations[::7]:
        awarded = date(rng.choice([2018, 2019, 2021, 2022, 2023, 2024]), rng.randrange(1, 13), 15)
        ratings.append(
            Rating(organization=organization, grade=rng.choice([3, 4, 4, 5, 2]), awarded_on=awarded,
                   valid_until=years_later(awarded, Rating.VALID_YEARS))
        )  # fmt: skip
    bulk_create_with_history(ratings, Rating, default_change_reason="demo")
    entries = []
    abnormal = [o for o in organizations if o.status == "abnormal"]
    for offset, organization in enumerate(abnormal):
        entries.append(
            CreditListEntry(
                organization=organization,
                list="abnormal",
                reason="未按规定报送年度工作报告",
                reason_code="no_annual_report",
                report_year=2022 if offset % 3 == 0 else 2023,
                listed_on=date(2023, 6, 1) if offset % 3 == 0 else date(2024, 6, 1),
            )
        )
        if offset % 3 == 0:
            entries.append(
                CreditListEntry(organization=organization, list="serious", reason="被列入活动异常名录满2年",
                                reason_code="escalated", report_year=2022, listed_on=date(2025, 6, 2))
            )  # fmt: skip
    bulk_create_with_history(entries, CreditListEntry, default_change_reason="demo")
    stdout.write(
        f"annual reports: {len(reports)} reports, {len(ratings)} ratings, {len(entries)} credit-list entries"
    )
