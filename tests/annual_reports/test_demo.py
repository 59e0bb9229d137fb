"""The demo data: every state, the demo organization's report returned, histories, idempotent."""

from io import StringIO

from orgs.annual_reports import demo
from orgs.models import AnnualReport, CreditListEntry, Rating, ReportReview
from tests.factories import make_org


def test_seed(org_user, gusu_org, wuzhong_org):
    for index in range(40):
        make_org("320506" if index % 2 else "320508", supervising_unit=gusu_org.supervising_unit)
    make_org("320508", status="abnormal")
    demo.seed(StringIO())
    reports = AnnualReport.objects.all()
    assert set(reports.values_list("year", flat=True)) == set(demo.YEARS)
    assert {"accepted", "submitted", "returned"} <= set(reports.values_list("status", flat=True))
    own = reports.get(organization=gusu_org, year=2025)
    assert own.status == "returned"
    assert ReportReview.objects.get(report=own, decision="return").step == "unit"
    assert AnnualReport.history.count() == reports.count()
    assert Rating.history.count() == Rating.objects.count() > 0
    assert CreditListEntry.objects.filter(list="abnormal").exists()
    counts = (reports.count(), ReportReview.objects.count(), Rating.objects.count())
    output = StringIO()
    demo.seed(output)
    assert "already seeded" in output.getvalue()
    assert (reports.count(), ReportReview.objects.count(), Rating.objects.count()) == counts
