"""Reads of the statistics. Scope: a staff user or system token reads the figures of its own region and
the regions under it; a region outside it is a 404 (Http404), like any object outside the caller's scope."""

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F, QuerySet, Sum, Value
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from orgs.access import access_for
from orgs.filters import REGION_CODE_VALIDATOR
from orgs.models import Organization, Region

from . import registry
from .models import Stat, StatBuild

NEXT_LEVEL = {0: 2, 2: 4, 4: 6, 6: 9}
GROUP_BYS = ("region", "org_type", "category", "year")


def can_read_stats(user) -> bool:
    access = access_for(user)
    return access.is_staff_kind and access.can("stats:read")


def scope_region(user) -> str:
    return access_for(user).region_code


def region_in_scope(user, region: str | None) -> str:
    """The region to read: the caller's own when none is asked; 404 when it lies outside the caller's scope;
    400 when it is not a region code."""
    access = access_for(user)
    if not can_read_stats(user):
        raise Http404
    region = (region or "").strip()
    if not region:
        return access.region_code
    try:
        REGION_CODE_VALIDATOR(region)
    except ValidationError as error:
        raise ValidationError({"region": error.messages}) from error
    if not region.startswith(access.region_code):
        raise Http404
    return region


def metric_or_400(code: str | None) -> registry.Metric:
    try:
        return registry.get(code or "")
    except KeyError:
        raise ValidationError({"metric": [_("Unknown metric.")]}) from None


def year_or_400(year) -> int:
    try:
        year = int(year)
    except (TypeError, ValueError):
        raise ValidationError({"year": [_("Give a year, e.g. 2025.")]}) from None
    if not 1949 <= year <= 2200:
        raise ValidationError({"year": [_("Give a year, e.g. 2025.")]})
    return year


def finished_builds():
    """The builds that finished. A failed one leaves the previous figures, which a finished build wrote."""
    return StatBuild.objects.filter(status=StatBuild.Status.DONE)


def latest_build(year: int | None = None) -> StatBuild | None:
    qs = finished_builds()
    if year is not None:
        qs = qs.filter(year=year)
    return qs.order_by("-finished_at", "-id").first()


def default_year(years: list[int], today=None) -> int:
    """The dashboard's year: the last built year before this one (annual reports are filed for past years),
    else the last built year, else the current year."""
    current = (today or timezone.localdate()).year
    past = [year for year in years if year < current]
    return past[-1] if past else (years[-1] if years else current)


def region_figures(*, year: int, region: str) -> dict[str, dict]:
    """Every metric's all-types, all-categories figure of one region (already scope-checked), by metric code.
    (Naming the metrics lets the lookup use the one-row-per-key index instead of reading the whole year.)"""
    rows = Stat.objects.filter(
        year=year, metric__in=registry.codes(), level=len(region), region=region, org_type="", category=""
    ).order_by()
    return {row["metric"]: row for row in rows.values("metric", "value", "denominator")}


def built_figure(*, metric: str, year: int, region: str, org_type="", category="") -> Stat | None:
    return Stat.objects.filter(
        year=year,
        metric=metric,
        level=len(region),
        region=region,
        org_type=org_type or "",
        category=category or "",
    ).first()


def built_years() -> list[int]:
    """The years with figures: those with a finished build. Read from the builds, not from the millions of
    figures."""
    return sorted(set(finished_builds().order_by().values_list("year", flat=True)))


def format_value(value, metric: registry.Metric | None = None) -> str | None:
    if value is None:
        return None
    value = Decimal(value)
    if (metric is None or metric.unit != "yuan") and value == value.to_integral_value():
        return str(value.quantize(Decimal(1)))
    return str(value.quantize(Decimal("0.01")))


def rate_of(value, denominator) -> Decimal | None:
    if not denominator:
        return None
    return (Decimal(value) / Decimal(denominator)).quantize(Decimal("0.0001"))


def _row(metric, year, region, org_type, category, value, denominator, **extra):
    row = {
        "metric": metric.code,
        "year": year,
        "region": region,
        "org_type": org_type,
        "category": category,
        "value": format_value(value, metric),
        **extra,
    }
    if metric.is_ratio:
        row["denominator"] = format_value(denominator or 0, metric)
        rate = rate_of(value, denominator)
        row["rate"] = None if rate is None else str(rate)
    return row


