"""The filing deadline: when it falls, who is reminded, who is put on the abnormal-activity list.

"Filed" means a report for the year in status submitted, unit_reviewed or accepted. A draft or a report
returned for correction is not filed. An organization is *due* to file for a year when it is active or
abnormal and was registered on or before 31 December of that year.

Every step is set-based (one query selects the organizations) and idempotent: DeadlineReminder rows make a
reminder once-only, and an organization already given a no_annual_report entry for the year (open or
removed) is never listed again for that year."""

from datetime import date

from django.conf import settings
from django.core.mail import get_connection, send_mass_mail
from django.db import transaction
from django.db.models import Exists, Min, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import AnnualReport, CreditListEntry, DeadlineReminder, Notification, Organization, UserScope
from ..services import organizations_change_status_bulk

FILED = (AnnualReport.Status.SUBMITTED, AnnualReport.Status.UNIT_REVIEWED, AnnualReport.Status.ACCEPTED)
IN_REVIEW = (AnnualReport.Status.SUBMITTED, AnnualReport.Status.UNIT_REVIEWED)
REMINDER_DAYS = (30, 7, 1)
ESCALATION_YEARS = 2
NOTIFICATION_TOPIC = "annual_report_deadline"


def _reason_no_report() -> str:
    return "未按规定报送年度工作报告"


def _reason_escalated() -> str:
    return "被列入活动异常名录满2年"


def deadline_for(year: int) -> date:
    """The last day to file the report for `year`: settings.ANNUAL_REPORT_DEADLINE ("MM-DD") of year + 1."""
    month, day = (int(part) for part in settings.ANNUAL_REPORT_DEADLINE.split("-"))
    return date(year + 1, month, day)


def report_year_on(on: date) -> int:
    """The report year that is being filed on `on` (the previous calendar year)."""
    return on.year - 1


