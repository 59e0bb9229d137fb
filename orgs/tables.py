from datetime import datetime
from functools import lru_cache

import django_tables2 as tables
from django.db import models
from django.urls import NoReverseMatch, reverse
from django.utils import dateformat, timezone
from django.utils.formats import localize
from django.utils.functional import cached_property
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.timezone import template_localtime
from django.utils.translation import gettext_lazy as _
from django_tables2.columns.linkcolumn import BaseLinkColumn
from django_tables2.rows import BoundRow, BoundRows
from django_tables2.utils import AttributeDict, signature

from . import selectors
from .frames import with_headroom
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
        if self.format == "Y-m-d":  # what dateformat writes for it, without parsing the format for each cell
            return f"{value.year:04d}-{value.month:02d}-{value.day:02d}"
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

    @property
    def attrs(self):
        """BoundRow.attrs, with the row attributes computed through `_call_with_appropriate`."""
        row_attrs = _computed_values(self._table.row_attrs, {"table": self._table, "record": self._record})
        css = self.get_even_odd_css_class()
        row_attrs["class"] = f"{row_attrs['class']} {css}" if row_attrs.get("class") else css
        return AttributeDict(row_attrs)


def _computed_values(attrs: dict, kwargs: dict) -> dict:
    """django_tables2.utils.computed_values with the signature of each callable looked up once."""
    result = {}
    for key, value in attrs.items():
        if callable(value):
            value = _call_with_appropriate(value, kwargs)
        result[key] = _computed_values(value, kwargs) if isinstance(value, dict) else value
    return result


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
    accessors, `render_FOO` methods, links, attributes and localization; only the per-cell template work, the
    per-cell `inspect.signature` and the per-cell parsing of each accessor are gone (`_Cells`; the cost of a
    25-row queue page is in bench/README.md)."""

    def __init__(self, *args, row_count: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = _Rows(data=self.data, table=self, pinned_data=self.pinned_data)
        if row_count is not None:  # counted already (a page's summary): not counted again
            self.data._length = row_count

    @cached_property
    def today(self):
        """The local date, once per table: cells and row classes that compare with it (days left, overdue)."""
        return timezone.localdate()

    def row_count(self) -> int:
        """The number of rows, counted once: django-tables2's paginator reads the same cached count."""
        data = self.data
        if getattr(data, "_length", None) is None:
            data._length = data.data.count()
        return data._length

    @with_headroom
    def body_html(self) -> str:
        # A column's <td> attributes are the same on every row unless one of them is computed from the
        # record (a callable): those are rendered once per column, the others per cell as by the template.
        columns = list(self.columns)
        static_td = {
            column.name: column.attrs["td"].as_html() for column in columns if not _computed_td(column)
        }
        cells_of = {column.name: _Cells(column) for column in columns}
        rows = []
        for row in self.paginated_rows:
            html = []
            for column in columns:
                cell = cells_of[column.name].render(row)
                # As BoundRow.items() leaves them, for attributes computed from the value or the record.
                column.current_value, column.current_record = cell, row.record
                td = static_td.get(column.name)
                td = td if td is not None else column.attrs["td"].as_html()
                html.append(f"<td {td}>{_cell_text(column, cell)}</td>")  # both parts are escaped or safe
            rows.append(f"<tr {row.attrs.as_html()}>{''.join(html)}</tr>")
        if not rows and self.empty_text:
            rows.append(format_html('<tr><td colspan="{}">{}</td></tr>', len(self.columns), self.empty_text))
        return format_html("<tbody {}>{}</tbody>", self.attrs["tbody"].as_html(), mark_safe("".join(rows)))


_SLOW = object()
_MISSING = object()


