"""Writes for annual reports, ratings and credit lists. Each is atomic, validates fully and records who."""

from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..access import access_for
from ..exceptions import InvalidState
from ..files import PDF, validate_upload
from ..hooks import Event, registry_event
from ..models import AnnualReport, CreditListEntry, Organization, Rating, ReportReview, UserScope
from ..models.annual_reports import FIGURE_FIELDS
from ..services import organization_change_status, require_scope
from .deadlines import years_later

Status = AnnualReport.Status
Result = AnnualReport.Result
EDITABLE = (Status.DRAFT, Status.RETURNED)
UNIT_DECISIONS = ("pass", "return")
BUREAU_DECISIONS = (*Result.values, "return")
DECISIONS = ("pass", "return", *Result.values)
REMOVAL_ON_ACCEPTANCE = "已补报年度工作报告并通过审核"


def _record(instance, actor, reason: str = "") -> None:
    instance._history_user = actor
    instance._change_reason = reason


# Who may file for an organization


def can_file_for(actor, organization: Organization) -> bool:
    """The organization's own users, or a system token with reports:write whose region covers it."""
    access = access_for(actor)
    if not access.can("reports:write"):
        return False
    if access.kind == UserScope.Kind.ORG:
        return access.organization_id == organization.pk
    return access.covers_region(organization.region_id)


def _require_filer(actor, organization: Organization) -> None:
    require_scope(actor, "reports:write")
    if not can_file_for(actor, organization):
        raise PermissionDenied(_("You cannot file annual reports for this organization."))


# Validation


def report_errors(report: AnnualReport) -> dict[str, list[str]]:
    """Every rule of the report's content, each error on its field."""
    errors: dict[str, list[str]] = {}

    def add(field, message):
        errors.setdefault(field, []).append(message)

    for name in FIGURE_FIELDS:
        value = getattr(report, name)
        if value is None or value == "":
            add(name, _("Enter a number (0 if none)."))
            continue
        try:
            value = AnnualReport._meta.get_field(name).to_python(value)
        except ValidationError as error:
            errors.setdefault(name, []).extend(error.messages)
            continue
        setattr(report, name, value)
        if value < 0 and name != "net_assets":
            add(name, _("Must not be negative."))
    if errors:
        return errors
    parts = report.income_dues + report.income_donations + report.income_government
    if parts > report.income_total:
        add(
            "income_total",
            _("Total income (%(total)s) is less than dues + donations + government funding (%(parts)s).")
            % {"total": report.income_total, "parts": parts},
        )
    if report.graduate_jobs > report.jobs_posted:
        add(
            "graduate_jobs",
            _("Jobs for graduates cannot exceed the jobs posted (%(n)d).") % {"n": report.jobs_posted},
        )
    if report.graduates_hired > report.graduate_jobs + report.internship_posts:
        add(
            "graduates_hired",
            _("Graduates hired cannot exceed jobs for graduates plus internship posts (%(n)d).")
            % {"n": report.graduate_jobs + report.internship_posts},
        )
    return errors


def _check_year(organization: Organization, year: int, today: date | None = None) -> None:
    today = today or timezone.localdate()
    if year >= today.year:
        raise ValidationError(
            {
                "year": [
                    _("A report can only be filed for a past year (before %(year)d).") % {"year": today.year}
                ]
            }
        )
    if organization.registered_on and year < organization.registered_on.year:
        raise ValidationError(
            {
                "year": [
                    _("The organization was registered in %(year)d; there is no report for an earlier year.")
                    % {"year": organization.registered_on.year}
                ]
            }
        )


def _clean(report: AnnualReport) -> None:
    errors = report_errors(report)
    if errors:
        raise ValidationError(errors)
    report.full_clean(exclude=["organization", "audited_statement"], validate_unique=False)


def _coerce(fields: dict) -> dict:
    unknown = set(fields) - set(FIGURE_FIELDS)
    if unknown:
        raise ValidationError({name: [_("Unknown field.")] for name in sorted(unknown)})
    return fields


# Reports


@transaction.atomic
def annual_report_create(*, actor, organization: Organization, year: int, **figures) -> AnnualReport:
    """Open the report of `organization` for `year` as a draft (figures optional)."""
    _require_filer(actor, organization)
    _coerce(figures)
    _check_year(organization, year)
    if AnnualReport.objects.filter(organization=organization, year=year).exists():
        raise ValidationError(
            {"year": [_("There is already a report of this organization for %(year)d.") % {"year": year}]}
        )
    report = AnnualReport(organization=organization, year=year, **figures)
    _clean(report)
    _record(report, actor, _("Opened"))
    report.save()
    return report