def stat_rows(
    *,
    user,
    metric: str,
    year=None,
    region: str | None = None,
    group_by: str | None = None,
    org_type="",
    category="",
) -> list[dict]:
    """The figures of one metric. Without group_by: the single total for the region (zero when the build
    found nothing). group_by=region: the regions one level down, plus — when organizations are registered at
    the region itself — a row for the region itself with "direct": true, so the rows add up to the total.
    group_by=org_type|category: one row per type/category. group_by=year: the trend over the built years."""
    metric_obj = metric_or_400(metric)
    region = region_in_scope(user, region)
    if group_by not in (None, "", *GROUP_BYS):
        raise ValidationError({"group_by": [_("Use region, org_type, category or year.")]})
    org_type, category = org_type or "", category or ""
    # Every lookup names the year(s), the metric and the level: the one index of Stat starts with them.
    base = Stat.objects.filter(metric=metric_obj.code).order_by()
    fields = ("year", "region", "org_type", "category", "value", "denominator")
    own = {"level": len(region), "region": region}
    if group_by == "year":
        built = finished_builds().values("year")
        stats = base.filter(year__in=built, **own, org_type=org_type, category=category).order_by("year")
        return [_row(metric_obj, *values) for values in stats.values_list(*fields)]
    year = year_or_400(year)
    base = base.filter(year=year)
    total = base.filter(**own, org_type=org_type, category=category).values_list(*fields).first()
    total = total or (
        year,
        region,
        org_type,
        category,
        Decimal(0),
        Decimal(0) if metric_obj.is_ratio else None,
    )
    if not group_by:
        return [_row(metric_obj, *total, region_name=region_names([region]).get(region, ""))]
    if group_by == "org_type":
        stats = base.filter(**own, category=category).exclude(org_type="").order_by("org_type")
        return [_row(metric_obj, *values) for values in stats.values_list(*fields)]
    if group_by == "category":
        stats = base.filter(**own, org_type=org_type).exclude(category="").order_by("category")
        return [_row(metric_obj, *values) for values in stats.values_list(*fields)]
    # group_by == "region"
    level = NEXT_LEVEL.get(len(region))
    if level is None:
        return []
    stats = base.filter(level=level, region__startswith=region, org_type=org_type, category=category)
    children = list(stats.order_by("region").values_list(*fields))
    names = region_names([region, *(c[1] for c in children)])
    rows = [_row(metric_obj, *values, region_name=names.get(values[1], "")) for values in children]
    direct_value = Decimal(total[4] or 0) - sum((Decimal(c[4] or 0) for c in children), Decimal(0))
    direct_denominator = None
    if metric_obj.is_ratio:
        direct_denominator = Decimal(total[5] or 0) - sum((Decimal(c[5] or 0) for c in children), Decimal(0))
    if direct_value or direct_denominator:
        rows.append(
            _row(
                metric_obj, year, region, org_type, category, direct_value, direct_denominator,
                region_name=names.get(region, ""), direct=True,
            )
        )  # fmt: skip
    return rows


def region_names(codes) -> dict[str, str]:
    codes = [code for code in codes if code]
    names = dict(Region.objects.filter(code__in=codes).values_list("code", "name"))
    names.setdefault("", _("Nationwide"))
    return names


def region_path(region: str, top: str) -> list[Region]:
    """Breadcrumbs from the caller's region `top` down to `region`."""
    codes = [region[:n] for n in (2, 4, 6, 9) if n <= len(region) and len(top) <= n]
    return list(Region.objects.filter(code__in=codes).order_by("code"))


def drilldown(*, user, metric: str, year, region: str | None = None, org_type="", category="") -> QuerySet:
    """The rows behind a figure, each annotated with `contribution`; their sum is the figure (for a ratio,
    its numerator), computed live from the data (equal to the built figure unless the data changed since)."""
    metric_obj = metric_or_400(metric)
    if metric_obj.drilldown_allowed and not metric_obj.drilldown_allowed(user):
        raise PermissionDenied(_("You may not see the rows behind this figure."))
    region = region_in_scope(user, region)
    year = year_or_400(year)
    queryset, contribution = metric_obj.drilldown(year, region, org_type or None, category or None)
    if isinstance(contribution, str):
        contribution = F(contribution)
    return queryset.annotate(contribution=contribution).order_by("pk")


def drilldown_total(queryset) -> Decimal:
    return queryset.order_by().aggregate(total=Sum("contribution", default=Value(0)))["total"] or Decimal(0)


def drilldown_row(obj) -> dict:
    """One drill-down row, for the API, the page and the export: the organization behind it and its share."""
    organization = obj if isinstance(obj, Organization) else getattr(obj, "organization", None)
    return {
        "id": obj.pk,
        "kind": obj._meta.model_name,
        "organization_id": getattr(organization, "pk", None),
        "organization_name": getattr(organization, "name", str(obj)),
        "credit_code": getattr(organization, "credit_code", None)
        or getattr(organization, "filing_number", ""),
        "region": getattr(organization, "region_id", ""),
        "org_type": getattr(organization, "org_type", ""),
        "category": getattr(organization, "category", ""),
        "year": getattr(obj, "year", None),
        "contribution": obj.contribution,
    }
