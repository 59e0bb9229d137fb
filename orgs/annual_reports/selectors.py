"""Reads for annual reports, ratings, credit lists and the public register. Scope is decided here, once."""

from datetime import date

from django.core.exceptions import FieldDoesNotExist
from django.db.models import Count, DateTimeField, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from ..access import access_for
from ..models import AnnualReport, CreditListEntry, Organization, Rating, ReportReview, UserScope
from ..selectors import filtered, history_of, organizations_visible_to
from .deadlines import FILED, IN_REVIEW, deadline_for, due_q
from .filters import AnnualReportFilterSet, CreditListEntryFilterSet, RatingFilterSet

Kind = UserScope.Kind
Status = AnnualReport.Status


def _visible_org_ids(user):
    return organizations_visible_to(user).values("pk")


def reports_visible_to(user) -> QuerySet[AnnualReport]:
    """An organization sees its own reports; a system client those of its region; reviewers and other staff
    every report in their scope except drafts (a draft is the organization's own working copy)."""
    access = access_for(user)
    qs = AnnualReport.objects.select_related(
        "organization", "organization__region", "organization__supervising_unit"
    )
    if access.kind is None:
        return qs.none()
    qs = qs.filter(organization__in=_visible_org_ids(user))
    if access.kind in (Kind.STAFF, Kind.UNIT):
        qs = qs.exclude(status=Status.DRAFT)
    return qs


def report_statement(*, user, pk: int) -> AnnualReport:
    """The report whose audited statement `user` may download (DoesNotExist outside scope or without a file)."""
    return reports_visible_to(user).exclude(audited_statement="").get(pk=pk)


def report_list(*, user, filters) -> QuerySet[AnnualReport]:
    return filtered(AnnualReportFilterSet, filters, reports_visible_to(user))


def ratings_visible_to(user) -> QuerySet[Rating]:
    if access_for(user).kind is None:
        return Rating.objects.none()
    return Rating.objects.select_related("organization").filter(organization__in=_visible_org_ids(user))


def rating_list(*, user, filters) -> QuerySet[Rating]:
    return filtered(RatingFilterSet, filters, ratings_visible_to(user))


def credit_entries_visible_to(user) -> QuerySet[CreditListEntry]:
    if access_for(user).kind is None:
        return CreditListEntry.objects.none()
    return CreditListEntry.objects.select_related("organization").filter(
        organization__in=_visible_org_ids(user)
    )


def credit_entry_list(*, user, filters) -> QuerySet[CreditListEntry]:
    return filtered(CreditListEntryFilterSet, filters, credit_entries_visible_to(user))


def review_queue(user) -> QuerySet[AnnualReport]:
    """The reports waiting for this caller's review: the unit's submitted reports, or the registrar's
    unit-reviewed reports and submitted reports of organizations without a unit."""
    access = access_for(user)
    qs = reports_visible_to(user)
    if not access.can("reports:review"):
        return qs.none()
    if access.kind == Kind.UNIT:
        waiting = Q(status=Status.SUBMITTED, organization__supervising_unit_id=access.supervising_unit_id)
    elif access.has_role(UserScope.Role.REGISTRAR):
        waiting = Q(status=Status.UNIT_REVIEWED) | Q(
            status=Status.SUBMITTED, organization__supervising_unit__isnull=True
        )
    else:
        return qs.none()
    return qs.filter(waiting).order_by("submitted_at", "id")  # oldest first


def previous_report(report: AnnualReport) -> AnnualReport | None:
    return (
        AnnualReport.objects.filter(organization_id=report.organization_id, year=report.year - 1)
        .exclude(status=Status.DRAFT)
        .first()
    )


def report_reviews(report: AnnualReport) -> QuerySet[ReportReview]:
    return report.reviews.select_related("actor")


def report_history(report: AnnualReport) -> list[dict]:
    """Who changed what and when (newest first), field labels and code labels resolved for the page.
    The caller has already been given the report through reports_visible_to."""
    entries = history_of(report)
    for entry in entries:
        for change in entry["changes"]:
            try:
                field = AnnualReport._meta.get_field(change["field"])
            except FieldDoesNotExist:
                change.update(label=change["field"], old_display=change["old"], new_display=change["new"])
                continue
            change["label"] = field.verbose_name
            for side in ("old", "new"):
                value = change[side]
                if value in (None, ""):
                    display = "—"
                elif field.choices:
                    display = dict(field.flatchoices).get(value, value)
                elif field.name == "audited_statement":
                    display = str(value).rsplit("/", 1)[-1]
                elif isinstance(field, DateTimeField) and (moment := parse_datetime(str(value))):
                    display = timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")
                else:
                    display = value
                change[f"{side}_display"] = display
    return entries


def last_return(report: AnnualReport) -> ReportReview | None:
    return report.reviews.filter(decision="return").order_by("-created_at", "-id").first()