@transaction.atomic
def annual_report_update(*, actor, report: AnnualReport, **figures) -> AnnualReport:
    """Save figures of a draft or returned report (a section at a time is fine)."""
    _coerce(figures)
    report = AnnualReport.objects.select_for_update().select_related("organization").get(pk=report.pk)
    _require_filer(actor, report.organization)
    if report.status not in EDITABLE:
        raise InvalidState(_("A submitted report cannot be changed unless it is returned."))
    for name, value in figures.items():
        setattr(report, name, value)
    _clean(report)
    _record(report, actor, _("Saved"))
    report.save()
    return report


@transaction.atomic
def annual_report_attach(*, actor, report: AnnualReport, upload) -> AnnualReport:
    """Attach the audited financial statement: a PDF (by content) of at most 20 MB."""
    report = AnnualReport.objects.select_for_update().select_related("organization").get(pk=report.pk)
    _require_filer(actor, report.organization)
    if report.status not in EDITABLE:
        raise InvalidState(_("A submitted report cannot be changed unless it is returned."))
    validate_upload(upload, field="audited_statement", allowed=PDF)
    report.audited_statement.save(upload.name.rsplit("/", 1)[-1] or "statement.pdf", upload, save=False)
    _record(report, actor, _("Statement attached"))
    report.save()
    return report


@transaction.atomic
def annual_report_submit(*, actor, report: AnnualReport) -> AnnualReport:
    report = AnnualReport.objects.select_for_update().select_related("organization").get(pk=report.pk)
    _require_filer(actor, report.organization)
    if report.status not in EDITABLE:
        raise InvalidState(_("Only a draft or a returned report can be submitted."))
    errors = report_errors(report)
    if not report.audited_statement:
        errors.setdefault("audited_statement", []).append(_("Attach the audited financial statement (PDF)."))
    if errors:
        raise ValidationError(errors)
    report.status = Status.SUBMITTED
    report.submitted_at = timezone.now()
    report.result = ""
    _record(report, actor, _("Submitted"))
    report.save()
    ReportReview.objects.create(report=report, step=ReportReview.Step.SUBMIT, decision="submit", actor=actor)
    return report


def review_step(report: AnnualReport) -> str | None:
    """Which review the report waits for: "unit", "bureau", or None (not under review)."""
    if report.status == Status.SUBMITTED:
        return ReportReview.Step.UNIT if report.organization.supervising_unit_id else ReportReview.Step.BUREAU
    if report.status == Status.UNIT_REVIEWED:
        return ReportReview.Step.BUREAU
    return None


def reviewer_steps(actor, organization: Organization) -> set[str]:
    """The review steps `actor` may take for `organization`'s reports."""
    access = access_for(actor)
    steps = set()
    if not access.can("reports:review"):
        return steps
    if access.kind == UserScope.Kind.UNIT and organization.supervising_unit_id == access.supervising_unit_id:
        steps.add(ReportReview.Step.UNIT)
    if access.has_role(UserScope.Role.REGISTRAR) and access.covers_region(organization.region_id):
        steps.add(ReportReview.Step.BUREAU)
    return steps


def can_review(actor, report: AnnualReport) -> bool:
    step = review_step(report)
    return step is not None and step in reviewer_steps(actor, report.organization)


@transaction.atomic
def annual_report_review(*, actor, report: AnnualReport, decision: str, comment: str = "") -> AnnualReport:
    """The supervising unit passes or returns; then the bureau registrar gives the result or returns.
    Without a supervising unit the report goes from submitted straight to the bureau."""
    require_scope(actor, "reports:review")
    report = AnnualReport.objects.select_for_update().select_related("organization").get(pk=report.pk)
    organization = report.organization
    steps = reviewer_steps(actor, organization)
    if not steps:
        raise PermissionDenied(_("You do not review this organization's reports."))
    step = review_step(report)
    if step is None:
        raise InvalidState(
            _("This report is not waiting for a review (it is %(status)s).")
            % {"status": report.get_status_display()}
        )
    if step not in steps:
        raise InvalidState(
            _("This report is waiting for the supervising unit.")
            if step == ReportReview.Step.UNIT
            else _("The supervising unit has already reviewed this report; the bureau decides next.")
        )
    comment = (comment or "").strip()
    allowed = UNIT_DECISIONS if step == ReportReview.Step.UNIT else BUREAU_DECISIONS
    if decision not in allowed:
        raise ValidationError(
            {"decision": [_("Choose one of: %(choices)s.") % {"choices": ", ".join(allowed)}]}
        )
    if decision == "return" and not comment:
        raise ValidationError({"comment": [_("Say what must be corrected.")]})
    now = timezone.now()
    if decision == "return":
        report.status = Status.RETURNED
    elif decision == "pass":
        report.status = Status.UNIT_REVIEWED
        report.unit_reviewed_at = now
    else:
        report.status = Status.ACCEPTED
        report.result = decision
        report.accepted_at = now
    _record(report, actor, comment or decision)
    report.save()
    ReportReview.objects.create(report=report, step=step, decision=decision, comment=comment, actor=actor)
    if report.status == Status.ACCEPTED:
        _unlist_on_acceptance(actor=actor, report=report)
        registry_event.send(
            AnnualReport,
            event=Event.REPORT_ACCEPTED,
            organization=organization,
            actor=actor,
            data={"report_id": report.pk, "year": report.year, "result": report.result},
        )
    return report


