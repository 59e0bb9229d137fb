"""Statistics pages: the dashboard, the drill-down list behind a figure, exports with a progress bar."""

from decimal import Decimal

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, HttpResponseBadRequest, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from orgs.models import Organization

from . import exports, registry, selectors
from .models import Export


def _type_and_category_labels():
    # Figures not tied to one organization (instructors, work stations) carry the type and category `unattached`.
    unattached = {"unattached": _("Not tied to one organization")}
    return {**dict(Organization.OrgType.choices), **unattached}, {
        **dict(Organization.Category.choices),
        **unattached,
    }


HEADLINE = [
    "orgs_total", "orgs_new", "orgs_deregistered", "filing_rate", "reports_accepted", "jobs_posted",
    "graduate_jobs", "standards_drafted", "funds_raised", "beneficiaries", "fees_reduced", "reported_enterprises_benefiting",
]  # fmt: skip
GROUP_LABELS = {
    "organizations": gettext_lazy("Organizations by status"),
    "annual_reports": gettext_lazy("Annual reports"),
    "outcomes": gettext_lazy("Outcomes reported in accepted annual reports"),
    "ratings": gettext_lazy("Ratings valid at the end of the year"),
    "credit": gettext_lazy("Credit lists at the end of the year"),
    "party_building": gettext_lazy("Party building"),
    "fees": gettext_lazy("Fee remediation"),
}


def _require_stats(request):
    if not selectors.can_read_stats(request.user):
        raise PermissionDenied(_("You do not have the right to read statistics (stats:read)."))


def _display(value: str | None, metric, denominator=None) -> str:
    if metric.is_ratio:
        rate = selectors.rate_of(Decimal(value or 0), Decimal(denominator or 0))
        return "—" if rate is None else f"{rate * 100:.1f}%"
    number = Decimal(value or 0)
    if metric.unit == "yuan":
        return f"{number:,.2f}"
    return f"{number:,.0f}"


def _drill_url(**params) -> str:
    return (
        reverse("reports:drilldown")
        + "?"
        + urlencode({k: v for k, v in params.items() if v not in (None, "")})
    )


def _dashboard_url(**params) -> str:
    return (
        reverse("reports:dashboard")
        + "?"
        + urlencode({k: v for k, v in params.items() if v not in (None, "")})
    )


def _bad_request(request, error: ValidationError):
    return HttpResponseBadRequest("; ".join(str(m) for m in error.messages))


@login_required
def dashboard(request):
    _require_stats(request)
    top = selectors.scope_region(request.user)
    try:
        region = selectors.region_in_scope(request.user, request.GET.get("region"))
        years = selectors.built_years()
        default_year = selectors.default_year(years)
        year = selectors.year_or_400(request.GET.get("year") or default_year)
        metric = selectors.metric_or_400(request.GET.get("metric") or "orgs_total")
    except ValidationError as error:
        return _bad_request(request, error)
    figures = selectors.region_figures(year=year, region=region)
    metrics = registry.all()
    groups: dict[str, dict] = {}
    for m in metrics:
        row = figures.get(m.code, {})
        item = {
            "metric": m,
            "display": _display(row.get("value"), m, row.get("denominator")),
            "url": _drill_url(metric=m.code, year=year, region=region),
            "selected": m.code == metric.code,
            "select_url": _dashboard_url(region=region, year=year, metric=m.code),
        }
        groups.setdefault(m.group or "other", {"label": GROUP_LABELS.get(m.group, m.group), "items": []})
        groups[m.group or "other"]["items"].append(item)
    by_code = {item["metric"].code: item for group in groups.values() for item in group["items"]}
    headline = [by_code[code] for code in HEADLINE if code in by_code]

    query = {"user": request.user, "metric": metric.code, "year": year, "region": region}
    trend = selectors.stat_rows(**query, group_by="year")
    sub_regions = selectors.stat_rows(**query, group_by="region")
    by_type = selectors.stat_rows(**query, group_by="org_type")
    by_category = selectors.stat_rows(**query, group_by="category")
    types, categories = _type_and_category_labels()
    for row in sub_regions:
        row["display"] = _display(row["value"], metric, row.get("denominator"))
        row["url"] = _drill_url(metric=metric.code, year=year, region=row["region"])
        if row.get("direct"):
            row["label"] = _("%(name)s (own level)") % {"name": row["region_name"]}
            row["move_url"] = None
        else:
            row["label"] = row["region_name"] or row["region"]
            row["move_url"] = _dashboard_url(region=row["region"], year=year, metric=metric.code)
    for row in by_type:
        row["display"] = _display(row["value"], metric, row.get("denominator"))
        row["label"] = str(types.get(row["org_type"], row["org_type"]))
        row["url"] = _drill_url(metric=metric.code, year=year, region=region, org_type=row["org_type"])
    for row in by_category:
        row["display"] = _display(row["value"], metric, row.get("denominator"))
        row["label"] = str(categories.get(row["category"], row["category"]))
        row["url"] = _drill_url(metric=metric.code, year=year, region=region, category=row["category"])
    for row in trend:
        row["display"] = _display(row["value"], metric, row.get("denominator"))

    def number(row):
        if metric.is_ratio:
            rate = selectors.rate_of(Decimal(row["value"] or 0), Decimal(row.get("denominator") or 0))
            return float(rate * 100) if rate is not None else None
        return float(row["value"] or 0)

    chart = {  # clicking a point opens the list behind it; clicking a sub-region's bar descends to it
        "metric": str(metric.label),
        "unit": "%" if metric.is_ratio else metric.unit,
        "trend": {
            "x": [str(r["year"]) for r in trend],
            "y": [number(r) for r in trend],
            "urls": [_drill_url(metric=metric.code, year=r["year"], region=region) for r in trend],
        },
        "regions": {
            "x": [r["label"] for r in sub_regions],
            "y": [number(r) for r in sub_regions],
            "urls": [r["move_url"] or r["url"] for r in sub_regions],
        },
        "types": [{"name": r["label"], "value": number(r), "url": r["url"]} for r in by_type],
    }
    build = selectors.latest_build(year)
    names = selectors.region_names([region])
    context = {
        "region": region,
        "region_name": names.get(region, region),
        "breadcrumbs": (
            [{"name": names[""], "url": _dashboard_url(year=year, metric=metric.code)}] if not top else []
        )
        + [
            {"name": r.name, "url": _dashboard_url(region=r.code, year=year, metric=metric.code)}
            for r in selectors.region_path(region, top)
        ],
        "year": year,
        "years": [
            {
                "year": y,
                "url": _dashboard_url(region=region, year=y, metric=metric.code),
                "current": y == year,
            }
            for y in (years or [year])
        ],
        "metric": metric,
        "metric_url": _drill_url(metric=metric.code, year=year, region=region),
        "headline": headline,
        "groups": groups.values(),
        "trend": trend,
        "sub_regions": sub_regions,
        "by_type": by_type,
        "by_category": by_category,
        "chart": chart,
        "build": build,
        "export_stats_csv": reverse("reports:export-start")
        + "?"
        + urlencode(
            {
                "source": "stats",
                "format": "csv",
                "year": year,
                "region": region,
                "metric": metric.code,
                "group_by": "region",
            }
        ),  # fmt: skip
        "export_stats_xlsx": reverse("reports:export-start")
        + "?"
        + urlencode({"source": "stats", "format": "xlsx", "year": year, "region": region}),
    }
    return render(request, "reports/dashboard.html", context)