class _Cells:
    """One column's cells, made as django-tables2's BoundRow makes them (`_get_and_render_with`), with what
    does not change from row to row worked out once per table and model: the accessor's attribute path,
    whether its field shows `get_FOO_display()`, whether the column renders the value as it is. A step that only
    django-tables2's own lookup can settle (a record that is not a model instance, a callable, an attribute
    that raises) makes that cell with BoundRow's own code."""

    def __init__(self, bound_column):
        self.bound_column = bound_column
        self.column = bound_column.column
        accessor = bound_column.accessor
        path, _, self.remainder = accessor.rpartition(accessor.SEPARATOR)
        self.path = tuple(tables.A(path).bits)
        self.display = f"get_{self.remainder}_display"
        self.plain = bool(self.remainder) and not isinstance(self.column, tables.ManyToManyColumn)
        self.choices = {}  # model → whether the accessor's field has choices
        render = bound_column.render
        self.identity = getattr(render, "__func__", render) is tables.Column.render  # the value itself
        self.href = _Href(bound_column.link) if bound_column.link is not None else None

    def render(self, row):
        record = row.record
        value = self.value(record) if self.plain and isinstance(record, models.Model) else _SLOW
        if value is _MISSING and not (
            isinstance(self.column, BaseLinkColumn) and self.column.text is not None
        ):
            value = None  # the accessor raised: django-tables2 gives the cell no value (its column may render one)
        if value is _SLOW or value is _MISSING:
            return row.get_cell(self.bound_column.name)
        if value in self.column.empty_values:
            return self.bound_column.default
        link = self.bound_column.link
        if self.identity and not link:
            return value
        kwargs = row._optional_cell_arguments(self.bound_column, value)
        content = value if self.identity else _call_with_appropriate(self.bound_column.render, kwargs)
        return self.linked(link, content, kwargs) if link else content

    def linked(self, link, content, kwargs):
        """django-tables2's LinkTransform.__call__, with the URL from `_Href`."""
        attrs = AttributeDict(_computed_values(link.attrs or {}, kwargs))
        attrs["href"] = self.href(link, kwargs)
        if attrs["href"] is None:
            return content
        return format_html("<a {}>{}</a>", attrs.as_html(), content)

    def value(self, record):
        current = record
        for bit in self.path:
            current = _attribute(current, bit)
            if current is None or current is _SLOW or current is _MISSING:
                return current  # a relation across a null key: the value is None, as django-tables2 finds it
        model = type(record)
        if model not in self.choices:
            self.choices[model] = bool(
                getattr(tables.A(self.bound_column.accessor).get_field(record), "choices", ())
            )
        if self.choices[model] and isinstance(current, models.Model):
            display = getattr(current, self.display, None)
            if display:
                return display()
        return _attribute(current, self.remainder)


_URL_MARK = 918273645546372819  # an id that no row has: reversed once, replaced by each row's own


class _Href:
    """The URL a column links each row to. django-tables2 calls `reverse()` for every cell (50 calls, 1.2 ms of
    a 25-row queue page's 20 ms); a link to `reverse(viewname, args=[<an integer attribute of the record>])`
    is reversed once with a marker, and each row's integer put in its place. Checked against django-tables2's
    own URL on the first row; any other link (kwargs, a callable, `get_absolute_url`) is django-tables2's."""

    def __init__(self, link):
        self.attribute = self.prefix = self.suffix = None
        self.checked = False
        spec = link.reverse_args
        args = spec.get("args") or ()
        others = [key for key, value in spec.items() if value and key not in ("viewname", "args")]
        if link.url or not isinstance(spec.get("viewname"), str) or others or len(args) != 1:
            return
        if not isinstance(args[0], tables.A) or args[0].SEPARATOR in args[0]:
            return
        try:
            url = reverse(spec["viewname"], args=[_URL_MARK])
        except NoReverseMatch:
            return
        parts = url.split(str(_URL_MARK))
        if len(parts) == 2:
            self.attribute, (self.prefix, self.suffix) = str(args[0]), parts

    def __call__(self, link, kwargs):
        record = kwargs["record"]
        value = getattr(record, self.attribute, None) if self.attribute else None
        if type(value) is not int:
            return link.compose_url(**kwargs)
        url = f"{self.prefix}{value}{self.suffix}"
        if not self.checked:
            reversed_url = link.compose_url(**kwargs)
            if url != reversed_url:
                self.attribute = None  # a converter that writes integers its own way: reverse every row
                return reversed_url
            self.checked = True
        return url


def _attribute(current, name):
    """`getattr` of a model instance's attribute that is not callable; _MISSING where it raises; _SLOW where
    django-tables2's Accessor would do more than `getattr` (a key lookup first, a call): its own code does."""
    if not isinstance(current, models.Model) or hasattr(type(current), "__getitem__"):
        return _SLOW
    try:
        value = getattr(current, name)
    except Exception:
        return _MISSING
    return _SLOW if callable(value) else value


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
        order_by = ("name",)

    def order_name(self, queryset, is_descending):
        return self._by_text(queryset, ("name",), is_descending), True

    def order_credit_code(self, queryset, is_descending):
        return self._by_text(queryset, ("credit_code", "filing_number"), is_descending), True

    def _by_text(self, queryset, fields, descending):
        sort = self.row_count() <= selectors.SORTED_ROWS
        return selectors.ordered_by_text(queryset, fields, descending=descending, sort=sort)

    def render_credit_code(self, record):
        return record.credit_code or record.filing_number or "—"

    def render_status(self, record):
        return status_badge(record)