def _unlist_on_acceptance(*, actor, report: AnnualReport) -> None:
    entries = CreditListEntry.objects.filter(
        organization_id=report.organization_id,
        list=CreditListEntry.List.ABNORMAL,
        reason_code=CreditListEntry.ReasonCode.NO_ANNUAL_REPORT,
        report_year=report.year,
        removed_on__isnull=True,
    )
    for entry in entries:
        credit_list_remove(actor=None, entry=entry, removal_reason=REMOVAL_ON_ACCEPTANCE, history_user=actor)


# Ratings


def _require_registrar(actor, organization: Organization, *roles) -> None:
    require_scope(actor, "reports:review")
    access = access_for(actor)
    roles = roles or (UserScope.Role.REGISTRAR,)
    if not (access.has_role(*roles) or access.kind == UserScope.Kind.SYSTEM) or not access.covers_region(
        organization.region_id
    ):
        raise PermissionDenied(_("Only the bureau of the organization's region may do this."))


@transaction.atomic
def rating_award(*, actor, organization: Organization, grade: int, awarded_on: date) -> Rating:
    """Record a rating (1A–5A), valid five years from the award."""
    _require_registrar(actor, organization)
    if awarded_on > timezone.localdate():
        raise ValidationError({"awarded_on": [_("The award date cannot be in the future.")]})
    rating = Rating(
        organization=organization,
        grade=grade,
        awarded_on=awarded_on,
        valid_until=years_later(awarded_on, Rating.VALID_YEARS),
    )
    rating.full_clean()
    _record(rating, actor)
    rating.save()
    registry_event.send(
        Rating,
        event=Event.RATING_AWARDED,
        organization=organization,
        actor=actor,
        data={"rating_id": rating.pk, "grade": grade, "valid_until": rating.valid_until.isoformat()},
    )
    return rating


# Credit lists


def _other_open_abnormal(organization_id: int, exclude_pk: int | None = None) -> bool:
    qs = CreditListEntry.objects.filter(
        organization_id=organization_id, list=CreditListEntry.List.ABNORMAL, removed_on__isnull=True
    )
    return qs.exclude(pk=exclude_pk).exists() if exclude_pk else qs.exists()


@transaction.atomic
def credit_list_add(
    *,
    actor,
    organization: Organization,
    list: str,
    reason: str,
    reason_code: str = "other",
    listed_on=None,
    report_year=None,
) -> CreditListEntry:
    """Put an organization on the abnormal-activity or the serious list. actor=None is the system.
    An organization put on the abnormal list becomes abnormal."""
    if actor is not None:
        _require_registrar(actor, organization, UserScope.Role.REGISTRAR, UserScope.Role.SUPERVISOR)
    entry = CreditListEntry(
        organization=organization,
        list=list,
        reason=(reason or "").strip(),
        reason_code=reason_code,
        listed_on=listed_on or timezone.localdate(),
        report_year=report_year,
    )
    if entry.listed_on > timezone.localdate():
        raise ValidationError({"listed_on": [_("The listing date cannot be in the future.")]})
    entry.full_clean(validate_constraints=False)
    duplicate = CreditListEntry.objects.filter(
        organization=organization, list=list, report_year=report_year, removed_on__isnull=True
    )
    if duplicate.exists():
        raise ValidationError({"list": [_("The organization is already on this list for this reason.")]})
    _record(entry, actor)
    entry.save()
    if list == CreditListEntry.List.ABNORMAL and organization.status == Organization.Status.ACTIVE:
        organization_change_status(
            actor=actor,
            organization=organization,
            status=Organization.Status.ABNORMAL,
            reason=entry.reason,
            check_scope=False,
        )
    return entry


