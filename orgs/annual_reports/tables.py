import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from ..models import AnnualReport, CreditListEntry, Rating
from ..tables import DateColumn, PortalTable, status_badge

REPORT_BADGES = {
    "draft": "text-bg-light",
    "submitted": "text-bg-info",
    "unit_reviewed": "text-bg-primary",
    "accepted": "text-bg-success",
    "returned": "text-bg-warning",
}
TABLE_ATTRS = {"class": "table table-sm table-hover align-middle portal-table mb-0"}


def report_badge(status: str | None) -> str:
    if not status:
        return format_html('<span class="badge text-bg-secondary">{}</span>', _("Not filed"))
    return format_html(
        '<span class="badge {}">{}</span>', REPORT_BADGES.get(status, ""), AnnualReport.Status(status).label
    )


class OverviewTable(PortalTable):
    name = tables.Column(verbose_name=_("Organization"), attrs={"td": {"class": "fw-semibold"}})
    credit_code = tables.Column(
        verbose_name=_("Credit code / filing number"), empty_values=(), orderable=False
    )
    region = tables.Column(accessor="region__name", verbose_name=_("Region"), orderable=False)
    supervising_unit = tables.Column(
        accessor="supervising_unit__name", verbose_name=_("Supervising unit"), orderable=False
    )
    status = tables.Column(verbose_name=_("Organization status"), orderable=False)
    report_status = tables.Column(verbose_name=_("Report"), empty_values=(), orderable=False)

    class Meta:
        attrs = TABLE_ATTRS
        orderable = False
        empty_text = _("No organization in this selection.")
        template_name = "orgs/annual_reports/_table.html"

    def render_name(self, record):
        return format_html('<a href="{}">{}</a>', reverse("registry:detail", args=[record.pk]), record.name)

    def render_credit_code(self, record):
        return record.credit_code or record.filing_number or "—"

    def render_status(self, record):
        return status_badge(record)

    def render_report_status(self, record):
        badge = report_badge(record.report_status)
        if record.report_id and record.report_status != "draft":
            return format_html(
                '<a href="{}">{}</a>', reverse("annual_reports:detail", args=[record.report_id]), badge
            )
        return badge


class QueueTable(PortalTable):
    organization = tables.Column(accessor="organization__name", verbose_name=_("Organization"))
    year = tables.Column(verbose_name=_("Year"))
    status = tables.Column(verbose_name=_("Status"))
    submitted_at = DateColumn(format="Y-m-d H:i", verbose_name=_("Submitted at"))
    review = tables.Column(empty_values=(), verbose_name="", orderable=False)

    class Meta:
        attrs = TABLE_ATTRS
        orderable = False
        empty_text = _("Nothing is waiting for your review.")
        template_name = "orgs/annual_reports/_table.html"

    def render_status(self, record):
        return report_badge(record.status)

    def render_review(self, record):
        return format_html(
            '<a class="btn btn-sm btn-primary" href="{}">{}</a>',
            reverse("annual_reports:review", args=[record.pk]),
            _("Review"),
        )


class RatingTable(PortalTable):
    organization = tables.Column(accessor="organization__name", verbose_name=_("Organization"))
    grade = tables.Column(verbose_name=_("Grade"))
    awarded_on = DateColumn(format="Y-m-d")
    valid_until = DateColumn(format="Y-m-d")
    expired = tables.Column(empty_values=(), verbose_name=_("Validity"), orderable=False)

    class Meta:
        model = Rating
        fields = ["organization", "grade", "awarded_on", "valid_until", "expired"]
        attrs = TABLE_ATTRS
        orderable = False
        empty_text = _("No rating recorded.")
        template_name = "orgs/annual_reports/_table.html"

    def render_grade(self, value):
        return f"{value}A"

    def render_expired(self, record):
        if record.expired:
            return format_html('<span class="badge text-bg-secondary">{}</span>', _("Expired"))
        return format_html('<span class="badge text-bg-success">{}</span>', _("Valid"))


class CreditEntryTable(PortalTable):
    organization = tables.Column(accessor="organization__name", verbose_name=_("Organization"))
    list = tables.Column()
    reason = tables.Column()
    report_year = tables.Column()
    listed_on = DateColumn(format="Y-m-d")
    removed_on = DateColumn(format="Y-m-d")
    actions = tables.TemplateColumn(
        template_name="orgs/annual_reports/_credit_remove.html", verbose_name="", orderable=False
    )

    class Meta:
        model = CreditListEntry
        fields = ["organization", "list", "reason", "report_year", "listed_on", "removed_on"]
        attrs = TABLE_ATTRS
        orderable = False
        empty_text = _("No entry.")
        template_name = "orgs/annual_reports/_table.html"

    def render_list(self, record):
        css = "text-bg-warning" if record.list == "abnormal" else "text-bg-danger"
        return format_html('<span class="badge {}">{}</span>', css, record.get_list_display())
