"""Demo statistics: build the figures of the demo years (after the annual-report demo data). Idempotent."""

from django.utils import timezone

from orgs.models import AnnualReport

from .services import stats_rebuild_year


def demo_years() -> list[int]:
    years = set(AnnualReport.objects.values_list("year", flat=True).distinct())
    current = timezone.localdate().year
    years |= {current - 1, current}
    return sorted(year for year in years if year >= current - 5)


def seed(stdout) -> None:
    for year in demo_years():
        build = stats_rebuild_year(year=year)
        stdout.write(f"  statistics {year}: {build.rows} figures")
