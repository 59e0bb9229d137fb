"""PortalTable renders its body in Python: the rows must be the ones django-tables2's own template writes."""

import re

import django_tables2 as tables
from django.template.loader import get_template
from django.test import RequestFactory
from django.utils import translation

from fees.models import FeeCase
from fees.tables import FeeCaseTable
from orgs.models import Organization, RegistrationApplication
from orgs.registration.tables import ApplicationTable
from orgs.tables import OrganizationTable, PortalTable
from tests.factories import make_org
from tests.fees.test_case_api import open_case

TBODY = re.compile(r"<tbody.*?</tbody>", re.S)


def tbodies(make_table) -> tuple[str, str]:
    """The body as the stock bootstrap5 template writes it, and as the portal's template does (each with a
    table of its own: a table counts its rows for the odd/even classes)."""
    request = RequestFactory().get("/")
    bodies = []
    for template in ("django_tables2/bootstrap5.html", "orgs/_bootstrap5.html"):
        table = make_table()
        table.paginate(per_page=25)
        html = get_template(template).render({"table": table, "request": request}, request)
        bodies.append(re.sub(r">\s+<", "><", TBODY.search(html).group(0)).strip())
    return tuple(bodies)


def test_organization_rows_are_the_stock_rows(gusu_org, wuzhong_org):
    make_org("320508", org_type="social_group", category="community", credit_code=None,
             filing_number="320508001-2024-0001", supervising_unit=None, status="abnormal")  # fmt: skip
    for language in ("zh-hans", "en"):
        with translation.override(language):
            stock, ours = tbodies(lambda: OrganizationTable(Organization.objects.order_by("pk")))
            assert stock == ours
    assert ours.count("<tr") == 3 and "320508001-2024-0001" in ours and 'href="/organizations/' in ours


def test_fee_case_rows_are_the_stock_rows(gusu_org):
    open_case(gusu_org, amount="12345.60")
    stock, ours = tbodies(lambda: FeeCaseTable(FeeCase.objects.select_related("organization")))
    assert stock == ours
    assert "12345" in ours and gusu_org.name in ours


def test_application_rows_are_the_stock_rows(gusu_org, registrar_city):
    RegistrationApplication.objects.create(
        kind="change",
        organization=gusu_org,
        org_type=gusu_org.org_type,
        category=gusu_org.category,
        region_id=gusu_org.region_id,
        applicant=registrar_city,
        proposed={"address": "苏州市姑苏区人民路1号"},
        status="submitted",
    )
    stock, ours = tbodies(
        lambda: ApplicationTable(RegistrationApplication.objects.select_related("organization"))
    )
    assert stock == ours
    assert gusu_org.name in ours and "data-application=" in ours


def test_an_empty_table_says_so(db):
    stock, ours = tbodies(lambda: OrganizationTable(Organization.objects.none()))
    assert stock == ours
    assert 'colspan="8"' in ours


class _StatusCellTable(OrganizationTable):
    """A table whose status cells take a class from their record, beside columns with fixed attributes."""

    status = tables.Column(attrs={"td": {"class": lambda record: f"portal-status-{record.status}"}})


def test_cell_attributes_computed_from_the_record_are_computed_per_row(gusu_org, wuzhong_org):
    Organization.objects.filter(pk=wuzhong_org.pk).update(status="abnormal")
    stock, ours = tbodies(lambda: _StatusCellTable(Organization.objects.order_by("pk")))
    assert stock == ours
    assert 'class="portal-status-active"' in ours and 'class="portal-status-abnormal"' in ours
    assert ours.count('class="font-monospace small"') == 2


class _LookupTable(PortalTable):
    """Cells that take each of django-tables2's lookup paths: a choices field behind a relation, a relation
    across a null key, a method, a missing attribute, a localized number and a link from a function."""

    unit_kind = tables.Column(accessor="supervising_unit__kind", verbose_name="unit kind")
    unit_name = tables.Column(accessor="supervising_unit__name", verbose_name="unit", default="(none)")
    status_label = tables.Column(accessor="get_status_display", verbose_name="status")
    missing = tables.Column(accessor="no_such_attribute", verbose_name="missing")
    missing_rendered = tables.Column(accessor="no_such_attribute", empty_values=(), verbose_name="rendered")
    open_link = tables.LinkColumn("registry:detail", args=[tables.A("pk")], accessor="no_such_attribute",
                                  text="open", verbose_name="link")  # fmt: skip
    registered_capital = tables.Column(localize=True)
    region = tables.Column(linkify=lambda record: f"/regions/{record.region_id}/")

    class Meta:
        model = Organization
        fields = ["name", "registered_capital", "region"]

    def render_missing_rendered(self, value, record):
        return f"{value!r} for {record.pk}"


def test_cells_found_by_every_lookup_path_are_the_stock_cells(gusu_org):
    make_org("320508", name="未备案社区组织", org_type="social_group", category="community", credit_code=None,
             filing_number="320508001-2024-0002", supervising_unit=None, registered_capital="1234567.89")  # fmt: skip
    for language in ("zh-hans", "en"):
        with translation.override(language):
            stock, ours = tbodies(lambda: _LookupTable(Organization.objects.order_by("pk")))
            assert stock == ours
    assert "(none)" in ours and 'href="/regions/320508/"' in ours and "1234567.89" in ours
    assert gusu_org.supervising_unit.get_kind_display() in ours
    assert f"None for {gusu_org.pk}" in ours and f'href="/organizations/{gusu_org.pk}/">open</a>' in ours


class _PlainTable(PortalTable):
    name = tables.Column()
    count = tables.Column()


def test_rows_that_are_not_model_instances_are_the_stock_rows(db):
    rows = [{"name": "协会<一>", "count": 3}, {"name": "协会二", "count": None}]
    stock, ours = tbodies(lambda: _PlainTable(rows))
    assert stock == ours
    assert "协会&lt;一&gt;" in ours and ours.count("<tr") == 2


class _LinkTable(PortalTable):
    """Links to a detail page by the record's id (reversed once per table) and by keyword (reversed per row)."""

    name = tables.Column(linkify=("registry:detail", [tables.A("pk")]))
    by_keyword = tables.Column(
        accessor="credit_code", linkify={"viewname": "registry:detail", "kwargs": {"pk": tables.A("pk")}}
    )

    class Meta:
        model = Organization
        fields = ["name"]


def test_a_link_by_id_is_reversed_once_per_table_and_others_per_row(gusu_org, wuzhong_org, monkeypatch):
    import django_tables2.columns.base

    make_org("320508", name="第三个协会", org_type="social_group", category="community")
    real = django_tables2.columns.base.reverse
    calls = []
    monkeypatch.setattr(
        django_tables2.columns.base,
        "reverse",
        lambda *a, **k: calls.append(k.get("args") or k["kwargs"]) or real(*a, **k),
    )
    table = _LinkTable(Organization.objects.order_by("pk"))
    body = table.body_html()
    ids = list(Organization.objects.order_by("pk").values_list("pk", flat=True))
    by_id = [c for c in calls if isinstance(c, list)]
    assert by_id == [[ids[0]]]  # the first row's URL, checked against the marker's; no other row reversed
    assert [c for c in calls if isinstance(c, dict)] == [{"pk": pk} for pk in ids]
    for pk in ids:
        assert body.count(f'href="/organizations/{pk}/"') == 2
    monkeypatch.undo()
    stock, ours = tbodies(lambda: _LinkTable(Organization.objects.order_by("pk")))
    assert stock == ours
