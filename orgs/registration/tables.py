import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from ..models import RegistrationApplication
from ..tables import DateColumn, PortalTable

App = RegistrationApplication
STATUS_BADGES = {
    App.Status.DRAFT: "text-bg-light",
    App.Status.SUBMITTED: "text-bg-primary",
    App.Status.UNIT_CONSENTED: "text-bg-info",
    App.Status.UNIT_REFUSED: "text-bg-danger",
    App.Status.CORRECTION_REQUESTED: "text-bg-warning",
    App.Status.ACCEPTED: "text-bg-primary",
    App.Status.APPROVED: "text-bg-success",
    App.Status.REFUSED: "text-bg-danger",
    App.Status.WITHDRAWN: "text-bg-secondary",
    App.Status.LAPSED: "text-bg-secondary",
}


def status_badge(application) -> str:
    return format_html(
        '<span class="badge {}">{}</span>',
        STATUS_BADGES.get(application.status, "text-bg-light"),
        application.get_status_display(),
    )


def _row_class(record, table, **kwargs):
    if record.due_on and record.status == App.Status.ACCEPTED and record.due_on < table.today:
        return "table-danger portal-overdue"
    return ""


class ApplicationTable(PortalTable):
    id = tables.Column(verbose_name=_("No."), linkify=("registration:detail", [tables.A("pk")]))
    kind = tables.Column()
    name = tables.Column(
        verbose_name=_("Name"),
        accessor="proposed_name",
        empty_values=(),
        linkify=("registration:detail", [tables.A("pk")]),
        order_by=("proposed_name",),
    )
    applicant = tables.Column(accessor="applicant__username", verbose_name=_("Applicant"))
    region = tables.Column(accessor="region__name", verbose_name=_("Region"), order_by=("region_id",))
    status = tables.Column()
    submitted_at = DateColumn(format="Y-m-d")
    due_on = DateColumn(format="Y-m-d")
    promised_on = DateColumn(format="Y-m-d")
    days_left = tables.Column(verbose_name=_("Days left"), empty_values=(), orderable=False)

    class Meta:
        model = App
        fields = [
            "id",
            "kind",
            "name",
            "applicant",
            "region",
            "status",
            "submitted_at",
            "promised_on",
            "due_on",
            "days_left",
        ]
        attrs = {
            "class": "table table-sm table-hover align-middle portal-table mb-0",
            "thead": {"hx-boost": "true"},
        }
        row_attrs = {"class": _row_class, "data-application": lambda record: record.pk}
        empty_text = _("No applications.")

    def render_name(self, record):
        return record.proposed_name or (record.organization.name if record.organization_id else "—")

    def render_status(self, record):
        return status_badge(record)

    def render_days_left(self, record):
        if record.due_on is None:
            return "—"
        days = (record.due_on - self.today).days
        css = (
            "text-danger fw-bold" if days < 0 else ("text-warning-emphasis fw-semibold" if days <= 3 else "")
        )
        return format_html('<span class="{}">{}</span>', css, days)
