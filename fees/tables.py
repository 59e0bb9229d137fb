import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from orgs.tables import DateColumn, PortalTable

from .models import FeeCase


def _row_class(record, table) -> str:
    overdue = record.status == FeeCase.Status.RECTIFYING and record.deadline and record.deadline < table.today
    return "table-danger" if overdue else ""


class FeeCaseTable(PortalTable):
    number = tables.LinkColumn(
        "fees:case_detail",
        args=[tables.A("pk")],
        verbose_name=_("Case number"),
        attrs={"td": {"class": "text-nowrap font-monospace small"}},
    )
    organization = tables.Column(
        accessor="organization__name", verbose_name=_("Organization"), order_by="organization__name"
    )
    amount_charged = tables.Column(attrs={"td": {"class": "text-end"}})
    deadline = DateColumn(format="Y-m-d")
    created_at = DateColumn(format="Y-m-d", verbose_name=_("Received on"))

    class Meta:
        model = FeeCase
        fields = [
            "number",
            "organization",
            "source",
            "kind",
            "fee_item",
            "amount_charged",
            "status",
            "deadline",
        ]
        sequence = [*fields, "created_at"]
        attrs = {
            "class": "table table-sm table-hover align-middle portal-table mb-0",
            "thead": {"hx-boost": "true"},
        }
        row_attrs = {"class": _row_class}