# The filing overview for staff


OVERVIEW_STATES = ("filed", "late", "not_filed", "in_review", "accepted", "returned")


def filing_overview(*, user, year: int, region: str = "", state: str = "", today: date | None = None):
    """(counts, organizations) of the organizations due to file for `year` in the caller's scope, each
    annotated with `report_status` (None: nothing filed yet), filtered by `state`."""
    today = today or timezone.localdate()
    late = today > deadline_for(year)
    report = AnnualReport.objects.filter(organization=OuterRef("pk"), year=year)
    qs = (
        organizations_visible_to(user)
        .filter(due_q(year))
        .annotate(
            report_status=Subquery(report.values("status")[:1]), report_id=Subquery(report.values("pk")[:1])
        )
    )
    if region:
        qs = qs.filter(region__code__startswith=region)
    # Counted from the reports (one per organization and year) rather than by aggregating the per-row
    # subquery above: PostgreSQL runs that subquery once per FILTER clause and row (4 × 1,000,000 index probes
    # for the whole country; bench/annual_reports.py).
    due = qs.order_by().values("pk")
    by_status = dict(
        AnnualReport.objects.filter(year=year, organization__in=due)
        .order_by()
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    counts = {
        "total": due.count(),
        "filed": sum(by_status.get(s, 0) for s in FILED),
        "in_review": sum(by_status.get(s, 0) for s in IN_REVIEW),
        "accepted": by_status.get(Status.ACCEPTED, 0),
        "returned": by_status.get(Status.RETURNED, 0),
    }
    counts["not_filed"] = counts["total"] - counts["filed"]
    counts["late"] = counts["not_filed"] if late else 0
    counts["deadline"] = deadline_for(year)
    not_filed = Q(report_status__isnull=True) | ~Q(report_status__in=FILED)
    match state:
        case "filed":
            qs = qs.filter(report_status__in=FILED)
        case "in_review":
            qs = qs.filter(report_status__in=IN_REVIEW)
        case "accepted":
            qs = qs.filter(report_status=Status.ACCEPTED)
        case "returned":
            qs = qs.filter(report_status=Status.RETURNED)
        case "not_filed":
            qs = qs.filter(not_filed)
        case "late":
            qs = qs.filter(not_filed) if late else qs.none()
    return counts, qs.order_by("region_id", "name", "pk")


def export_reports(*, user, year: int, region: str = "") -> QuerySet[AnnualReport]:
    qs = reports_visible_to(user).filter(year=year)
    if region:
        qs = qs.filter(organization__region__code__startswith=region)
    return qs.order_by("organization__region_id", "organization__name", "pk")


# The public register: public facts only, accepted reports only


PUBLIC_ORG_FIELDS = (
    "id",
    "name",
    "credit_code",
    "filing_number",
    "org_type",
    "category",
    "region",
    "status",
    "registered_on",
    "legal_representative",
    "address",
    "business_scope",
    "supervising_unit",
    "deregistered_on",
    "updated_at",
)


def public_organizations(q: str = "", region: str = "") -> QuerySet[Organization]:
    from ..search import name_search_q

    qs = Organization.objects.select_related("region", "supervising_unit").only(
        *PUBLIC_ORG_FIELDS, "region__name", "region__full_name", "supervising_unit__name"
    )
    if q and q.strip():
        qs = qs.filter(name_search_q(q, code="credit_code") | Q(filing_number__startswith=q.strip()))
    if region:
        qs = qs.filter(region__code__startswith=region)
    return qs.annotate(
        open_abnormal=Exists(
            CreditListEntry.objects.filter(
                organization=OuterRef("pk"), list="abnormal", removed_on__isnull=True
            )
        )
    )


def public_organization(pk: int) -> Organization:
    """One organization with its ratings, accepted reports' results and credit-list entries."""
    return (
        public_organizations()
        .prefetch_related(
            Prefetch("ratings", queryset=Rating.objects.order_by("-awarded_on", "-id")),
            Prefetch(
                "annual_reports",
                queryset=AnnualReport.objects.filter(status=Status.ACCEPTED)
                .only("id", "organization_id", "year", "status", "result", "accepted_at")
                .order_by("-year"),
                to_attr="accepted_reports",
            ),
            Prefetch("credit_entries", queryset=CreditListEntry.objects.order_by("-listed_on", "-id")),
        )
        .get(pk=pk)
    )


def public_credit_list(list_code: str) -> QuerySet[CreditListEntry]:
    return (
        CreditListEntry.objects.filter(list=list_code, removed_on__isnull=True)
        .select_related("organization", "organization__region")
        .only(
            "id", "list", "reason", "reason_code", "report_year", "listed_on",
            "organization__id", "organization__name", "organization__credit_code",
            "organization__filing_number", "organization__region__name",
        )
        .order_by("-listed_on", "-id")
    )  # fmt: skip