@transaction.atomic
def credit_list_remove(
    *, actor, entry: CreditListEntry, removal_reason: str, on=None, history_user=None
) -> CreditListEntry:
    """Take an entry off its list. When the last open abnormal entry goes, the organization is active again."""
    if actor is not None:
        _require_registrar(actor, entry.organization, UserScope.Role.REGISTRAR, UserScope.Role.SUPERVISOR)
    entry = CreditListEntry.objects.select_for_update().select_related("organization").get(pk=entry.pk)
    if entry.removed_on is not None:
        raise InvalidState(_("This entry has already been removed."))
    removal_reason = (removal_reason or "").strip()
    if not removal_reason:
        raise ValidationError({"removal_reason": [_("Give the reason for the removal.")]})
    on = on or timezone.localdate()
    if on > timezone.localdate():
        raise ValidationError({"on": [_("The removal date cannot be in the future.")]})
    if on < entry.listed_on:
        raise ValidationError({"on": [_("The removal cannot be before the listing.")]})
    entry.removed_on = on
    entry.removal_reason = removal_reason
    entry.full_clean(validate_constraints=False)
    _record(entry, actor or history_user, removal_reason)
    entry.save()
    organization = entry.organization
    if (
        entry.list == CreditListEntry.List.ABNORMAL
        and organization.status == Organization.Status.ABNORMAL
        and not _other_open_abnormal(organization.pk)
    ):
        organization_change_status(
            actor=actor or history_user,
            organization=organization,
            status=Organization.Status.ACTIVE,
            reason=removal_reason,
            check_scope=False,
        )
    return entry


# Spreadsheet import of earlier years' figures


@transaction.atomic
def annual_reports_import(*, actor, rows: list[dict]) -> int:
    """Import accepted reports of past years: every row valid, or nothing saved.

    `rows` are dicts with `row` (spreadsheet row number), `credit_code`, `year`, `result` and figures.
    Errors: ValidationError({"row 3": ["income_total: …"]}), one key per bad row."""
    require_scope(actor, "reports:review")
    access = access_for(actor)
    if not (access.has_role(UserScope.Role.REGISTRAR) or access.kind == UserScope.Kind.SYSTEM):
        raise PermissionDenied(_("Only registrars import annual reports."))
    codes = {str(row.get("credit_code") or "").strip().upper() for row in rows}
    organizations = {
        org.credit_code: org
        for org in Organization.objects.filter(
            credit_code__in=codes - {""}, region__code__startswith=access.region_code
        )
    }
    existing = set(
        AnnualReport.objects.filter(organization__in=organizations.values()).values_list(
            "organization_id", "year"
        )
    )
    errors: dict[str, list[str]] = {}
    reports = []
    seen = set()
    now = timezone.now()
    for row in rows:
        key = _("row %(n)d") % {"n": row["row"]}
        messages = []
        organization = organizations.get(str(row.get("credit_code") or "").strip().upper())
        if organization is None:
            messages.append(_("credit_code: no organization with this credit code in your jurisdiction."))
        try:
            year = int(row.get("year"))
        except (TypeError, ValueError):
            messages.append(_("year: enter a year."))
            year = None
        result = (row.get("result") or "").strip()
        if result not in Result.values:
            messages.append(_("result: use one of %(choices)s.") % {"choices": ", ".join(Result.values)})
        figures = {}
        for name in FIGURE_FIELDS:
            raw = row.get(name)
            if raw in (None, ""):
                raw = 0
            try:
                figures[name] = (
                    Decimal(str(raw)) if "income" in name or name in _MONEY else int(Decimal(str(raw)))
                )
            except (ArithmeticError, ValueError):
                messages.append(_("%(field)s: not a number.") % {"field": name})
        if organization is not None and year is not None and not messages:
            try:
                _check_year(organization, year)
            except ValidationError as error:
                messages += [f"year: {m}" for m in error.message_dict["year"]]
            if (organization.pk, year) in existing or (organization.pk, year) in seen:
                messages.append(_("year: a report of this organization for this year already exists."))
            seen.add((organization.pk, year))
        if not messages:
            report = AnnualReport(
                organization=organization,
                year=year,
                status=Status.ACCEPTED,
                result=result,
                accepted_at=now,
                **figures,
            )
            messages += [f"{field}: {m}" for field, ms in report_errors(report).items() for m in ms]
            if not messages:
                try:  # the fields' own validators too (e.g. at most two decimal places)
                    report.full_clean(
                        exclude=["organization", "audited_statement"],
                        validate_unique=False,
                        validate_constraints=False,
                    )
                except ValidationError as error:
                    messages += [f"{field}: {m}" for field, ms in error.message_dict.items() for m in ms]
            reports.append(report)
        if messages:
            errors[key] = messages
    if errors:
        raise ValidationError(errors)
    for report in reports:
        _record(report, actor, _("Imported"))
        report.save()
    return len(reports)


_MONEY = {"expense_total", "net_assets", "funds_raised", "rural_funds", "east_west_funds", "fees_reduced"}
