"""Statistics metrics owned by the registry (organizations, annual reports, ratings, credit lists).

Registered in the reports app's metric registry (see reports/registry.py for the contract). Every figure is
an aggregate over one of two shared sources (the organizations; the year's accepted reports), so that the
build computes each source's figures in one grouped query, by the organization's region code, type and
category; every ``drilldown`` returns the rows behind a figure and each row's contribution.

"As of the end of the year" (31 December):
- an organization exists if it was registered on or before that day (or has no registration date) and was
  not deregistered/revoked on or before it (a deregistered/revoked one without a date counts as gone);
- status figures (active/abnormal) read the organization's status on that day from its history (the current
  status when the history does not go back so far);
- a rating counts if awarded on or before the day and valid until at least the day;
- a credit-list entry counts if listed on or before the day and not removed on or before it.
"""

from datetime import date, datetime

from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    FilteredRelation,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.db.models.lookups import Exact
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from reports.registry import Metric, Source, register

from .models import AnnualReport, CreditListEntry, Organization, Rating
from .models.annual_reports import REPORT_SECTIONS

Status = Organization.Status
ReportStatus = AnnualReport.Status
GONE = [Status.DEREGISTERED, Status.REVOKED]
FILED = [ReportStatus.SUBMITTED, ReportStatus.UNIT_REVIEWED, ReportStatus.ACCEPTED]
ONE = Value(1, output_field=IntegerField())


def year_end(year: int) -> date:
    return date(year, 12, 31)


def existing_q(year: int, prefix: str = "") -> Q:
    """Organizations that existed on 31 December of `year` (prefix: the path to Organization, e.g. "organization__")."""
    end = year_end(year)
    registered = Q(**{f"{prefix}registered_on__lte": end}) | Q(**{f"{prefix}registered_on__isnull": True})
    gone = Q(**{f"{prefix}status__in": GONE}) & (
        Q(**{f"{prefix}deregistered_on__isnull": True}) | Q(**{f"{prefix}deregistered_on__lte": end})
    )
    return registered & ~gone


def status_at_end_is(year: int, status: str) -> Exact:
    """The organization's status on 31 December of `year` was `status`: the status of its last history record
    before the next year began, or its current status when it has none so old (imported records)."""
    next_year = datetime(year + 1, 1, 1, tzinfo=timezone.get_current_timezone())
    last = (
        Organization.history.model.objects.filter(id=OuterRef("pk"), history_date__lt=next_year)
        .order_by("-history_date", "-history_id")
        .values("status")[:1]
    )
    return Exact(Coalesce(Subquery(last), F("status")), Value(status))


# --- helpers: drill-down narrowing ---------------------------------------


def _narrow(qs, region_prefix, org_type, category, path=""):
    if region_prefix:
        qs = qs.filter(**{f"{path}region__code__startswith": region_prefix})
    if org_type:
        qs = qs.filter(**{f"{path}org_type": org_type})
    if category:
        qs = qs.filter(**{f"{path}category": category})
    return qs


# The rows most metrics aggregate: the build computes all the metrics of a source in one grouped query.
# (Each organization's report of the year joined once: one hash join instead of an index probe per organization.)
ORGANIZATIONS = Source(
    "organizations",
    lambda year: Organization.objects.annotate(
        report_of_year=FilteredRelation("annual_reports", condition=Q(annual_reports__year=year))
    ),
)
ACCEPTED_REPORTS = Source(
    "accepted_reports",
    lambda year: AnnualReport.objects.filter(year=year, status=ReportStatus.ACCEPTED),
    region="organization__region_id",
    org_type="organization__org_type",
    category="organization__category",
)


def org_count_metric(code, label, where, *, order, group="organizations", description=""):
    """A count of organizations matching `where(year)` (a Q or an Exists on Organization)."""

    def drilldown(year, region_prefix, org_type=None, category=None):
        qs = _narrow(Organization.objects.filter(where(year)), region_prefix, org_type, category)
        return qs, ONE

    return register(
        Metric(
            code=code,
            label=label,
            unit="count",
            aggregate="sum",
            source=ORGANIZATIONS,
            value=lambda year: Count("id", filter=Q(where(year))),
            drilldown=drilldown,
            group=group,
            order=order,
            description=description,
            app="orgs",
        )
    )


# --- organizations ----------------------------------------------------------------------------------

org_count_metric("orgs_total", _("Number of organizations"), existing_q, order=10)
org_count_metric(
    "orgs_active",
    _("Active organizations"),
    lambda y: existing_q(y) & Q(status_at_end_is(y, Status.ACTIVE)),
    order=11,
)
org_count_metric(
    "orgs_abnormal",
    _("Organizations with abnormal activity"),
    lambda y: existing_q(y) & Q(status_at_end_is(y, Status.ABNORMAL)),
    order=12,
)
org_count_metric(
    "orgs_new",
    _("Newly registered"),
    lambda y: Q(registered_on__year=y),
    order=13,
)
org_count_metric(
    "orgs_deregistered",
    _("Deregistered or revoked"),
    lambda y: Q(status__in=GONE, deregistered_on__year=y),
    order=14,
)


# --- annual reports: filing rate, accepted reports, outcome sums ------------------------------------


def _filed(year):
    return Exists(AnnualReport.objects.filter(organization=OuterRef("pk"), year=year, status__in=FILED))


def _filing_rate_drilldown(year, region_prefix, org_type=None, category=None):
    qs = _narrow(Organization.objects.filter(existing_q(year)), region_prefix, org_type, category)
    # Every expected organization is listed; those that filed contribute 1 to the numerator.
    qs = qs.annotate(filed=_filed(year))
    return qs, Case(When(filed=True, then=ONE), default=Value(0), output_field=IntegerField())