DRILL_PARAMS = ("metric", "year", "region", "org_type", "category")


@login_required
def drilldown(request):
    _require_stats(request)
    params = {k: request.GET.get(k, "") for k in DRILL_PARAMS}
    try:
        queryset = selectors.drilldown(user=request.user, **params)
        metric = selectors.metric_or_400(params["metric"])
    except ValidationError as error:
        return _bad_request(request, error)
    fmt = request.GET.get("format")
    if fmt in Export.Format.values:
        return _export_response(request, "drilldown", fmt, params)
    total = selectors.drilldown_total(queryset)
    built = selectors.built_figure(
        metric=metric.code,
        year=int(params["year"]),
        region=params["region"] or selectors.scope_region(request.user),
        org_type=params["org_type"],
        category=params["category"],
    )
    page = Paginator(queryset, 100).get_page(request.GET.get("page"))
    rows = [selectors.drilldown_row(obj) for obj in page]
    types, categories = _type_and_category_labels()
    for row in rows:
        row["org_type_label"] = types.get(row["org_type"], row["org_type"])
        row["category_label"] = categories.get(row["category"], row["category"])
        row["contribution_display"] = (
            _display(row["contribution"], metric) if not metric.is_ratio else row["contribution"]
        )
    region = params["region"] or selectors.scope_region(request.user)
    query = {k: v for k, v in params.items() if v}
    context = {
        "metric": metric,
        "params": params,
        "region_name": selectors.region_names([region]).get(region, region),
        "type_label": types.get(params["org_type"], ""),
        "category_label": categories.get(params["category"], ""),
        "rows": rows,
        "page": page,
        "total": total,
        "total_display": _display(total, metric) if not metric.is_ratio else f"{total:,.0f}",
        "built": built,
        "built_display": _display(built.value, metric, built.denominator) if built else None,
        "differs": built is not None and Decimal(built.value) != Decimal(total),
        "query": urlencode(query),
        "back_url": _dashboard_url(region=region, year=params["year"], metric=metric.code),
    }
    return render(request, "reports/drilldown.html", context)


def _export_response(request, source: str, fmt: str, filters: dict):
    """Small: the file at once (CSV streamed). Large: a background export and its progress page."""
    filters = {k: v for k, v in filters.items() if v not in (None, "")}
    try:
        table = exports.table_for(user=request.user, source=source, filters=filters)
    except ValidationError as error:
        return _bad_request(request, error)
    if table.count > exports.sync_max_rows():
        export = exports.export_create(user=request.user, source=source, format=fmt, filters=filters)
        return redirect("reports:export-detail", pk=export.pk)
    name = exports.filename_for(table, fmt)
    if fmt == "csv":
        response = StreamingHttpResponse(exports.csv_stream(table), content_type="text/csv; charset=utf-8")
    else:
        import tempfile

        handle = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it after sending
        exports.write_xlsx(table, handle)
        handle.seek(0)
        response = FileResponse(
            handle, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def export_start(request):
    """`/reports/exports/?source=organizations&format=csv&<the list's filters>`: any list page links here.
    The right needed depends on the source (exports.SOURCE_SCOPES)."""
    data = request.POST if request.method == "POST" else request.GET
    source, fmt = data.get("source", ""), data.get("format", "csv")
    if source not in exports.SOURCES or fmt not in Export.Format.values:
        return HttpResponseBadRequest(_("Unknown source or format."))
    filters = {k: v for k, v in data.items() if k not in ("source", "format", "csrfmiddlewaretoken", "page")}
    return _export_response(request, source, fmt, filters)


@login_required
def export_detail(request, pk):  # only its creator finds it
    export = get_object_or_404(exports.exports_visible_to(request.user), pk=pk)
    if request.GET.get("download") and export.status == Export.Status.DONE and export.file:
        return exports.export_file_response(export)
    template = "reports/_export_progress.html" if request.htmx else "reports/export.html"
    return render(request, template, {"export": export})
