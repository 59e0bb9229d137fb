from datetime import datetime
from functools import lru_cache

import django_tables2 as tables
from django.utils import dateformat, timezone
from django.utils.formats import localize
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.timezone import template_localtime
from django.utils.translation import gettext_lazy as _
from django_tables2.rows import BoundRow, BoundRows
from django_tables2.utils import signature

from .models import Organization

STATUS_BADGES = {
    Organization.Status.ACTIVE: "text-bg-success",
    Organization.Status.ABNORMAL: "text-bg-warning",
    Organization.Status.DEREGISTERED: "text-bg-secondary",
    Organization.Status.REVOKED: "text-bg-danger",
}


class DateColumn(tables.Column):
    """A date, or the local date and time of a moment, in `format`. django-tables2's DateColumn and
    DateTimeColumn compile a template for every cell, which dominates the rendering of a 50-row page."""

    def __init__(self, format="Y-m-d", **kwargs):
        self.format = format
        super().__init__(**kwargs)

    def render(self, value):
        if isinstance(value, datetime):
            value = timezone.localtime(value)
        return dateformat.format(value, self.format)


@lru_cache(maxsize=512)
def _parameters(function, bound: bool) -> tuple[tuple[str, ...], str | None]:
    """django-tables2's `signature()` of a render method, once per function (it asks `inspect` per cell)."""
    args, catch_all = signature(function)
    return (args[1:] if bound else args), catch_all


def _call_with_appropriate(fn, kwargs):
    """django_tables2.utils.call_with_appropriate with the signature looked up once per function."""
    function = getattr(fn, "__func__", fn)
    args, catch_all = _parameters(function, function is not fn)
    if not catch_all:
        if any(arg not in kwargs for arg in args):
            return None
        kwargs = {arg: kwargs[arg] for arg in args}
    return fn(**kwargs)


class _Row(BoundRow):
    """A BoundRow whose cells call their render and value methods through `_call_with_appropriate`."""

    def _call_render(self, bound_column, value=None):
        render_kwargs = self._optional_cell_arguments(bound_column, value)
        content = _call_with_appropriate(bound_column.render, render_kwargs)
        return bound_column.link(content, **render_kwargs) if bound_column.link else content

    def _call_value(self, bound_column, value=None):
        return _call_with_appropriate(bound_column.value, self._optional_cell_arguments(bound_column, value))


class _Rows(BoundRows):
    def __iter__(self):
        yield from self.generator_pinned_row(self.pinned_data.get("top"))
        for record in self.data:
            yield _Row(record, table=self.table)
        yield from self.generator_pinned_row(self.pinned_data.get("bottom"))

    def __getitem__(self, key):
        if isinstance(key, slice):
            return _Rows(data=self.data[key], table=self.table, pinned_data=self.pinned_data)
        return _Row(record=self.data[key], table=self.table)


class PortalTable(tables.Table):
    """A django-tables2 Table whose body is rendered in Python (`body_html`, used by the portal's table
    templates) instead of by the template engine cell by cell. The cells are django-tables2's own: the same
    accessors, `render_FOO` methods, links, attributes and localization; only the per-cell template work and
    the per-cell `inspect.signature` are gone (together about half of a 25-row queue page, bench/README.md)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = _Rows(data=self.data, table=self, pinned_data=self.pinned_data)

    def body_html(self) -> str:
        # A column's <td> attributes are the same on every row unless one of them is computed from the
        # record (a callable): those are rendered once per column, the others per cell as by the template.
        static_td = {
            column.name: column.attrs["td"].as_html() for column in self.columns if not _computed_td(column)
        }
        rows = []
        for row in self.paginated_rows:
            cells = "".join(
                format_html(
                    "<td {}>{}</td>",
                    static_td[column.name] if column.name in static_td else column.attrs["td"].as_html(),
                    _cell_text(column, cell),
                )
                for column, cell in row.items()
            )
            rows.append(format_html("<tr {}>{}</tr>", row.attrs.as_html(), mark_safe(cells)))
        if not rows and self.empty_text:
            rows.append(format_html('<tr><td colspan="{}">{}</td></tr>', len(self.columns), self.empty_text))
        return format_html("<tbody {}>{}</tbody>", self.attrs["tbody"].as_html(), mark_safe("".join(rows)))


def _computed_td(column) -> bool:
    """Whether any of the column's <td> attributes (its own or the table's) is a callable of the record."""
    attrs = {**column._table.attrs, **column.column.attrs}
    return _has_callable(attrs.get("td", attrs.get("cell", {})))


def _has_callable(value) -> bool:
    if callable(value):
        return True
    return isinstance(value, dict) and any(_has_callable(v) for v in value.values())


def _cell_text(column, cell) -> str:
    """What the stock template prints for a cell: `{{ cell }}`, `{{ cell|localize }}` or `{{ cell|unlocalize }}`."""
    use_l10n = None if column.localize is None else bool(column.localize)
    return conditional_escape(localize(template_localtime(cell), use_l10n=use_l10n))


def status_badge(organization: Organization) -> str:
    return format_html(
        '<span class="badge {}">{}</span>',
        STATUS_BADGES.get(organization.status, "text-bg-light"),
        organization.get_status_display(),
    )


class OrganizationTable(PortalTable):
    name = tables.LinkColumn(
        "registry:detail",
        args=[tables.A("pk")],
        attrs={"a": {"class": "fw-semibold"}, "td": {"class": "text-nowrap"}},
    )
    credit_code = tables.Column(
        verbose_name=_("Credit code / filing number"),
        empty_values=(),
        order_by=("credit_code", "filing_number"),
        attrs={"td": {"class": "font-monospace small"}},
    )
    region = tables.Column(accessor="region__name", verbose_name=_("Region"), order_by=("region_id",))
    supervising_unit = tables.Column(
        accessor="supervising_unit__name",
        verbose_name=_("Supervising unit"),
        order_by=("supervising_unit__name",),
    )
    status = tables.Column()
    registered_on = DateColumn()

    class Meta:
        model = Organization
        fields = [
            "name",
            "credit_code",
            "org_type",
            "category",
            "region",
            "supervising_unit",
            "status",
            "registered_on",
        ]
        # Sorting and paging replace the table only (htmx); the row links open pages as usual.
        attrs = {
            "class": "table table-sm table-hover align-middle portal-table mb-0",
            "thead": {"hx-boost": "true"},
        }
        empty_text = _("No organization matches these filters.")
        template_name = "orgs/_table.html"

    def render_credit_code(self, record):
        return record.credit_code or record.filing_number or "—"

    def render_status(self, record):
        return status_badge(record)