register(
    Metric(
        code="filing_rate",
        label=_("Annual-report filing rate"),
        unit="ratio",
        aggregate="ratio",
        source=ORGANIZATIONS,
        value=lambda year: Count("id", filter=existing_q(year) & Q(report_of_year__status__in=FILED)),
        denominator=lambda year: Count("id", filter=existing_q(year)),
        drilldown=_filing_rate_drilldown,
        group="annual_reports",
        order=20,
        description=_("Reports submitted or accepted for the year / organizations expected to file"),
        app="orgs",
    )
)


def _accepted(year):
    return AnnualReport.objects.filter(year=year, status=ReportStatus.ACCEPTED).select_related(
        "organization", "organization__region"
    )


def _reports_accepted_drilldown(year, region_prefix, org_type=None, category=None):
    return _narrow(_accepted(year), region_prefix, org_type, category, path="organization__"), ONE


register(
    Metric(
        code="reports_accepted",
        label=_("Annual reports accepted"),
        unit="count",
        aggregate="sum",
        source=ACCEPTED_REPORTS,
        value=lambda year: Count("id"),
        drilldown=_reports_accepted_drilldown,
        group="annual_reports",
        order=21,
        app="orgs",
    )
)

# Outcome figures: sums over ACCEPTED annual reports only (drafts, submitted and returned never count).
OUTCOME_LABELS = {
    "jobs_posted": _("Jobs posted"),
    "graduate_jobs": _("Jobs for graduates"),
    "internship_posts": _("Internship posts"),
    "graduates_hired": _("Graduates hired"),
    "standards_drafted": _("Group standards drafted"),
    "standards_joined": _("Industry/local standards joined"),
    "funds_raised": _("Funds raised"),
    "rural_funds": _("Funds for rural revitalization"),
    "east_west_funds": _("Funds for east–west cooperation"),
    "projects_run": _("Public-welfare projects run"),
    "beneficiaries": _("People benefiting"),
    "villages_paired": _("Villages paired"),
    "events_held": _("Events held"),
    "platforms_built": _("Exchange platforms built"),
    "disputes_mediated": _("Disputes mediated"),
    "fees_reduced": _("Enterprise fees waived or reduced"),
    "enterprises_benefiting": _("Enterprises benefiting (annual reports)"),
    "members": _("Members (units and individuals)"),
    "staff": _("Staff"),
}
# A figure is a field of the report or an expression over fields. Its code is the field's name, but for
# `enterprises_benefiting`: fees declares that code (its closed cases), the reports' figure is `reported_…`.
METRIC_CODES = {"enterprises_benefiting": "reported_enterprises_benefiting"}
OUTCOME_EXPRESSIONS = {"members": F("members_unit") + F("members_individual")}
assert set(REPORT_SECTIONS["outcomes"]) <= set(OUTCOME_LABELS)


def outcome_metric(field_name, order):
    expression = OUTCOME_EXPRESSIONS.get(field_name, F(field_name))
    model_field = AnnualReport._meta.get_field("members_unit" if field_name == "members" else field_name)
    unit = "yuan" if model_field.get_internal_type() == "DecimalField" else "count"

    def drilldown(year, region_prefix, org_type=None, category=None):
        return _narrow(_accepted(year), region_prefix, org_type, category, path="organization__"), expression

    register(
        Metric(
            code=METRIC_CODES.get(field_name, field_name),
            label=OUTCOME_LABELS[field_name],
            unit=unit,
            aggregate="sum",
            source=ACCEPTED_REPORTS,
            value=lambda year: Sum(expression),
            drilldown=drilldown,
            group="outcomes",
            order=order,
            app="orgs",
        )
    )


for _order, _name in enumerate([*REPORT_SECTIONS["outcomes"], "members", "staff"], start=30):
    outcome_metric(_name, _order)


# --- ratings and credit lists -----------------------------------------------------------------------


def _rated(year, grade=None):
    end = year_end(year)
    ratings = Rating.objects.filter(organization=OuterRef("pk"), awarded_on__lte=end, valid_until__gte=end)
    if grade is not None:
        ratings = ratings.filter(grade=grade)
    return Exists(ratings)


org_count_metric("rated_total", _("Rated organizations (valid rating)"), _rated, order=60, group="ratings")
GRADE_LABELS = {1: _("Rated 1A"), 2: _("Rated 2A"), 3: _("Rated 3A"), 4: _("Rated 4A"), 5: _("Rated 5A")}
for _grade in range(1, 6):
    org_count_metric(
        f"rated_{_grade}a",
        GRADE_LABELS[_grade],
        lambda y, g=_grade: _rated(y, g),
        order=60 + _grade,
        group="ratings",
    )


def _listed(year, list_code):
    end = year_end(year)
    return Exists(
        CreditListEntry.objects.filter(
            organization=OuterRef("pk"), list=list_code, listed_on__lte=end
        ).filter(Q(removed_on__isnull=True) | Q(removed_on__gt=end))
    )


org_count_metric(
    "abnormal_listed",
    _("On the abnormal-activity list"),
    lambda y: _listed(y, CreditListEntry.List.ABNORMAL),
    order=70,
    group="credit",
)
org_count_metric(
    "serious_listed",
    _("On the serious violation list"),
    lambda y: _listed(y, CreditListEntry.List.SERIOUS),
    order=71,
    group="credit",
)