def years_later(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def due_q(year: int) -> Q:
    """The organizations that owe a report for `year`, as a condition on organizations."""
    return Q(
        status__in=(Organization.Status.ACTIVE, Organization.Status.ABNORMAL),
        registered_on__lte=date(year, 12, 31),
    )


def due_organizations(year: int) -> QuerySet[Organization]:
    """Organizations that owe a report for `year`."""
    return Organization.objects.filter(due_q(year))


def filed_report(year: int):
    return AnnualReport.objects.filter(organization=OuterRef("pk"), year=year, status__in=FILED)


def non_filers(year: int) -> QuerySet[Organization]:
    return due_organizations(year).filter(~Exists(filed_report(year)))


def send_reminders(*, on: date) -> int:
    """Remind the organizations that have not filed, 30, 7 and 1 days before the deadline; once each."""
    year = report_year_on(on)
    days = (deadline_for(year) - on).days
    if days not in REMINDER_DAYS:
        return 0
    already = DeadlineReminder.objects.filter(organization=OuterRef("pk"), year=year, days_before=days)
    targets = non_filers(year).filter(~Exists(already))
    with transaction.atomic():
        ids = list(targets.values_list("pk", flat=True))
        if not ids:
            return 0
        DeadlineReminder.objects.bulk_create(
            [DeadlineReminder(organization_id=pk, year=year, days_before=days) for pk in ids],
            batch_size=2000,
            ignore_conflicts=True,
        )
        deadline = deadline_for(year)
        message = _(
            "The annual work report for %(year)s is due by %(deadline)s (%(days)d days left). "
            "File it at %(link)s."
        ) % {"year": year, "deadline": deadline.isoformat(), "days": days, "link": _link(year)}
        Notification.objects.bulk_create(
            [
                Notification(
                    organization_id=pk,
                    topic=NOTIFICATION_TOPIC,
                    message=message,
                    link=f"/my/annual-reports/{year}/",
                )
                for pk in ids
            ],
            batch_size=2000,
        )
        recipients = (
            UserScope.objects.filter(kind=UserScope.Kind.ORG, organization_id__in=ids, user__is_active=True)
            .exclude(user__email="")
            .values_list("user__email", flat=True)
        )
        subject = _("Annual work report for %(year)s: %(days)d days left") % {"year": year, "days": days}
        mails = [(subject, message, settings.DEFAULT_FROM_EMAIL, [email]) for email in recipients]
        if mails:
            transaction.on_commit(
                lambda: send_mass_mail(mails, fail_silently=True, connection=get_connection())
            )
    return len(ids)


def _link(year: int) -> str:
    return f"{settings.PORTAL_BASE_URL.rstrip('/')}/my/annual-reports/{year}/"


@transaction.atomic
def apply_deadline(*, year: int, on: date | None = None) -> int:
    """Put every due organization that has not filed for `year` on the abnormal-activity list (listed `on`,
    at the earliest the day after the deadline) and set its status to abnormal. Returns how many were listed."""
    on = on or timezone.localdate()
    if on <= deadline_for(year):
        return 0
    ever_listed = CreditListEntry.objects.filter(
        organization=OuterRef("pk"),
        list=CreditListEntry.List.ABNORMAL,
        reason_code=CreditListEntry.ReasonCode.NO_ANNUAL_REPORT,
        report_year=year,
    )
    ids = list(non_filers(year).filter(~Exists(ever_listed)).values_list("pk", flat=True))
    if not ids:
        return 0
    reason = _reason_no_report()
    CreditListEntry.objects.bulk_create(
        [
            CreditListEntry(
                organization_id=pk,
                list=CreditListEntry.List.ABNORMAL,
                reason=reason,
                reason_code=CreditListEntry.ReasonCode.NO_ANNUAL_REPORT,
                report_year=year,
                listed_on=on,
            )
            for pk in ids
        ],
        batch_size=2000,
    )
    # Only the newly listed that are still active change status (abnormal ones already are).
    organizations_change_status_bulk(
        organization_ids=ids,
        from_status=Organization.Status.ACTIVE,
        to_status=Organization.Status.ABNORMAL,
        reason=reason,
    )
    return len(ids)


@transaction.atomic
def escalate(*, on: date | None = None) -> int:
    """An organization on the abnormal-activity list for two full years goes on the serious list (once)."""
    on = on or timezone.localdate()
    cutoff = years_later(on, -ESCALATION_YEARS)
    open_serious = CreditListEntry.objects.filter(
        organization=OuterRef("organization"), list=CreditListEntry.List.SERIOUS, removed_on__isnull=True
    )
    rows = list(
        CreditListEntry.objects.filter(
            list=CreditListEntry.List.ABNORMAL, removed_on__isnull=True, listed_on__lte=cutoff
        )
        .filter(~Exists(open_serious))
        .values("organization_id")
        .annotate(first_year=Min("report_year"))
        .values_list("organization_id", "first_year")
    )
    if not rows:
        return 0
    reason = _reason_escalated()
    CreditListEntry.objects.bulk_create(
        [
            CreditListEntry(
                organization_id=pk,
                list=CreditListEntry.List.SERIOUS,
                reason=reason,
                reason_code=CreditListEntry.ReasonCode.ESCALATED,
                report_year=first_year,
                listed_on=on,
            )
            for pk, first_year in rows
        ],
        batch_size=2000,
    )
    return len(rows)


def run_daily(*, on: date | None = None) -> dict:
    """What beat runs every night: reminders, the deadline for last year's report, escalation."""
    on = on or timezone.localdate()
    year = report_year_on(on)
    return {
        "year": year,
        "reminded": send_reminders(on=on),
        "listed": apply_deadline(year=year, on=on),
        "escalated": escalate(on=on),
    }


def days_left(year: int, today: date | None = None) -> int:
    return (deadline_for(year) - (today or timezone.localdate())).days


OVERVIEW_YEARS_BACK = 6
